import { escapeHtml, renderDecisionButtons, renderDocument, renderErrorDocument, renderHiddenFields, type BilingualMessage, type PageFrame } from '../shared/html.js';

export { escapeHtml, type BilingualMessage };

/** Spanish names of the scopes shown on the consent page. */
const SCOPE_TEXT: Record<string, string> = {
  read_products: 'Ver productos, variantes y colecciones',
  write_products: 'Modificar productos, variantes y colecciones',
  read_inventory: 'Ver inventario',
  write_inventory: 'Modificar inventario',
  read_locations: 'Ver ubicaciones',
  read_orders: 'Ver pedidos de los últimos 60 días',
  write_orders: 'Modificar pedidos',
  read_all_orders: 'Ver todos los pedidos',
};

const STYLE = `
  body { font-family: system-ui, sans-serif; background: #f1f1f1; margin: 0; color: #303030; }
  header { background: #1a1a1a; color: #fff; padding: 0.75rem 2rem; font-weight: bold; }
  main { max-width: 30rem; margin: 3rem auto; background: #fff; padding: 1.5rem 2rem; border-radius: 12px; }
  ul { padding-left: 1.2rem; }
  .actions { display: flex; gap: 0.75rem; margin-top: 1.5rem; }
  button { padding: 0.6rem 1.2rem; border-radius: 8px; border: 1px solid #303030; font-size: 1rem; cursor: pointer; }
  button.allow { background: #303030; color: #fff; }
  button.deny { background: #fff; color: #303030; }
  .english { color: #616161; font-size: 0.9rem; }
  footer { font-size: 0.8rem; color: #616161; margin-top: 1.5rem; }
`;

const FRAME: PageFrame = {
  style: STYLE,
  header: 'Shopify · sandbox local',
  footer: 'Sandbox local de Shopify para pruebas: no usa tiendas reales.',
};

export interface ConsentPageInput {
  appName: string;
  shopName: string;
  shopDomain: string;
  scopes: string[];
  /** Fields of the authorize request, sent back as hidden inputs with the decision. */
  hiddenFields: Record<string, string>;
}

/** Renders the install page with the requested permissions and the "Instalar" and "Cancelar" buttons. */
export function renderConsentPage(input: ConsentPageInput): string {
  const hidden = renderHiddenFields(input.hiddenFields);
  const scopes = input.scopes.map((scope) => `<li>${escapeHtml(SCOPE_TEXT[scope] ?? scope)} <code>${escapeHtml(scope)}</code></li>`).join('\n');
  return renderDocument(
    FRAME,
    'Instalar aplicación',
    `<h1>Instalar ${escapeHtml(input.appName)} en ${escapeHtml(input.shopName)}</h1>
<p>La aplicación podrá acceder a los siguientes datos de <strong>${escapeHtml(input.shopDomain)}</strong>:</p>
<ul>
${scopes}
</ul>
<form method="post" action="/shops/${escapeHtml(input.shopDomain)}/admin/oauth/authorize">
${hidden}
${renderDecisionButtons('Instalar')}
</form>`,
  );
}

/** Renders an error page that explains what was wrong, in Spanish and then in English. */
export function renderErrorPage(message: BilingualMessage): string {
  return renderErrorDocument(FRAME, 'Error de instalación', 'No se pudo instalar la aplicación', message);
}
