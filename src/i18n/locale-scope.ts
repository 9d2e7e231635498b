import { AsyncLocalStorage } from 'node:async_hooks';
import { DEFAULT_LOCALE, type Locale } from './index.js';

const storage = new AsyncLocalStorage<Locale>();

/**
 * Runs `work` with `locale` as the current request's locale, for code that has no request context
 * at hand (Apollo's `formatError` receives only the error).
 */
export function runWithLocale<T>(locale: Locale, work: () => T): T {
  return storage.run(locale, work);
}

/** Returns the locale of the request being handled, or es-MX outside any request. */
export function currentLocale(): Locale {
  return storage.getStore() ?? DEFAULT_LOCALE;
}
