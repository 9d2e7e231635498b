import { Migration } from '@mikro-orm/migrations';

/**
 * Creates the shared rate-limit state that src/traffic reads and writes with plain SQL: token
 * buckets, per-tenant fair-share tags and the registry of waiting tenants. The tables are UNLOGGED
 * because the state is short-lived: after a crash PostgreSQL empties them, buckets start full again
 * and resynchronize from the marketplace's responses, and that costs no durable write per call.
 *
 * Two functions do each change under the bucket row's lock, so processes never grant the same
 * token twice and the clock is read only after the lock is held.
 */
export class Migration20261205RateLimits extends Migration {
  override async up(): Promise<void> {
    this.addSql(`create unlogged table "rate_limit_bucket" (
      "key" text not null,
      "capacity" double precision not null,
      "refill_per_second" double precision not null,
      "tokens" double precision not null,
      "updated_at" timestamptz not null,
      "blocked_until" timestamptz null,
      "virtual_time" double precision not null default 0,
      "reported_at" timestamptz null,
      constraint "rate_limit_bucket_pkey" primary key ("key"));`);
    this.addSql(`create unlogged table "rate_limit_tenant" (
      "bucket_key" text not null,
      "tenant_id" varchar(64) not null,
      "finish_tag" double precision not null,
      constraint "rate_limit_tenant_pkey" primary key ("bucket_key", "tenant_id"));`);
    this.addSql(`create unlogged table "rate_limit_waiter" (
      "bucket_key" text not null,
      "holder" uuid not null,
      "tenant_id" varchar(64) not null,
      "waiting" int not null,
      "expires_at" timestamptz not null,
      constraint "rate_limit_waiter_pkey" primary key ("bucket_key", "holder", "tenant_id"));`);
    this.addSql(TAKE_FUNCTION);
    this.addSql(SETTLE_FUNCTION);
  }

  override async down(): Promise<void> {
    this.addSql('drop function if exists "rate_limit_settle";');
    this.addSql('drop function if exists "rate_limit_take";');
    this.addSql('drop table if exists "rate_limit_waiter";');
    this.addSql('drop table if exists "rate_limit_tenant";');
    this.addSql('drop table if exists "rate_limit_bucket";');
  }
}

/**
 * Grants one token request of a waiting tenant, or returns how long to wait (ms) before asking again.
 *
 * Buckets refill continuously up to `capacity`. Until a marketplace reports its own numbers
 * (`reported_at`), capacity and refill follow the caller's configuration. With `p_fair`, the caller
 * first replaces its own rows in the waiter registry (`p_tenants` with `p_waiting` calls each, leased
 * for `p_lease_ms`), and the token goes to the waiting tenant with the lowest start tag, the larger
 * of its finish tag and the bucket's virtual time (start-time fair queuing; ties by tenant id). The
 * caller may take a token reserved for another process's tenant once it has gone unused for
 * `p_grace_ms`, so a stalled process cannot stall the bucket.
 */
