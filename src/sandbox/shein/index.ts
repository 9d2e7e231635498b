export { startSheinSandbox } from './sandbox.js';
export { DEMO_SELLER } from './demo-seed.js';
export { SHEIN_ERRORS, type SheinEnvelope, type SheinErrorName } from './errors.js';
export { AUDIT_STATES, type OrderEvent, type ProductAuditEvent, type SheinEvent, type StockEvent } from './events.js';
export { ORDER_STATUSES } from './types.js';
export type {
  CreateOrderInput,
  FaultRule,
  IssueAuthorizationCodeInput,
  Order,
  OrderGoodsRow,
  OrderStatus,
  RecordedRequest,
  SandboxAppConfig,
  SeededSeller,
  SeedProduct,
  SeedSellerInput,
  SeedSize,
  SeedSkc,
  SheinSandbox,
  SheinSandboxOptions,
  SkcRecord,
  SkuRecord,
  SpuRecord,
  WebhookAttempt,
} from './types.js';
