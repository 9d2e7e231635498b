import type { ConnectionStatusReason as ReasonCode } from '../../connections/connection-state.js';
import type { Marketplace } from '../../entities/index.js';
import { translate, type Locale } from '../../i18n/index.js';
import type { ConnectionStatusReason } from './connection-status.type.js';

/** Builds the GraphQL status reason: the stable code and its text in `locale`, naming the marketplace. */
export function describeStatusReason(locale: Locale, marketplace: Marketplace, code: ReasonCode): ConnectionStatusReason {
  const name = translate(locale, `marketplaces.${marketplace}`);
  return { code, message: translate(locale, `connectionStatus.reasons.${code}`, { marketplace: name }) };
}
