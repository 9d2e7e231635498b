/** A message for an error page: Spanish (es-MX) first, English below. */
export interface BilingualMessage {
  es: string;
  en: string;
}

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

export function escapeHtml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
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
<header>Mercado Libre · sandbox local</header>
<main>
${body}
<footer>Sandbox local de Mercado Libre para pruebas: no usa cuentas reales.</footer>
</main>
</body>
</html>
`;
}

/** Renders the consent page: a seller picker (first seller checked) and the "Autorizar" and "Cancelar" buttons. */
export function renderConsentPage(input: ConsentPageInput): string {
  const hidden = Object.entries(input.hiddenFields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
  const sellers = input.sellers
    .map((seller, index) => {
      const checked = index === 0 ? ' checked' : '';
      return `<label><input type="radio" name="user_id" value="${seller.id}"${checked}> ${escapeHtml(seller.nickname)} (ID ${seller.id})</label>`;
    })
    .join('\n');

  return renderDocument(
    'Autorizar aplicación',
    `<h1>Autoriza a la aplicación ${escapeHtml(input.appName)} a acceder a tu cuenta</h1>
<p>La aplicación podrá consultar y modificar tus publicaciones y consultar tus ventas.</p>
<form method="post" action="/authorization/decision">
${hidden}
<fieldset>
<legend>Elige la cuenta de vendedor</legend>
${sellers}
</fieldset>
<div class="actions">
<button type="submit" class="allow" name="decision" value="allow">Autorizar</button>
<button type="submit" class="deny" name="decision" value="deny">Cancelar</button>
</div>
</form>`,
  );
}

/** Renders an error page that explains what was wrong, in Spanish and then in English. */
export function renderErrorPage(message: BilingualMessage): string {
  return renderDocument(
    'Error de autorización',
    `<h1>No se pudo continuar con la autorización</h1>
<p>${escapeHtml(message.es)}</p>
<p class="english" lang="en">${escapeHtml(message.en)}</p>`,
  );
}
