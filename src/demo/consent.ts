/**
 * Plays the merchant's part in a marketplace sandbox's consent page, the way a browser would: open
 * the authorization URL, submit the form with "allow" for the chosen seller, and follow the redirect
 * back to our callback. Only for the sandboxes, whose page layout this reads.
 */
export async function approveInSandbox(authorizationUrl: string, options: { sellerId?: string; acceptLanguage?: string } = {}): Promise<{ callbackStatus: number; callbackHtml: string; callbackUrl: string }> {
  const page = await fetch(authorizationUrl, { redirect: 'manual' });
  const html = await page.text();
  if (page.status !== 200) throw new Error(`Sandbox consent page responded with status ${page.status}: ${stripTags(html).slice(0, 200)}`);
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error('Sandbox consent page has no form');
  const fields = new URLSearchParams();
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields.set(decodeEntities(match[1]!), decodeEntities(match[2]!));
  }
  const firstSeller = /<input type="radio" name="user_id" value="([^"]+)"/.exec(html)?.[1];
  const sellerId = options.sellerId ?? firstSeller;
  if (!sellerId) throw new Error('Sandbox consent page lists no seller');
  fields.set('user_id', sellerId);
  fields.set('decision', 'allow');
  const decision = await fetch(new URL(action, authorizationUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
  });
  const location = decision.headers.get('location');
  if (decision.status !== 302 || !location) throw new Error(`Sandbox decision responded with status ${decision.status} and no redirect`);
  const callback = await fetch(location, { headers: { 'accept-language': options.acceptLanguage ?? 'es-MX' } });
  return { callbackStatus: callback.status, callbackHtml: await callback.text(), callbackUrl: location };
}

function decodeEntities(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function stripTags(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
}
