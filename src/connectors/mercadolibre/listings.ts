import { z } from 'zod';
import { MarketplaceError, MarketplaceResponseShapeError } from '../shared/errors.js';
import type { ImportCheckpoint, ImportPage, RemoteListing } from '../shared/types.js';
import type { MercadoLibreClient } from './client.js';
import { mapMercadoLibreError } from './errors.js';
import { mapItemToListings } from './mapping.js';
import { itemSchema, itemSearchPageSchema, multigetResponseSchema, type MercadoLibreItem } from './schemas.js';

/** Offset paging of /users/{id}/items/search stops at 1000 results; past that only scan mode works. */
export const OFFSET_PAGING_MAX_RESULTS = 1000;
export const SEARCH_MAX_PAGE_SIZE = 100;
export const SEARCH_DEFAULT_PAGE_SIZE = 50;
/** Maximum ids per GET /items?ids= call. */
export const MULTIGET_MAX_IDS = 20;

/** Fields requested in multiget calls: everything mapItemToListings and the schema read. */
const MULTIGET_ATTRIBUTES = 'id,seller_id,title,price,currency_id,available_quantity,status,last_updated,attributes,variations';

/**
 * Import position. `seenItemIds` lists the items already returned by offset pages, so that a later
 * switch to scan mode (which starts from the beginning) skips them. Scan mode removes each id when
 * the scan reaches it, so the list only shrinks there.
 */
const checkpointSchema = z.discriminatedUnion('mode', [
  z.object({
    version: z.literal(1),
    mode: z.literal('offset'),
    offset: z.number().int().min(0).max(OFFSET_PAGING_MAX_RESULTS),
    seenItemIds: z.array(z.string()),
  }),
  z.object({
    version: z.literal(1),
    mode: z.literal('scan'),
    scrollId: z.string().min(1).nullable(),
    seenItemIds: z.array(z.string()),
  }),
]);

type MercadoLibreImportCheckpoint = z.output<typeof checkpointSchema>;
type ScanCheckpoint = Extract<MercadoLibreImportCheckpoint, { mode: 'scan' }>;
type OffsetCheckpoint = Extract<MercadoLibreImportCheckpoint, { mode: 'offset' }>;

export interface ImportPageOptions {
  /** Item ids read per search call, 1 to 100; 50 when not given. */
  pageSize?: number;
  /** Only items in this status (active, paused, closed); all when not given. */
  status?: string;
}

/**
 * Reads the next page of a seller's listings. Pass null to start and the returned checkpoint to
 * continue; a null checkpoint in the result means every item was returned. Uses offset paging
 * while the seller has at most 1000 items and scan mode as soon as a page reports more, and returns
 * every item once, even across that switch. Items deleted between the search and the multiget are
 * skipped.
 */
export async function importPage(
  client: MercadoLibreClient,
  userId: string,
  checkpoint: ImportCheckpoint | null,
  options: ImportPageOptions = {},
): Promise<ImportPage> {
  const pageSize = options.pageSize ?? SEARCH_DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > SEARCH_MAX_PAGE_SIZE) {
    throw new RangeError(`importPage: pageSize must be an integer from 1 to ${SEARCH_MAX_PAGE_SIZE}, got ${pageSize}.`);
  }
  const state = parseCheckpoint(checkpoint) ?? { version: 1, mode: 'offset', offset: 0, seenItemIds: [] };
  const searchPath = `/users/${encodeURIComponent(userId)}/items/search`;

  if (state.mode === 'offset') {
    return importOffsetPage(client, searchPath, state, pageSize, options.status);
  }
  return importScanPage(client, searchPath, state, pageSize, options.status);
}

async function importOffsetPage(
  client: MercadoLibreClient,
  searchPath: string,
  state: OffsetCheckpoint,
  pageSize: number,
  status: string | undefined,
): Promise<ImportPage> {
  const limit = Math.min(pageSize, OFFSET_PAGING_MAX_RESULTS - state.offset);
  if (limit <= 0) {
    return importScanPage(client, searchPath, toScanCheckpoint(state.seenItemIds), pageSize, status);
  }
  const page = await client.get(searchPath, itemSearchPageSchema, { query: { offset: state.offset, limit, status } });

  const seen = new Set(state.seenItemIds);
  const freshIds = unique(page.results).filter((id) => !seen.has(id));
  const listings = await fetchListings(client, freshIds);
  for (const id of freshIds) {
    seen.add(id);
  }

  const nextOffset = state.offset + limit;
  if (page.results.length < limit || nextOffset >= page.paging.total) {
    return { listings, checkpoint: null };
  }
  if (page.paging.total > OFFSET_PAGING_MAX_RESULTS) {
    return { listings, checkpoint: toScanCheckpoint([...seen]) };
  }
  const next: OffsetCheckpoint = { version: 1, mode: 'offset', offset: nextOffset, seenItemIds: [...seen] };
  return { listings, checkpoint: next };
}

