export enum Marketplace {
  MERCADOLIBRE = 'MERCADOLIBRE',
  SHOPIFY = 'SHOPIFY',
  TIKTOK = 'TIKTOK',
  SHEIN = 'SHEIN',
}

export enum ConnectionStatus {
  PENDING = 'PENDING',
  ACTIVE = 'ACTIVE',
  NEEDS_REAUTH = 'NEEDS_REAUTH',
  ERROR = 'ERROR',
  DISCONNECTED = 'DISCONNECTED',
}

export enum SyncRunKind {
  IMPORT = 'IMPORT',
  INCREMENTAL = 'INCREMENTAL',
  PUSH = 'PUSH',
  RECONCILE = 'RECONCILE',
  WEBHOOK = 'WEBHOOK',
}

export enum SyncRunStatus {
  QUEUED = 'QUEUED',
  RUNNING = 'RUNNING',
  SUCCEEDED = 'SUCCEEDED',
  FAILED = 'FAILED',
}

export enum SyncConflictStatus {
  OPEN = 'OPEN',
  RESOLVED = 'RESOLVED',
  SUPERSEDED = 'SUPERSEDED',
}

export enum WebhookDeliveryStatus {
  RECEIVED = 'RECEIVED',
  PROCESSED = 'PROCESSED',
  FAILED = 'FAILED',
  DEAD = 'DEAD',
}

/** Whether the stock on the marketplace still has to be written. */
export enum ListingPushState {
  SYNCED = 'SYNCED',
  PENDING_PUSH = 'PENDING_PUSH',
  FAILED = 'FAILED',
}
