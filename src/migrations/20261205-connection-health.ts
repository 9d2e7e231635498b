import { Migration } from '@mikro-orm/migrations';

/** Adds `degraded_at` and `degraded_reason`: set while a connection's circuit breaker is open. */
export class Migration20261205ConnectionHealth extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "marketplace_connection" add column "degraded_at" timestamptz null, add column "degraded_reason" text null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "marketplace_connection" drop column "degraded_at", drop column "degraded_reason";`);
  }
}
