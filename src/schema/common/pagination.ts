import { z } from 'zod';
import { badInputError } from './errors.js';

/** Relay cursor pages (https://relay.dev/graphql/connections.htm), forward only. */

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 200;

export interface PageRequest<TCursor> {
  first: number;
  after: TCursor | null;
}

export interface Page<T> {
  edges: Array<{ cursor: string; node: T }>;
  nodes: T[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  /** Counted only when the client selects `totalCount`. */
  readonly totalCount: Promise<number>;
}

/** Validates `first` and decodes `after` with the cursor shape of the queried list. */
export function parsePageRequest<TCursor>(first: number, after: string | null | undefined, cursorSchema: z.ZodType<TCursor>): PageRequest<TCursor> {
  if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE_SIZE) {
    throw badInputError('errors.input.pageSize', { value: first, max: MAX_PAGE_SIZE });
  }
  return { first, after: after ? decodeCursor(after, cursorSchema) : null };
}

export function encodeCursor(value: unknown): string {
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');
}

export function decodeCursor<TCursor>(cursor: string, schema: z.ZodType<TCursor>): TCursor {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw badInputError('errors.input.invalidCursor');
  }
  const parsed = schema.safeParse(decoded);
  if (!parsed.success) throw badInputError('errors.input.invalidCursor');
  return parsed.data;
}

/**
 * Builds a page from up to `first + 1` rows in page order. The extra row only shows that another
 * page exists. `countTotal` runs at most once, when `totalCount` is read.
 */
export function buildPage<T>(rows: readonly T[], first: number, cursorOf: (row: T) => unknown, countTotal: () => Promise<number>): Page<T> {
  const nodes = rows.slice(0, first);
  const edges = nodes.map((node) => ({ cursor: encodeCursor(cursorOf(node)), node }));
  let total: Promise<number> | undefined;
  return {
    edges,
    nodes,
    pageInfo: { hasNextPage: rows.length > first, endCursor: edges.at(-1)?.cursor ?? null },
    get totalCount() {
      total ??= countTotal();
      return total;
    },
  };
}

/** Cursor of lists ordered by primary key. */
export const idCursorSchema = z.object({ id: z.uuid() });

/** Cursor of lists ordered newest first by (createdAt, id). */
export const createdAtCursorSchema = z.object({ createdAt: z.iso.datetime(), id: z.uuid() });
