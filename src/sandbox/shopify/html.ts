/** A message for an error page: Spanish (es-MX) first, English below. */
export interface BilingualMessage {
  es: string;
  en: string;
}

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

export function escapeHtml(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

function renderDocument(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="es-MX">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${STYLE}</style>
</head>
<body>
<header>Shopify · sandbox local</header>
<main>
${body}
<footer>Sandbox local de Shopify para pruebas: no usa tiendas reales.</footer>
</main>
</body>
</html>
`;
}

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
  const hidden = Object.entries(input.hiddenFields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  const scopes = input.scopes.map((scope) => `<li>${escapeHtml(SCOPE_TEXT[scope] ?? scope)} <code>${escapeHtml(scope)}</code></li>`).join('\n');
  return renderDocument(
    'Instalar aplicación',
    `<h1>Instalar ${escapeHtml(input.appName)} en ${escapeHtml(input.shopName)}</h1>
<p>La aplicación podrá acceder a los siguientes datos de <strong>${escapeHtml(input.shopDomain)}</strong>:</p>
<ul>
${scopes}
</ul>
<form method="post" action="/shops/${escapeHtml(input.shopDomain)}/admin/oauth/authorize">
${hidden}
<div class="actions">
<button type="submit" class="allow" name="decision" value="allow">Instalar</button>
<button type="submit" class="deny" name="decision" value="deny">Cancelar</button>
</div>
</form>`,
  );
}

/** Renders an error page that explains what was wrong, in Spanish and then in English. */
export function renderErrorPage(message: BilingualMessage): string {
  return renderDocument(
    'Error de instalación',
    `<h1>No se pudo instalar la aplicación</h1>
<p>${escapeHtml(message.es)}</p>
<p class="english" lang="en">${escapeHtml(message.en)}</p>`,
  );
}
