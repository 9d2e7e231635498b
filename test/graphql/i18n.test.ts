import { describe, expect, it } from 'vitest';
import { isMessageKey, negotiateLocale, translate } from '../../src/i18n/index.js';
import { en } from '../../src/i18n/locales/en.js';
import { esMX } from '../../src/i18n/locales/es-MX.js';

function leafKeys(value: object, prefix = ''): string[] {
  return Object.entries(value).flatMap(([key, child]) =>
    typeof child === 'string' ? [`${prefix}${key}`] : leafKeys(child as object, `${prefix}${key}.`));
}

describe('locales', () => {
  it.each([
    [undefined, 'es-MX'],
    ['', 'es-MX'],
    ['en', 'en'],
    ['en-US,en;q=0.9', 'en'],
    ['es-AR,es;q=0.9,en;q=0.8', 'es-MX'],
    ['fr-FR,en;q=0.5', 'en'],
    ['fr-FR,de;q=0.5', 'es-MX'],
    ['en;q=0.2,es;q=0.8', 'es-MX'],
    ['en;q=0,fr', 'es-MX'],
    ['*', 'es-MX'],
    ['EN_gb', 'en'],
  ])('negotiates %j as %s', (header, locale) => {
    expect(negotiateLocale(header)).toBe(locale);
  });

  it('has the same keys in every locale', () => {
    expect(leafKeys(en).sort()).toEqual(leafKeys(esMX).sort());
  });

  it('fills placeholders without HTML escaping', () => {
    expect(translate('en', 'errors.input.invalidQuery', { detail: 'Expected Name, found "<EOF>".' })).toBe('The query is invalid: Expected Name, found "<EOF>".');
    expect(translate('es-MX', 'errors.notFound.listing', { id: 'abc' })).toBe('No existe la publicación abc.');
  });

  it('tells known keys from unknown ones', () => {
    expect(isMessageKey('conflicts.fields.stock')).toBe(true);
    expect(isMessageKey('conflicts.fields.weight')).toBe(false);
    expect(isMessageKey('conflicts.fields')).toBe(false);
  });
});
