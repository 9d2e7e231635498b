import { escapeHtml, renderDecisionButtons, renderDocument, renderErrorDocument, renderHiddenFields, type BilingualMessage, type PageFrame } from '../shared/html.js';

export { escapeHtml, type BilingualMessage };

export interface ConsentPageInput {
  appName: string;
  sellers: Array<{ openId: string; name: string; shops: string[] }>;
  /** Fields of the authorization request, sent back as hidden inputs with the decision. */
  hiddenFields: Record<string, string>;
}

const STYLE = `
  body { font-family: system-ui, sans-serif; background: #f1f1f2; margin: 0; color: #161823; }
  header { background: #000; color: #fff; padding: 0.75rem 2rem; font-weight: bold; }
  header span { color: #fe2c55; }
  main { max-width: 30rem; margin: 3rem auto; background: #fff; padding: 1.5rem 2rem; border-radius: 8px; }
  fieldset { border: 1px solid #e3e3e4; border-radius: 6px; margin: 1rem 0; }
  label { display: block; padding: 0.3rem 0; }
  .shops { color: #666; font-size: 0.85rem; }
  .actions { display: flex; gap: 0.75rem; }
  button { padding: 0.6rem 1.2rem; border-radius: 4px; border: 1px solid #fe2c55; font-size: 1rem; cursor: pointer; }
  button.allow { background: #fe2c55; color: #fff; }
  button.deny { background: #fff; color: #fe2c55; }
  .english { color: #666; font-size: 0.9rem; }
  footer { font-size: 0.8rem; color: #666; margin-top: 1.5rem; }
`;

const FRAME: PageFrame = {
  style: STYLE,
  header: 'TikTok <span>Shop</span> · sandbox local',
  footer: 'Sandbox local de TikTok Shop para pruebas: no usa cuentas reales.',
};

/** Renders the consent page: a seller picker (first seller checked) and the "Autorizar" and "Cancelar" buttons. */
export function renderConsentPage(input: ConsentPageInput): string {
  const hidden = renderHiddenFields(input.hiddenFields);
  const sellers = input.sellers
    .map((seller, index) => {
      const checked = index === 0 ? ' checked' : '';
      const shops = seller.shops.map(escapeHtml).join(', ');
      return `<label><input type="radio" name="open_id" value="${escapeHtml(seller.openId)}"${checked}> ${escapeHtml(seller.name)} <span class="shops">(tiendas: ${shops})</span></label>`;
    })
    .join('\n');
  return renderDocument(
    FRAME,
    'Autorizar aplicación',
    `<h1>La aplicación ${escapeHtml(input.appName)} solicita acceso a tu tienda</h1>
<p>Podrá consultar tus productos y pedidos y actualizar tu inventario.</p>
<form method="post" action="/open/authorize/decision">
${hidden}
<fieldset>
<legend>Elige la cuenta de vendedor</legend>
${sellers}
</fieldset>
${renderDecisionButtons('Autorizar')}
</form>`,
  );
}

/** Renders an error page that explains what was wrong, in Spanish and then in English. */
export function renderErrorPage(message: BilingualMessage): string {
  return renderErrorDocument(FRAME, 'Error de autorización', 'No se pudo continuar con la autorización', message);
}
