import type { MigrationObject } from '@mikro-orm/core';
import { Migration20261204Initial } from './20261204-initial.js';

/** Every migration in order. Listed here so that compiled and test runs load the same set. */
export const MIGRATIONS: MigrationObject[] = [
  { name: 'Migration20261204Initial', class: Migration20261204Initial },
];
