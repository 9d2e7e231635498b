import { Migration } from '@mikro-orm/migrations';

/**
 * Adds the token refresh lease to each credential: a fencing token that every new lease holder
 * increments, the holder's name and the lease expiry.
 */
export class Migration20261205RefreshLease extends Migration {
  override async up(): Promise<void> {
    this.addSql(`alter table "credential" add column "refresh_fence" int not null default 0, add column "refresh_lease_holder" varchar(255) null, add column "refresh_lease_expires_at" timestamptz null;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table "credential" drop column "refresh_fence", drop column "refresh_lease_holder", drop column "refresh_lease_expires_at";`);
  }
}
