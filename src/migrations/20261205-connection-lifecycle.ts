import { Migration } from '@mikro-orm/migrations';

/** Adds `disconnected_at`, the time a user last disconnected a marketplace account. */
export class Migration20261205ConnectionLifecycle extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "marketplace_connection" add column "disconnected_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "marketplace_connection" drop column "disconnected_at";`);
  }
}