const TAKE_FUNCTION = `create or replace function "rate_limit_take"(
  p_key text, p_capacity double precision, p_refill_per_second double precision, p_fair boolean,
  p_holder uuid, p_tenants text[], p_waiting int[], p_weights double precision[], p_costs double precision[],
  p_grace_ms double precision, p_lease_ms double precision)
returns table (granted_tenant text, wait_ms double precision)
language plpgsql volatile as $$
declare
  bucket rate_limit_bucket%rowtype;
  at_time timestamptz;
  available double precision;
  own_tenant text;
  own_cost double precision;
  own_weight double precision;
  own_start double precision;
  best_tenant text;
  ready_at timestamptz;
begin
  insert into rate_limit_bucket (key, capacity, refill_per_second, tokens, updated_at)
    values (p_key, p_capacity, p_refill_per_second, p_capacity, clock_timestamp())
    on conflict (key) do nothing;
  select * into bucket from rate_limit_bucket b where b.key = p_key for update;
  at_time := greatest(clock_timestamp(), bucket.updated_at);
  if bucket.reported_at is null then
    bucket.capacity := p_capacity;
    bucket.refill_per_second := p_refill_per_second;
  end if;
  available := least(bucket.capacity,
    bucket.tokens + extract(epoch from at_time - bucket.updated_at) * bucket.refill_per_second);

  if p_fair then
    delete from rate_limit_waiter w where w.bucket_key = p_key and (w.holder = p_holder or w.expires_at <= at_time);
    insert into rate_limit_waiter (bucket_key, holder, tenant_id, waiting, expires_at)
      select p_key, p_holder, t.tenant_id, t.waiting, at_time + p_lease_ms * interval '1 millisecond'
      from unnest(p_tenants, p_waiting) as t(tenant_id, waiting)
      where t.waiting > 0;
    select w.tenant_id into best_tenant
      from rate_limit_waiter w
      left join rate_limit_tenant s on s.bucket_key = w.bucket_key and s.tenant_id = w.tenant_id
      where w.bucket_key = p_key and w.waiting > 0
      order by greatest(coalesce(s.finish_tag, 0), bucket.virtual_time), w.tenant_id
      limit 1;
    select t.tenant_id, t.cost, t.weight into own_tenant, own_cost, own_weight
      from unnest(p_tenants, p_waiting, p_weights, p_costs) as t(tenant_id, waiting, weight, cost)
      left join rate_limit_tenant s on s.bucket_key = p_key and s.tenant_id = t.tenant_id
      where t.waiting > 0
      order by greatest(coalesce(s.finish_tag, 0), bucket.virtual_time), t.tenant_id
      limit 1;
  else
    own_tenant := p_tenants[1];
    own_cost := p_costs[1];
    own_weight := 1;
    best_tenant := own_tenant;
  end if;

  if own_tenant is null then
    return query select null::text, null::double precision;
    return;
  end if;
  -- A request larger than the bucket could never be granted; it waits for a full bucket instead.
  own_cost := least(own_cost, bucket.capacity);

  if bucket.blocked_until is not null and bucket.blocked_until > at_time then
    return query select null::text, (extract(epoch from bucket.blocked_until - at_time) * 1000)::double precision;
    return;
  end if;
  if available < own_cost then
    return query select null::text, (own_cost - available) / bucket.refill_per_second * 1000;
    return;
  end if;
  ready_at := bucket.updated_at + greatest(0, (own_cost - bucket.tokens) / bucket.refill_per_second) * interval '1 second';
  if own_tenant <> best_tenant and at_time < ready_at + p_grace_ms * interval '1 millisecond' then
    -- Ask again when the grace ends or when the next token is due, whichever is first: by then the
    -- best tenant has normally taken this token, and the next one may be ours.
    return query select null::text,
      (extract(epoch from ready_at - at_time) * 1000)::double precision
        + least(p_grace_ms, own_cost / bucket.refill_per_second * 1000);
    return;
  end if;

  own_start := bucket.virtual_time;
  if p_fair then
    select greatest(s.finish_tag, bucket.virtual_time) into own_start
      from rate_limit_tenant s where s.bucket_key = p_key and s.tenant_id = own_tenant;
    own_start := coalesce(own_start, bucket.virtual_time);
    insert into rate_limit_tenant (bucket_key, tenant_id, finish_tag)
      values (p_key, own_tenant, own_start + own_cost / own_weight)
      on conflict (bucket_key, tenant_id) do update set finish_tag = excluded.finish_tag;
    update rate_limit_waiter w set waiting = w.waiting - 1
      where w.bucket_key = p_key and w.holder = p_holder and w.tenant_id = own_tenant;
  end if;
  update rate_limit_bucket b
    set capacity = bucket.capacity, refill_per_second = bucket.refill_per_second,
        tokens = available - own_cost, updated_at = at_time, virtual_time = own_start
    where b.key = p_key;
  return query select own_tenant, 0::double precision;
end;
$$;`;

/**
 * Applies a settled call: refunds unused cost, lowers the tokens to `p_reported_available` (the
 * marketplace's report less the caller's calls still in flight), takes the reported capacity and
 * refill rate, and blocks the bucket for `p_block_ms` after a 429. A report never raises the tokens,
 * because calls of other processes still in flight are charged here but perhaps not there yet.
 */
const SETTLE_FUNCTION = `create or replace function "rate_limit_settle"(
  p_key text, p_refund double precision, p_reported_available double precision,
  p_reported_capacity double precision, p_reported_refill double precision, p_block_ms double precision)
returns void
language plpgsql volatile as $$
declare
  bucket rate_limit_bucket%rowtype;
  at_time timestamptz;
  available double precision;
begin
  select * into bucket from rate_limit_bucket b where b.key = p_key for update;
  if not found then
    return;
  end if;
  at_time := greatest(clock_timestamp(), bucket.updated_at);
  available := least(bucket.capacity,
    bucket.tokens + extract(epoch from at_time - bucket.updated_at) * bucket.refill_per_second);
  if p_reported_capacity is not null and p_reported_refill is not null then
    bucket.capacity := p_reported_capacity;
    bucket.refill_per_second := p_reported_refill;
    bucket.reported_at := at_time;
  end if;
  available := least(bucket.capacity, available + coalesce(p_refund, 0));
  if p_reported_available is not null then
    available := least(available, p_reported_available);
  end if;
  if p_block_ms is not null then
    bucket.blocked_until := greatest(coalesce(bucket.blocked_until, at_time), at_time + p_block_ms * interval '1 millisecond');
  end if;
  update rate_limit_bucket b
    set capacity = bucket.capacity, refill_per_second = bucket.refill_per_second, reported_at = bucket.reported_at,
        tokens = available, updated_at = at_time, blocked_until = bucket.blocked_until
    where b.key = p_key;
end;
$$;`;
