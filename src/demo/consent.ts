/**
 * Plays the merchant's part on a marketplace sandbox's consent page, the way a browser would: open
 * the authorization URL, submit the page's form with "allow", and follow the redirect back to our
 * callback. Only for the sandboxes, whose page layout this reads. Every sandbox page has one form
 * with hidden inputs and a `decision` button. Those that let the merchant pick an account add radio
 * inputs (`user_id` on MercadoLibre, `open_id` on TikTok Shop, `supplierId` on SHEIN); Shopify
 * names the shop in the URL instead. `account` picks the radio with that value, and the page's
 * first one is used when it is not given.
 */
export async function approveInSandbox(authorizationUrl: string, options: { account?: string; acceptLanguage?: string } = {}): Promise<{ callbackStatus: number; callbackHtml: string; callbackUrl: string }> {
  const page = await fetch(authorizationUrl, { redirect: 'manual' });
  const html = await page.text();
  if (page.status !== 200) throw new Error(`Sandbox consent page ${stripQuery(authorizationUrl)} responded with status ${page.status}: ${stripTags(html).slice(0, 200)}`);
  const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`Sandbox consent page ${stripQuery(authorizationUrl)} has no form`);

  const fields = new URLSearchParams();
  for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
    fields.set(decodeEntities(match[1]!), decodeEntities(match[2]!));
  }
  const accounts = [...html.matchAll(/<input type="radio" name="([^"]+)" value="([^"]*)"/g)].map((match) => ({ name: decodeEntities(match[1]!), value: decodeEntities(match[2]!) }));
  if (accounts.length > 0 || options.account !== undefined) {
    const chosen = options.account === undefined ? accounts[0] : accounts.find((account) => account.value === options.account);
    if (!chosen) {
      throw new Error(`Sandbox consent page lists no account ${options.account}; it lists ${accounts.map((account) => account.value).join(', ') || 'none'}`);
    }
    fields.set(chosen.name, chosen.value);
  }
  fields.set('decision', 'allow');

  const decision = await fetch(new URL(decodeEntities(action), authorizationUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: fields.toString(),
  });
  const location = decision.headers.get('location');
  if (decision.status !== 302 || !location) {
    throw new Error(`Sandbox decision responded with status ${decision.status} and no redirect: ${stripTags(await decision.text()).slice(0, 200)}`);
  }
  const callback = await fetch(location, { headers: { 'accept-language': options.acceptLanguage ?? 'es-MX' } });
  return { callbackStatus: callback.status, callbackHtml: await callback.text(), callbackUrl: location };
}

function decodeEntities(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

function stripTags(html: string): string {
  return html.replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ').trim();
}

/** Removes the query, which carries the authorization state, from a URL for error messages. */
function stripQuery(url: string): string {
  return url.split('?')[0]!;
}
