import { escapeHtml, renderDecisionButtons, renderDocument, renderErrorDocument, renderHiddenFields, type BilingualMessage, type PageFrame } from '../shared/html.js';

export { escapeHtml, type BilingualMessage };

export interface EmpowerPageInput {
  appName: string;
  sellers: Array<{ supplierId: number; name: string }>;
  /** Fields of the empower request, sent back as hidden inputs with the decision. */
  hiddenFields: Record<string, string>;
}

const STYLE = `
  body { font-family: system-ui, sans-serif; background: #f6f6f6; margin: 0; color: #222; }
  header { background: #000; color: #fff; padding: 0.75rem 2rem; font-weight: bold; letter-spacing: 0.2em; }
  main { max-width: 30rem; margin: 3rem auto; background: #fff; padding: 1.5rem 2rem; border: 1px solid #e5e5e5; }
  fieldset { border: 1px solid #ddd; margin: 1rem 0; }
  label { display: block; padding: 0.25rem 0; }
  .actions { display: flex; gap: 0.75rem; }
  button { padding: 0.6rem 1.2rem; border: 1px solid #000; font-size: 1rem; cursor: pointer; }
  button.allow { background: #000; color: #fff; }
  button.deny { background: #fff; color: #000; }
  .english { color: #666; font-size: 0.9rem; }
  footer { font-size: 0.8rem; color: #666; margin-top: 1.5rem; }
`;

const FRAME: PageFrame = {
  style: STYLE,
  header: 'SHEIN · Open Platform · sandbox local',
  footer: 'Sandbox local de SHEIN para pruebas: no usa cuentas reales.',
};

/** Renders the empower page: a seller picker (first seller checked) and the "Autorizar" and "Cancelar" buttons. */
export function renderEmpowerPage(input: EmpowerPageInput): string {
  const hidden = renderHiddenFields(input.hiddenFields);
  const sellers = input.sellers
    .map((seller, index) => {
      const checked = index === 0 ? ' checked' : '';
      return `<label><input type="radio" name="supplierId" value="${seller.supplierId}"${checked}> ${escapeHtml(seller.name)} (ID de proveedor ${seller.supplierId})</label>`;
    })
    .join('\n');

  return renderDocument(
    FRAME,
    'Autorizar aplicación',
    `<h1>Autoriza a ${escapeHtml(input.appName)} a acceder a tu tienda SHEIN</h1>
<p>La aplicación podrá consultar tus productos y pedidos y actualizar tu inventario.</p>
<form method="post" action="/empower/decision">
${hidden}
<fieldset>
<legend>Elige la cuenta de proveedor</legend>
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
