import { isMessageKey, translate, type Locale } from '../../i18n/index.js';
import type { Listing, SyncConflict } from '../../entities/index.js';

/** Builds the merchant-facing sentence that explains a conflict, in `locale`. */
export function describeConflict(conflict: SyncConflict, listing: Listing | null, locale: Locale): string {
  const fieldKey = `conflicts.fields.${conflict.field}`;
  const marketplace = listing ? translate(locale, `marketplaces.${listing.marketplace}`) : '?';
  return translate(locale, 'conflicts.description', {
    field: isMessageKey(fieldKey) ? translate(locale, fieldKey) : conflict.field,
    listing: listing?.sku ?? listing?.title ?? conflict.listing.id,
    marketplace,
    local: formatValue(conflict.localValue, locale),
    remote: formatValue(conflict.remoteValue, locale),
    base: formatValue(conflict.baseValue, locale),
  });
}

function formatValue(value: unknown, locale: Locale): string {
  if (value === null || value === undefined) return translate(locale, 'conflicts.noValue');
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}
