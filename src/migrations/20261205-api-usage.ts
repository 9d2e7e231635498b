import { Migration } from '@mikro-orm/migrations';

/** Creates the per-minute marketplace call log (`api_usage`). */
export class Migration20261205ApiUsage extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create table "api_usage" ("id" uuid not null, "tenant_id" varchar(64) not null, "created_at" timestamptz not null, "updated_at" timestamptz not null, "connection_id" uuid not null, "marketplace" "marketplace" not null, "bucket_start" timestamptz not null, "endpoint_class" varchar(64) not null, "status_class" varchar(8) not null, "calls" int not null, "latency_total_ms" double precision not null, "latency_max_ms" double precision not null, "cost_total" double precision not null, constraint "api_usage_pkey" primary key ("id"));`);
    this.addSql(`create index "api_usage_tenant_id_index" on "api_usage" ("tenant_id");`);
    this.addSql(`alter table "api_usage" add constraint "api_usage_bucket_unique" unique ("tenant_id", "connection_id", "bucket_start", "endpoint_class", "status_class");`);
    this.addSql(`alter table "api_usage" add constraint "api_usage_connection_id_foreign" foreign key ("connection_id") references "marketplace_connection" ("id") on update cascade on delete cascade;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "api_usage" cascade;`);
  }
}
