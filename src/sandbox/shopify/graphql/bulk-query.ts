import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  validate,
  type DocumentNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';

const MAX_CONNECTIONS = 5;
const MAX_NESTING = 2;

export type BulkQueryCheck = { ok: true; document: DocumentNode } | { ok: false; message: string };

/**
 * Checks a bulk query the way bulkOperationRunQuery does: valid GraphQL for the schema, one query
 * operation whose top-level fields are connections, at most five connections, nested at most two
 * levels deep.
 */
export function checkBulkQuery(schema: GraphQLSchema, query: string): BulkQueryCheck {
  let document: DocumentNode;
  try {
    document = parse(query);
  } catch (error) {
    return { ok: false, message: `Invalid bulk query: ${error instanceof Error ? error.message : String(error)}` };
  }
  const errors = validate(schema, document);
  if (errors.length > 0) return { ok: false, message: `Invalid bulk query: ${errors.map((error) => error.message).join(' ')}` };

  const operations = document.definitions.filter((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  const operation = operations[0];
  if (operations.length !== 1 || operation?.kind !== Kind.OPERATION_DEFINITION || operation.operation !== 'query') {
    return { ok: false, message: 'A bulk query must contain exactly one query operation.' };
  }

  const root = schema.getQueryType();
  if (!root) return { ok: false, message: 'The schema has no query type.' };
  for (const selection of operation.selectionSet.selections) {
    const type = selection.kind === Kind.FIELD ? root.getFields()[selection.name.value]?.type : undefined;
    if (!type || !isConnection(getNamedType(type))) {
      return { ok: false, message: 'Every top-level field of a bulk query must be a connection, such as products.' };
    }
  }

  const stats = { connections: 0, deepest: 0 };
  countConnections(schema, operation.selectionSet, root, 0, stats);
  if (stats.connections > MAX_CONNECTIONS) {
    return { ok: false, message: `Bulk queries cannot contain more than ${MAX_CONNECTIONS} connections; this one has ${stats.connections}.` };
  }
  if (stats.deepest > MAX_NESTING) {
    return { ok: false, message: `Bulk queries cannot nest connections more than ${MAX_NESTING} levels deep; this one nests ${stats.deepest}.` };
  }
  return { ok: true, document };
}

function countConnections(
  schema: GraphQLSchema,
  selectionSet: SelectionSetNode,
  type: GraphQLNamedType,
  depth: number,
  stats: { connections: number; deepest: number },
): void {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.INLINE_FRAGMENT) {
      const condition = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : type;
      if (condition) countConnections(schema, selection.selectionSet, condition, depth, stats);
      continue;
    }
    if (selection.kind !== Kind.FIELD || !selection.selectionSet) continue;
    const fields = isObjectType(type) || isInterfaceType(type) ? type.getFields() : {};
    const fieldType = fields[selection.name.value]?.type;
    if (!fieldType) continue;
    const named = getNamedType(fieldType);
    const connection = isConnection(named);
    if (connection) {
      stats.connections++;
      stats.deepest = Math.max(stats.deepest, depth + 1);
    }
    countConnections(schema, selection.selectionSet, named, connection ? depth + 1 : depth, stats);
  }
}

function isConnection(type: GraphQLNamedType): boolean {
  return isObjectType(type) && type.name.endsWith('Connection');
}

/**
 * Writes bulk query data as JSONL. Each connection node becomes one line without its nested
 * connections. The nodes of a nested connection follow as lines of their own, with `__parentId`
 * set to the id of the node they belong to. Returns the lines and the count of top-level nodes.
 */
export function toJsonLines(data: Record<string, unknown>): { lines: string[]; rootObjectCount: number } {
  const lines: string[] = [];
  let rootObjectCount = 0;

  const emitConnection = (connection: Record<string, unknown>, parentId: unknown): void => {
    for (const node of connectionNodes(connection)) {
      if (node === null || typeof node !== 'object') continue;
      const nested: Array<Record<string, unknown>> = [];
      const line = withoutConnections(node as Record<string, unknown>, nested);
      if (parentId === undefined) rootObjectCount++;
      else line.__parentId = parentId;
      lines.push(JSON.stringify(line));
      for (const child of nested) emitConnection(child, (node as { id?: unknown }).id);
    }
  };
  for (const value of Object.values(data)) {
    if (isConnectionValue(value)) emitConnection(value, undefined);
  }
  return { lines, rootObjectCount };
}

function withoutConnections(value: Record<string, unknown>, nested: Array<Record<string, unknown>>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (isConnectionValue(entry)) nested.push(entry);
    else if (entry !== null && typeof entry === 'object' && !Array.isArray(entry)) copy[key] = withoutConnections(entry as Record<string, unknown>, nested);
    else copy[key] = entry;
  }
  return copy;
}

function isConnectionValue(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const record = value as Record<string, unknown>;
  return Array.isArray(record.edges) || Array.isArray(record.nodes);
}

function connectionNodes(connection: Record<string, unknown>): unknown[] {
  if (Array.isArray(connection.edges)) return connection.edges.map((edge) => (edge !== null && typeof edge === 'object' ? (edge as { node?: unknown }).node : null));
  return Array.isArray(connection.nodes) ? connection.nodes : [];
}
