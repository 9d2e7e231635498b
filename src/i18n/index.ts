import { createInstance, type i18n } from 'i18next';
import { en } from './locales/en.js';
import { esMX, type Messages } from './locales/es-MX.js';

/**
 * Merchant-facing texts. To add texts, add keys to both files under ./locales (es-MX is the
 * reference shape, so the compiler rejects an English file with a missing key) and call
 * `translate(locale, 'group.key', params)`.
 */

export const LOCALES = ['es-MX', 'en'] as const;
export type Locale = (typeof LOCALES)[number];
export const DEFAULT_LOCALE: Locale = 'es-MX';

/** Dot path of every text, e.g. `errors.codes.NOT_FOUND`. */
export type MessageKey = LeafPaths<Messages>;
export type MessageParams = Record<string, string | number>;

type LeafPaths<T> = {
  [K in keyof T & string]: T[K] extends string ? K : `${K}.${LeafPaths<T[K]>}`;
}[keyof T & string];

const RESOURCES: Record<Locale, Messages> = { 'es-MX': esMX, en };

function createTranslator(): i18n {
  const instance = createInstance();
  // Resources are in memory, so `initAsync: false` finishes initialization before init() returns.
  void instance.init({
    resources: Object.fromEntries(LOCALES.map((locale) => [locale, { translation: RESOURCES[locale] }])),
    lng: DEFAULT_LOCALE,
    fallbackLng: DEFAULT_LOCALE,
    supportedLngs: [...LOCALES],
    initAsync: false,
    returnNull: false,
    // Texts end up in JSON responses, not HTML, so values are inserted unescaped.
    interpolation: { escapeValue: false },
  });
  return instance;
}

const translator = createTranslator();

/**
 * Renders the text `key` in `locale`, filling `{{name}}` placeholders from `params`. A `marketplace`
 * param given as an enum value (`SHOPIFY`) is shown by its name (`Shopify`), so services can pass
 * the value they have.
 */
export function translate(locale: Locale, key: MessageKey, params: MessageParams = {}): string {
  const marketplace = params.marketplace;
  const named = typeof marketplace === 'string' && marketplace in esMX.marketplaces
    ? { ...params, marketplace: translator.t(`marketplaces.${marketplace}`, { lng: locale }) }
    : params;
  return translator.t(key, { ...named, lng: locale });
}

const MESSAGE_KEYS: ReadonlySet<string> = new Set(leafPaths(esMX));

/** Tells whether a text exists for a key built at run time, such as a field name from the database. */
export function isMessageKey(key: string): key is MessageKey {
  return MESSAGE_KEYS.has(key);
}

function leafPaths(messages: object, prefix = ''): string[] {
  return Object.entries(messages).flatMap(([key, value]) =>
    typeof value === 'string' ? [`${prefix}${key}`] : leafPaths(value as object, `${prefix}${key}.`));
}

/**
 * Picks the best supported locale from an Accept-Language header value (RFC 9110 section 12.5.4)
 * or a bare tag such as `en`. Any Spanish maps to es-MX and any English to en; nothing usable
 * gives the default, es-MX.
 */
export function negotiateLocale(acceptLanguage: string | null | undefined): Locale {
  if (!acceptLanguage) return DEFAULT_LOCALE;
  const ranges = acceptLanguage
    .split(',')
    .map((part, index) => parseLanguageRange(part, index))
    .filter((range): range is LanguageRange => range !== null && range.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.index - b.index);
  for (const range of ranges) {
    const locale = matchLocale(range.tag);
    if (locale) return locale;
  }
  return DEFAULT_LOCALE;
}

interface LanguageRange {
  tag: string;
  quality: number;
  index: number;
}

function parseLanguageRange(part: string, index: number): LanguageRange | null {
  const [rawTag, ...parameters] = part.split(';');
  const tag = rawTag?.trim().toLowerCase() ?? '';
  if (tag === '') return null;
  let quality = 1;
  for (const parameter of parameters) {
    const [name, value] = parameter.split('=').map((piece) => piece.trim());
    if (name === 'q' && value !== undefined) {
      const parsed = Number(value);
      quality = Number.isFinite(parsed) ? parsed : 0;
    }
  }
  return { tag, quality, index };
}

function matchLocale(tag: string): Locale | null {
  if (tag === '*') return DEFAULT_LOCALE;
  const language = tag.split(/[-_]/)[0];
  if (language === 'es') return 'es-MX';
  if (language === 'en') return 'en';
  return null;
}
