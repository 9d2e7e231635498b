import { setTimeout as delay } from 'node:timers/promises';
import { z } from 'zod';
import { MarketplaceError, MarketplaceResponseShapeError, type MarketplaceErrorKind } from '../shared/errors.js';
import type { ImportCheckpoint, ImportPage, RemoteListing } from '../shared/types.js';
import type { ShopifyGraphqlClient } from './client.js';
import { gidSchema } from './gid.js';
import { mapVariantToListing } from './mapping.js';
import { BULK_OPERATION_STATUS, bulkCatalogQuery, SHOP_CURRENCY, START_BULK_QUERY } from './queries.js';
import { listingVariantSchema, productSummarySchema, type ListingVariant, type ProductSummary } from './schemas.js';

export const bulkCheckpointSchema = z.object({
  version: z.literal(1),
  mode: z.literal('bulk'),
  /** The running bulk operation; the next call keeps polling it. */
  operationId: gidSchema('BulkOperation'),
});

export type BulkCheckpoint = z.output<typeof bulkCheckpointSchema>;

export interface BulkImportOptions {
  /** Pause between status polls, in milliseconds; default 1000. */
  pollIntervalMs?: number;
  /**
   * How long one call waits for the operation, in milliseconds, before it returns an empty page
   * whose checkpoint resumes the wait; default 60 000.
   */
  maxWaitMs?: number;
}

const FINISHED = new Set(['COMPLETED', 'FAILED', 'CANCELED', 'EXPIRED']);

const variantLineSchema = listingVariantSchema.extend({ __parentId: gidSchema('Product') });

/**
 * Reads the whole catalog with one bulk operation: starts `bulkOperationRunQuery` (or resumes the
 * one in `state`), polls `node(id)` until it finishes, downloads the JSONL result from its `url`
 * and maps it. Every listing comes in one page, because the result file is read whole anyway.
 */
export async function importWithBulkOperation(
  client: ShopifyGraphqlClient,
  locationId: string,
  state: BulkCheckpoint | null,
  options: BulkImportOptions = {},
): Promise<ImportPage> {
  const pollIntervalMs = options.pollIntervalMs ?? 1000;
  const maxWaitMs = options.maxWaitMs ?? 60_000;
  const operationId = state?.operationId ?? (await startBulkQuery(client, locationId));
  const startedAt = Date.now();

  for (;;) {
    const { node } = await client.request(BULK_OPERATION_STATUS, { id: operationId });
    if (!node) {
      throw new MarketplaceError('SHOPIFY', `Shopify bulk operation ${operationId} was not found; restart the import with a null checkpoint.`, {
        kind: 'not_found',
        code: 'bulk_operation_not_found',
      });
    }
    if (FINISHED.has(node.status)) {
      if (node.status !== 'COMPLETED') throw bulkFailure(operationId, node.status, node.errorCode);
      client.logger?.info({ operationId, objectCount: node.objectCount }, 'bulk operation completed');
      const listings = node.url === null ? [] : await readBulkResult(client, node.url);
      return { listings, checkpoint: null };
    }
    if (Date.now() - startedAt >= maxWaitMs) {
      const next: BulkCheckpoint = { version: 1, mode: 'bulk', operationId };
      return { listings: [], checkpoint: next as ImportCheckpoint };
    }
    await delay(pollIntervalMs);
  }
}

async function startBulkQuery(client: ShopifyGraphqlClient, locationId: string): Promise<string> {
  const { bulkOperationRunQuery: result } = await client.request(START_BULK_QUERY, { query: bulkCatalogQuery(locationId) });
  const [userError] = result.userErrors;
  if (userError || !result.bulkOperation) {
    const inProgress = userError?.code === 'OPERATION_IN_PROGRESS';
    throw new MarketplaceError(
      'SHOPIFY',
      `Shopify did not start the bulk catalog query for ${client.shopDomain}: ${userError?.message ?? 'no operation returned'}. ` +
        (inProgress ? 'Wait for the running bulk operation to finish, then retry.' : 'Check the bulk query.'),
      { kind: inProgress ? 'conflict' : 'invalid_input', code: userError?.code ?? 'bulk_not_started', marketplaceMessage: userError?.message },
    );
  }
  client.logger?.info({ operationId: result.bulkOperation.id }, 'bulk operation started');
  return result.bulkOperation.id;
}

function bulkFailure(operationId: string, status: string, errorCode: string | null): MarketplaceError {
  let kind: MarketplaceErrorKind = status === 'FAILED' ? 'transient' : 'unknown';
  if (errorCode === 'ACCESS_DENIED') kind = 'auth';
  return new MarketplaceError(
    'SHOPIFY',
    `Shopify bulk operation ${operationId} ended with status ${status}${errorCode ? ` (${errorCode})` : ''}; restart the import with a null checkpoint.`,
    { kind, code: errorCode ?? status },
  );
}

/**
 * Parses the JSONL result: product lines first, variant lines carry `__parentId`. Every line is
 * validated before any listing is returned, and a failure names the line.
 */
async function readBulkResult(client: ShopifyGraphqlClient, url: string): Promise<RemoteListing[]> {
  const text = await client.downloadBulkResult(url);
  const { currencyCode } = (await client.request(SHOP_CURRENCY)).shop;
  const products = new Map<string, ProductSummary>();
  const variants: Array<ListingVariant & { __parentId: string }> = [];

  const lines = text.split('\n');
  for (const [index, line] of lines.entries()) {
    if (line.trim() === '') continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new MarketplaceResponseShapeError('SHOPIFY', 'bulk operation result', [
        { path: `lines[${index}]`, code: 'invalid_format', message: 'not valid JSON' },
      ]);
    }
    const isVariant = typeof value === 'object' && value !== null && '__parentId' in value;
    if (isVariant) {
      variants.push(client.parse(variantLineSchema, value, 'bulk operation result', ['lines', index]));
    } else {
      const product = client.parse(productSummarySchema, value, 'bulk operation result', ['lines', index]);
      products.set(product.id, product);
    }
  }

  const listings: RemoteListing[] = [];
  for (const variant of variants) {
    const product = products.get(variant.__parentId);
    if (product) {
      listings.push(mapVariantToListing(product, variant, currencyCode));
    } else {
      client.logger?.warn({ variantId: variant.id, parentId: variant.__parentId }, 'bulk result variant without its product line; skipped');
    }
  }
  return listings;
}