async function importScanPage(
  client: MercadoLibreClient,
  searchPath: string,
  state: ScanCheckpoint,
  pageSize: number,
  status: string | undefined,
): Promise<ImportPage> {
  const query = { search_type: 'scan', limit: pageSize, scroll_id: state.scrollId ?? undefined, status };
  let page: z.output<typeof itemSearchPageSchema>;
  try {
    page = await client.get(searchPath, itemSearchPageSchema, { query });
  } catch (error) {
    throw scrollExpiredError(error) ?? error;
  }
  if (page.results.length === 0) {
    return { listings: [], checkpoint: null };
  }
  if (!page.scroll_id) {
    throw new MarketplaceResponseShapeError('MERCADOLIBRE', `GET ${searchPath}`, [
      { path: 'scroll_id', code: 'invalid_type', message: 'missing in a scan-mode page that has results' },
    ]);
  }

  // Each id comes once per scan, so an id found in the offset-phase list can be dropped from it.
  const pending = new Set(state.seenItemIds);
  const freshIds = unique(page.results).filter((id) => !pending.delete(id));
  const listings = await fetchListings(client, freshIds);
  const next: ScanCheckpoint = { version: 1, mode: 'scan', scrollId: page.scroll_id, seenItemIds: [...pending] };
  return { listings, checkpoint: next };
}

/** Reads one item and maps it to listings (one per variation). */
export async function fetchItem(client: MercadoLibreClient, itemId: string): Promise<RemoteListing[]> {
  return mapItemToListings(await getItem(client, itemId));
}

/** Reads one item as MercadoLibre returns it (GET /items/{id}). */
export function getItem(client: MercadoLibreClient, itemId: string): Promise<MercadoLibreItem> {
  return client.get(`/items/${encodeURIComponent(itemId)}`, itemSchema);
}

/**
 * Reads items with multiget calls of at most 20 ids and maps them to listings, in id order.
 * Every element is validated before any listing is returned. Items that no longer exist (404)
 * are skipped; any other element error fails the whole call.
 */
export async function fetchListings(client: MercadoLibreClient, itemIds: readonly string[]): Promise<RemoteListing[]> {
  const listings: RemoteListing[] = [];
  for (let start = 0; start < itemIds.length; start += MULTIGET_MAX_IDS) {
    const chunk = itemIds.slice(start, start + MULTIGET_MAX_IDS);
    const elements = await client.get('/items', multigetResponseSchema, {
      query: { ids: chunk.join(','), attributes: MULTIGET_ATTRIBUTES },
    });
    const items: MercadoLibreItem[] = [];
    for (const [index, element] of elements.entries()) {
      const itemId = chunk[index] ?? `#${index}`;
      if (element.code === 200) {
        items.push(client.parse(itemSchema, element.body, 'GET /items', [index, 'body']));
      } else if (element.code === 404) {
        client.logger?.debug({ itemId }, 'item listed by search no longer exists; skipped');
      } else {
        const path = `/items/${itemId}`;
        throw mapMercadoLibreError({ method: 'GET', path, status: element.code, headers: new Headers(), body: element.body });
      }
    }
    for (const item of items) {
      listings.push(...mapItemToListings(item));
    }
  }
  return listings;
}

function parseCheckpoint(checkpoint: ImportCheckpoint | null): MercadoLibreImportCheckpoint | null {
  if (checkpoint === null) {
    return null;
  }
  const result = checkpointSchema.safeParse(checkpoint);
  if (!result.success) {
    throw new MarketplaceError(
      'MERCADOLIBRE',
      'The MercadoLibre import checkpoint is not one this connector wrote; restart the import with a null checkpoint.',
      { kind: 'invalid_input', code: 'invalid_checkpoint' },
    );
  }
  return result.data;
}

function toScanCheckpoint(seenItemIds: string[]): ScanCheckpoint {
  return { version: 1, mode: 'scan', scrollId: null, seenItemIds };
}

/** A scroll id lives about 5 minutes after its last use; past that the import must start over. */
function scrollExpiredError(error: unknown): MarketplaceError | null {
  if (!(error instanceof MarketplaceError) || error.kind !== 'invalid_input' || !/scroll/i.test(error.marketplaceMessage ?? '')) {
    return null;
  }
  return new MarketplaceError(
    'MERCADOLIBRE',
    'The MercadoLibre scan position (scroll_id) expired; restart the import with a null checkpoint.',
    { kind: 'invalid_input', code: 'checkpoint_expired', status: error.status, marketplaceMessage: error.marketplaceMessage, cause: error },
  );
}

function unique(ids: readonly string[]): string[] {
  return [...new Set(ids)];
}
