export { startShopifySandbox } from './sandbox.js';
export { DEMO_SHOP } from './demo-seed.js';
export { SUPPORTED_API_VERSIONS } from './graphql/versions.js';
export { RESTORE_RATE_BY_PLAN, SINGLE_QUERY_MAX_COST } from './throttle.js';
export { WEBHOOK_TOPICS } from './types.js';
export type {
  CreateOrderInput,
  FaultRule,
  InventoryChangeRecord,
  IssueAuthorizationCodeInput,
  IssuedAuthorizationCode,
  ProductStatus,
  RecordedRequest,
  SandboxAppConfig,
  SandboxOrder,
  SandboxOrderLine,
  SeededProduct,
  SeededShop,
  SeedProduct,
  SeedShopInput,
  SeedVariant,
  ShopifySandbox,
  ShopifySandboxOptions,
  ShopPlan,
  ThrottleSettings,
  WebhookAttempt,
  WebhookTopic,
} from './types.js';
