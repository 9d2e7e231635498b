/** A message for an error page: Spanish (es-MX) first, English below. */
export interface BilingualMessage {
  es: string;
  en: string;
}

/** The parts of a sandbox's pages that name the marketplace: stylesheet, header and footer (trusted HTML). */
export interface PageFrame {
  style: string;
  header: string;
  footer: string;
}

export function escapeHtml(value: string): string {
  return value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;').replaceAll("'", '&#39;');
}

/** Renders a whole es-MX page around `body`. */
export function renderDocument(frame: PageFrame, title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="es-MX">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${frame.style}</style>
</head>
<body>
<header>${frame.header}</header>
<main>
${body}
<footer>${frame.footer}</footer>
</main>
</body>
</html>
`;
}

/** Renders the authorization request's fields as hidden inputs, so the decision form sends them back. */
export function renderHiddenFields(fields: Record<string, string>): string {
  return Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join('\n');
}

/** Renders the allow and deny buttons of a consent form; both submit `decision`. */
export function renderDecisionButtons(allowLabel: string): string {
  return `<div class="actions">
<button type="submit" class="allow" name="decision" value="allow">${escapeHtml(allowLabel)}</button>
<button type="submit" class="deny" name="decision" value="deny">Cancelar</button>
</div>`;
}

/** Renders an error page that explains what was wrong, in Spanish and then in English. */
export function renderErrorDocument(frame: PageFrame, title: string, heading: string, message: BilingualMessage): string {
  return renderDocument(
    frame,
    title,
    `<h1>${escapeHtml(heading)}</h1>
<p>${escapeHtml(message.es)}</p>
<p class="english" lang="en">${escapeHtml(message.en)}</p>`,
  );
}
