const HTML_ENTITIES: Record<string, string> = { '&amp;': '&', '&quot;': '"', '&#39;': "'", '&lt;': '<', '&gt;': '>' };

function decodeHtml(text: string): string {
  return text.replace(/&(amp|quot|#39|lt|gt);/g, (entity) => HTML_ENTITIES[entity] ?? entity);
}

function attribute(tag: string, name: string): string | undefined {
  const match = new RegExp(`\\b${name}="([^"]*)"`).exec(tag);
  return match?.[1] === undefined ? undefined : decodeHtml(match[1]);
}

/**
 * Opens a sandbox consent page and submits its form the way a browser does when the seller clicks
 * the allow or the deny button: hidden inputs, checked radio buttons, the fields in `selection`
 * (which win) and `decision`. Returns the redirect back to the app and its query.
 */
export async function submitConsentPage(
  authorizationUrl: string,
  selection: Record<string, string>,
  decision: 'allow' | 'deny',
): Promise<{ redirect: URL; query: Record<string, string> }> {
  const page = await fetch(authorizationUrl);
  const html = await page.text();
  if (page.status !== 200) {
    throw new Error(`Consent page ${new URL(authorizationUrl).pathname} answered ${page.status}: ${html.slice(0, 300)}`);
  }
  const formTag = /<form\b[^>]*>/.exec(html)?.[0];
  const action = formTag === undefined ? undefined : attribute(formTag, 'action');
  if (action === undefined) throw new Error('Consent page has no <form action="...">.');

  const form = new URLSearchParams();
  for (const [tag] of html.matchAll(/<input\b[^>]*>/g)) {
    const type = attribute(tag, 'type');
    const name = attribute(tag, 'name');
    const value = attribute(tag, 'value') ?? '';
    if (name === undefined) continue;
    if (type === 'hidden' || (type === 'radio' && /\bchecked\b/.test(tag))) form.set(name, value);
  }
  for (const [name, value] of Object.entries(selection)) form.set(name, value);
  form.set('decision', decision);

  const response = await fetch(new URL(action, authorizationUrl), { method: 'POST', body: form, redirect: 'manual' });
  const location = response.headers.get('location');
  if (response.status !== 302 || location === null) {
    throw new Error(`Consent decision answered ${response.status} without a redirect: ${(await response.text()).slice(0, 300)}`);
  }
  const redirect = new URL(location);
  return { redirect, query: Object.fromEntries(redirect.searchParams) };
}
