import { GraphQLError } from 'graphql';
import type { GraphqlContext } from './request-context.js';

export const MAX_PAGE_SIZE = 250;

export interface ConnectionArgs {
  first?: number | null;
  after?: string | null;
  last?: number | null;
  before?: string | null;
}

export interface Connection<T> {
  edges: Array<{ cursor: string; node: T }>;
  nodes: T[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

function encodeCursor(key: number): string {
  return Buffer.from(JSON.stringify({ last_id: key }), 'utf8').toString('base64');
}

function decodeCursor(cursor: string, argument: string): number {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64').toString('utf8'));
    const key = typeof value === 'object' && value !== null ? (value as { last_id?: unknown }).last_id : undefined;
    if (typeof key === 'number' && Number.isSafeInteger(key)) return key;
  } catch {
    // Falls through to the error below.
  }
  throw new GraphQLError(`Invalid cursor for ${argument} argument: "${cursor.slice(0, 60)}". Use a cursor from pageInfo or edges.`);
}

/**
 * Slices `items` (sorted by ascending key) as a Relay connection. `first` or `last` is required,
 * at most 250, except in bulk operations, which return everything.
 */
export function paginate<T>(items: readonly T[], keyOf: (item: T) => number, args: ConnectionArgs, context: GraphqlContext): Connection<T> {
  const { first, last } = args;
  if (!context.bulk) {
    if ((first === undefined || first === null) && (last === undefined || last === null)) {
      throw new GraphQLError('you must provide one of first or last');
    }
    for (const [name, value] of [['first', first], ['last', last]] as const) {
      if (value !== undefined && value !== null && (value < 0 || value > MAX_PAGE_SIZE)) {
        throw new GraphQLError(`The ${name} argument must be between 0 and ${MAX_PAGE_SIZE}, got ${value}.`);
      }
    }
  }
  let window = [...items];
  if (args.after) {
    const after = decodeCursor(args.after, 'after');
    window = window.filter((item) => keyOf(item) > after);
  }
  if (args.before) {
    const before = decodeCursor(args.before, 'before');
    window = window.filter((item) => keyOf(item) < before);
  }
  const total = window.length;
  let startIndex = 0;
  if (first !== undefined && first !== null) window = window.slice(0, first);
  if (last !== undefined && last !== null && window.length > last) {
    startIndex = window.length - last;
    window = window.slice(startIndex);
  }
  const edges = window.map((node) => ({ cursor: encodeCursor(keyOf(node)), node }));
  return {
    edges,
    nodes: window,
    pageInfo: {
      hasNextPage: first !== undefined && first !== null ? total > window.length : Boolean(args.before),
      hasPreviousPage: startIndex > 0 || Boolean(args.after),
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges.at(-1)?.cursor ?? null,
    },
  };
}
