import { registerEnumType } from 'type-graphql';
import {
  ConnectionStatus, ListingPushState, Marketplace, SyncConflictStatus, SyncRunKind, SyncRunStatus,
} from '../../entities/index.js';
import { SYNC_EVENT_TYPES, type SyncEventType } from '../../services.js';

/** GraphQL names of the stored enums; the values are the same strings as in the database. */
registerEnumType(Marketplace, { name: 'Marketplace', description: 'Marketplace a connection or listing belongs to.' });
registerEnumType(ConnectionStatus, { name: 'ConnectionStatus', description: 'Lifecycle state of a marketplace connection.' });
registerEnumType(SyncRunKind, { name: 'SyncRunKind', description: 'What a sync run does.' });
registerEnumType(SyncRunStatus, { name: 'SyncRunStatus' });
registerEnumType(SyncConflictStatus, { name: 'SyncConflictStatus' });
registerEnumType(ListingPushState, { name: 'ListingPushState', description: 'Whether the stock on the marketplace still has to be written.' });

/** `SYNC_EVENT_TYPES` as an enum object, the form registerEnumType needs. */
export const SyncEventTypeEnum = Object.fromEntries(SYNC_EVENT_TYPES.map((type) => [type, type])) as { [K in SyncEventType]: K };
registerEnumType(SyncEventTypeEnum, { name: 'SyncEventType' });

export { ConnectionStatus, ListingPushState, Marketplace, SyncConflictStatus, SyncRunKind, SyncRunStatus };
