import { Kind, parse, type DocumentNode, type FieldNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode, type ValueNode } from 'graphql';

/**
 * Estimates the requested cost of a GraphQL Admin operation before it is sent, so the traffic
 * control can budget it. It applies Shopify's published rules without the schema. A field with a
 * selection set (an object) costs 1 and a scalar 0. A field with `first` or `last` is a
 * connection, costing 2 plus that many times one node. `nodes(ids:)` costs one node per id, and
 * a mutation costs 10 per root field. Of fragments on different types, the most expensive counts.
 *
 * NOTE: without the schema, list fields other than `nodes(ids:)` count as one object, as the
 * local sandbox also counts them. Shopify's `requestedQueryCost` in the response stays the
 * authoritative figure, and the traffic control resynchronizes from it.
 */
export function estimateQueryCost(document: string, variables: Record<string, unknown> = {}, operationName?: string): number {
  let parsed: DocumentNode;
  try {
    parsed = parseCached(document);
  } catch {
    // Shopify rejects an unparsable document with an error and charges nothing for it.
    return 1;
  }
  const operation = parsed.definitions.find(
    (definition): definition is OperationDefinitionNode =>
      definition.kind === Kind.OPERATION_DEFINITION && (operationName === undefined || definition.name?.value === operationName),
  );
  if (!operation) return 1;
  if (operation.operation === 'mutation') {
    return 10 * operation.selectionSet.selections.filter((selection) => selection.kind === Kind.FIELD).length;
  }
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of parsed.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return Math.max(1, selectionCost(operation.selectionSet, { fragments, variables }));
}

interface Walk {
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

function selectionCost(selectionSet: SelectionSetNode, walk: Walk): number {
  let direct = 0;
  const byType = new Map<string, number>();
  const addFragment = (typeName: string | undefined, set: SelectionSetNode): void => {
    const cost = selectionCost(set, walk);
    if (typeName === undefined) direct += cost;
    else byType.set(typeName, (byType.get(typeName) ?? 0) + cost);
  };
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      direct += fieldCost(selection, walk);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      addFragment(selection.typeCondition?.name.value, selection.selectionSet);
    } else {
      const fragment = walk.fragments.get(selection.name.value);
      if (fragment) addFragment(fragment.typeCondition.name.value, fragment.selectionSet);
    }
  }
  return direct + Math.max(0, ...byType.values());
}

function fieldCost(field: FieldNode, walk: Walk): number {
  if (!field.selectionSet || field.name.value.startsWith('__')) return 0;
  const pageSize = numberArgument(field, 'first', walk) ?? numberArgument(field, 'last', walk);
  if (pageSize !== undefined) return 2 + pageSize * connectionNodeCost(field.selectionSet, walk);
  if (field.name.value === 'nodes') {
    const ids = argumentValue(field, 'ids', walk);
    const count = Array.isArray(ids) ? ids.length : 1;
    return count * (1 + selectionCost(field.selectionSet, walk));
  }
  return 1 + selectionCost(field.selectionSet, walk);
}

/** Cost of one node of a connection, selected through `nodes { }` or `edges { node { } }`. */
function connectionNodeCost(selectionSet: SelectionSetNode, walk: Walk): number {
  let inner = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || !selection.selectionSet) continue;
    if (selection.name.value === 'nodes') inner += selectionCost(selection.selectionSet, walk);
    if (selection.name.value === 'edges') {
      for (const edgeField of selection.selectionSet.selections) {
        if (edgeField.kind === Kind.FIELD && edgeField.name.value === 'node' && edgeField.selectionSet) inner += selectionCost(edgeField.selectionSet, walk);
      }
    }
  }
  return 1 + inner;
}

function numberArgument(field: FieldNode, name: string, walk: Walk): number | undefined {
  const value = argumentValue(field, name, walk);
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function argumentValue(field: FieldNode, name: string, walk: Walk): unknown {
  const argument = field.arguments?.find((candidate) => candidate.name.value === name);
  return argument ? valueOf(argument.value, walk) : undefined;
}

function valueOf(node: ValueNode, walk: Walk): unknown {
  switch (node.kind) {
    case Kind.VARIABLE:
      return walk.variables[node.name.value];
    case Kind.INT:
    case Kind.FLOAT:
      return Number(node.value);
    case Kind.LIST:
      return node.values.map((value) => valueOf(value, walk));
    default:
      return undefined;
  }
}

// Documents are constants of the connector, plus one stock mutation per idempotency key; the cap
// keeps the second kind from growing the cache without bound.
const MAX_CACHED_DOCUMENTS = 64;
const parsedDocuments = new Map<string, DocumentNode>();

function parseCached(document: string): DocumentNode {
  let parsed = parsedDocuments.get(document);
  if (!parsed) {
    parsed = parse(document);
    if (parsedDocuments.size >= MAX_CACHED_DOCUMENTS) parsedDocuments.clear();
    parsedDocuments.set(document, parsed);
  }
  return parsed;
}
