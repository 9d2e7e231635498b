import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261204Initial } from './20261204-initial.js';
import { Migration20261205ApiUsage } from './20261205-api-usage.js';
import { Migration20261205ConnectionLifecycle } from './20261205-connection-lifecycle.js';
import { Migration20261205RefreshLease } from './20261205-refresh-lease.js';
import { Migration20261205RateLimits } from './20261205-rate-limits.js';
import { Migration20261205ConnectionHealth } from './20261205-connection-health.js';
import { Migration20261205ListingStockHandle } from './20261205-listing-stock-handle.js';

/** Every migration in order. Listed here so that compiled and test runs load the same set. */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261204Initial', class: Migration20261204Initial },
  { name: 'Migration20261205ApiUsage', class: Migration20261205ApiUsage },
  { name: 'Migration20261205ConnectionLifecycle', class: Migration20261205ConnectionLifecycle },
  { name: 'Migration20261205RefreshLease', class: Migration20261205RefreshLease },
  { name: 'Migration20261205RateLimits', class: Migration20261205RateLimits },
  { name: 'Migration20261205ConnectionHealth', class: Migration20261205ConnectionHealth },
  { name: 'Migration20261205ListingStockHandle', class: Migration20261205ListingStockHandle },
];
