import { translate, type Locale } from '../i18n/index.js';

export interface ResultPage {
  ok: boolean;
  title: string;
  message: string;
  returnTo?: string | null;
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => ESCAPES[character]!);
}

/** Renders the page shown to a merchant after a marketplace's consent screen. */
export function renderResultPage(locale: Locale, page: ResultPage): string {
  const color = page.ok ? '#1a7f37' : '#b42318';
  const back = page.returnTo
    ? `<p><a href="${escapeHtml(page.returnTo)}">${escapeHtml(translate(locale, 'oauth.back'))}</a></p>`
    : `<p>${escapeHtml(translate(locale, 'oauth.close'))}</p>`;
  return `<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} · EGDC</title>
<style>
body { font-family: system-ui, sans-serif; margin: 0; background: #f6f7f9; color: #1f2328; }
main { max-width: 32rem; margin: 12vh auto; background: #fff; border-radius: 8px; padding: 2rem; box-shadow: 0 1px 3px rgba(0,0,0,.12); }
h1 { font-size: 1.4rem; color: ${color}; margin-top: 0; }
a { color: #0969da; }
</style>
</head>
<body>
<main>
<h1>${escapeHtml(page.title)}</h1>
<p>${escapeHtml(page.message)}</p>
${back}
</main>
</body>
</html>
`;
}
