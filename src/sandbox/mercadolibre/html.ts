import { escapeHtml, renderDecisionButtons, renderDocument, renderErrorDocument, renderHiddenFields, type BilingualMessage, type PageFrame } from '../shared/html.js';

export { escapeHtml, type BilingualMessage };

export interface ConsentPageInput {
  appName: string;
  sellers: Array<{ id: number; nickname: string }>;
  /** Fields of the authorization request, sent back as hidden inputs with the decision. */
  hiddenFields: Record<string, string>;
}

const STYLE = `
  body { font-family: system-ui, sans-serif; background: #ebebeb; margin: 0; color: #333; }
  main { max-width: 28rem; margin: 3rem auto; background: #fff; padding: 1.5rem 2rem; border-radius: 6px; }
  header { background: #ffe600; padding: 0.75rem 2rem; font-weight: bold; }
  fieldset { border: 1px solid #ddd; border-radius: 4px; margin: 1rem 0; }
  label { display: block; padding: 0.25rem 0; }
  .actions { display: flex; gap: 0.75rem; }
  button { padding: 0.6rem 1.2rem; border-radius: 4px; border: 1px solid #3483fa; font-size: 1rem; cursor: pointer; }
  button.allow { background: #3483fa; color: #fff; }
  button.deny { background: #fff; color: #3483fa; }
  .english { color: #666; font-size: 0.9rem; }
  footer { font-size: 0.8rem; color: #666; margin-top: 1.5rem; }
`;

const FRAME: PageFrame = {
  style: STYLE,
  header: 'Mercado Libre · sandbox local',
  footer: 'Sandbox local de Mercado Libre para pruebas: no usa cuentas reales.',
};

/** Renders the consent page: a seller picker (first seller checked) and the "Autorizar" and "Cancelar" buttons. */
export function renderConsentPage(input: ConsentPageInput): string {
  const hidden = renderHiddenFields(input.hiddenFields);
  const sellers = input.sellers
    .map((seller, index) => {
      const checked = index === 0 ? ' checked' : '';
      return `<label><input type="radio" name="user_id" value="${seller.id}"${checked}> ${escapeHtml(seller.nickname)} (ID ${seller.id})</label>`;
    })
    .join('\n');

  return renderDocument(
    FRAME,
    'Autorizar aplicación',
    `<h1>Autoriza a la aplicación ${escapeHtml(input.appName)} a acceder a tu cuenta</h1>
<p>La aplicación podrá consultar y modificar tus publicaciones y consultar tus ventas.</p>
<form method="post" action="/authorization/decision">
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
