import {
  getArgumentValues,
  getNamedType,
  getNullableType,
  isAbstractType,
  isInterfaceType,
  isLeafType,
  isListType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

/**
 * Query cost with Shopify's published rules: scalars and enums 0, objects 1, connections 2 plus
 * `first` (or `last`) times the cost of one node, abstract types the maximum of their fragments,
 * mutations 10. The requested cost comes from the query and its arguments, before it runs. The
 * actual cost walks the returned data, so shorter pages and null objects cost less.
 */

const MUTATION_COST = 10;
/** Marks a walk over the query alone, before any data exists. */
const STATIC = Symbol('static');
type Value = unknown;

interface Walk {
  schema: GraphQLSchema;
  fragments: Map<string, FragmentDefinitionNode>;
  variables: Record<string, unknown>;
}

function walkOf(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>): Walk {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return { schema, fragments, variables };
}

export function requestedCost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown>): number {
  return operationCost(walkOf(schema, document, variables), operation, STATIC);
}

export function actualCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown>,
  data: unknown,
): number {
  return operationCost(walkOf(schema, document, variables), operation, data ?? null);
}

function operationCost(walk: Walk, operation: OperationDefinitionNode, data: Value): number {
  if (operation.operation === 'mutation') {
    const fields = operation.selectionSet.selections.filter((selection) => selection.kind === Kind.FIELD && !selection.name.value.startsWith('__'));
    return fields.length * MUTATION_COST;
  }
  const root = walk.schema.getQueryType();
  return root ? selectionsCost(walk, operation.selectionSet, root, data) : 0;
}

function selectionsCost(walk: Walk, selectionSet: SelectionSetNode, type: GraphQLCompositeType, value: Value): number {
  let direct = 0;
  const byTypeCondition = new Map<string, number>();
  const addFragment = (condition: string | undefined, fragmentSet: SelectionSetNode): void => {
    const conditionType = condition === undefined ? type : walk.schema.getType(condition);
    if (!conditionType || !isComposite(conditionType)) return;
    const cost = selectionsCost(walk, fragmentSet, conditionType, value);
    if (conditionType === type) direct += cost;
    else byTypeCondition.set(conditionType.name, (byTypeCondition.get(conditionType.name) ?? 0) + cost);
  };

  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      if (selection.name.value.startsWith('__')) continue;
      const field = isObjectType(type) || isInterfaceType(type) ? type.getFields()[selection.name.value] : undefined;
      if (!field) continue;
      const child = value === STATIC ? STATIC : fieldValue(value, selection);
      direct += fieldCost(walk, field, selection, child);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      addFragment(selection.typeCondition?.name.value, selection.selectionSet);
    } else {
      const fragment = walk.fragments.get(selection.name.value);
      if (fragment) addFragment(fragment.typeCondition.name.value, fragment.selectionSet);
    }
  }
  return direct + Math.max(0, ...byTypeCondition.values());
}

function fieldCost(walk: Walk, field: GraphQLField<unknown, unknown>, node: FieldNode, value: Value): number {
  const named = getNamedType(field.type);
  const selectionSet = node.selectionSet;
  if (isLeafType(named) || !isComposite(named) || !selectionSet) return 0;
  if (value !== STATIC && (value === null || value === undefined)) return 0;
  const args = getArgumentValues(field, node, walk.variables);

  if (isObjectType(named) && named.name.endsWith('Connection')) {
    return 2 + connectionNodesCost(walk, named, selectionSet, args, value);
  }
  if (isListType(getNullableType(field.type))) {
    if (value === STATIC) {
      const count = field.name === 'nodes' && Array.isArray(args.ids) ? args.ids.length : 1;
      return count * (1 + selectionsCost(walk, selectionSet, named, STATIC));
    }
    const items = Array.isArray(value) ? value : [];
    const counted = field.name === 'nodes' ? items : items.slice(0, 1);
    return counted.reduce<number>((sum, item) => sum + (item === null ? 0 : 1 + selectionsCost(walk, selectionSet, named, item)), 0);
  }
  return 1 + selectionsCost(walk, selectionSet, named, value);
}

/** Cost of the nodes of a connection, selected through `nodes { }` or `edges { node { } }`. */
function connectionNodesCost(walk: Walk, connection: GraphQLNamedType, selectionSet: SelectionSetNode, args: Record<string, unknown>, value: Value): number {
  if (!isObjectType(connection)) return 0;
  const nodeType = getNamedType(connection.getFields().nodes?.type);
  if (!nodeType || !isComposite(nodeType)) return 0;
  // Each entry reads the node value at position i of the returned page.
  const paths: Array<{ set: SelectionSetNode; nodeAt: (index: number) => Value; count: () => number }> = [];
  for (const selection of selectionSet.selections) {
    if (selection.kind !== Kind.FIELD || !selection.selectionSet) continue;
    const list = value === STATIC ? [] : asArray(fieldValue(value, selection));
    if (selection.name.value === 'nodes') {
      paths.push({ set: selection.selectionSet, nodeAt: (index) => list[index], count: () => list.length });
    } else if (selection.name.value === 'edges') {
      for (const edgeField of selection.selectionSet.selections) {
        if (edgeField.kind !== Kind.FIELD || edgeField.name.value !== 'node' || !edgeField.selectionSet) continue;
        paths.push({ set: edgeField.selectionSet, nodeAt: (index) => fieldValue(list[index], edgeField), count: () => list.length });
      }
    }
  }
  if (value === STATIC) {
    let size = 0;
    if (typeof args.first === 'number') size = args.first;
    else if (typeof args.last === 'number') size = args.last;
    const perNode = 1 + paths.reduce((sum, path) => sum + selectionsCost(walk, path.set, nodeType, STATIC), 0);
    return size * perNode;
  }
  const count = Math.max(0, ...paths.map((path) => path.count()));
  let total = 0;
  for (let index = 0; index < count; index++) {
    total += 1 + paths.reduce((sum, path) => sum + selectionsCost(walk, path.set, nodeType, path.nodeAt(index) ?? null), 0);
  }
  return total;
}

function fieldValue(value: Value, node: FieldNode): Value {
  if (value === null || typeof value !== 'object') return undefined;
  return (value as Record<string, unknown>)[node.alias?.value ?? node.name.value];
}

function asArray(value: Value): unknown[] {
  return Array.isArray(value) ? value : [];
}

function isComposite(type: GraphQLNamedType): type is GraphQLCompositeType {
  return isObjectType(type) || isAbstractType(type);
}
