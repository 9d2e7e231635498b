import { GraphQLError } from 'graphql';
import { gid, inventoryLevelGid, parseGid } from '../gid.js';
import type { InventoryItemRecord, LevelRecord, LocationRecord, OrderRecord, ProductRecord, VariantRecord } from '../store.js';
import { paginate, type ConnectionArgs } from './connection.js';
import { requireScope, type GraphqlContext } from './request-context.js';

/*
 * Plain objects the default GraphQL resolver reads: fields with arguments, or that lead to other
 * objects, are methods called with (args, context). `__typename` lets Node resolve its type.
 */

type View = Record<string, unknown>;

const QUANTITY_NAMES = new Set(['available', 'on_hand', 'committed', 'incoming', 'reserved']);

export function shopView(context: GraphqlContext): View {
  const shop = context.shop;
  return { __typename: 'Shop', id: gid('Shop', shop.id), name: shop.name, myshopifyDomain: shop.domain, currencyCode: shop.currencyCode };
}

export function locationView(location: LocationRecord): View {
  return { __typename: 'Location', id: gid('Location', location.id), name: location.name, isActive: true };
}

export function productView(context: GraphqlContext, product: ProductRecord): View {
  const variants = (): VariantRecord[] => product.variantIds.flatMap((id) => context.sandbox.store.variants.get(id) ?? []);
  return {
    __typename: 'Product',
    id: gid('Product', product.id),
    title: product.title,
    handle: product.handle,
    status: product.status,
    vendor: product.vendor,
    productType: product.productType,
    createdAt: product.createdAt,
    updatedAt: product.updatedAt,
    options: product.options.map((option, index) => ({ id: gid('ProductOption', product.id * 10 + index), name: option.name, position: index + 1, values: option.values })),
    totalInventory: () => variants().reduce((sum, variant) => sum + availableAtPrimary(context, variant), 0),
    variantsCount: { count: product.variantIds.length, precision: 'EXACT' },
    variants: (args: ConnectionArgs) => paginate(variants().map((variant) => variantView(context, variant)), viewKey, args, context),
  };
}

export function variantView(context: GraphqlContext, variant: VariantRecord): View {
  const store = context.sandbox.store;
  return {
    __typename: 'ProductVariant',
    id: gid('ProductVariant', variant.id),
    title: variant.title,
    sku: variant.sku,
    barcode: variant.barcode,
    price: variant.price,
    position: variant.position,
    inventoryQuantity: () => availableAtPrimary(context, variant),
    selectedOptions: variant.options,
    createdAt: variant.createdAt,
    updatedAt: variant.updatedAt,
    product: () => productView(context, requireRecord(store.products.get(variant.productId), 'product')),
    inventoryItem: () => inventoryItemView(context, requireRecord(store.inventoryItems.get(variant.inventoryItemId), 'inventory item')),
  };
}

export function inventoryItemView(context: GraphqlContext, item: InventoryItemRecord): View {
  const store = context.sandbox.store;
  const levels = (): Array<[number, LevelRecord]> => [...item.levels].sort(([a], [b]) => a - b);
  return {
    __typename: 'InventoryItem',
    id: gid('InventoryItem', item.id),
    sku: store.variants.get(item.variantId)?.sku ?? null,
    tracked: true,
    updatedAt: item.updatedAt,
    variant: () => variantView(context, requireRecord(store.variants.get(item.variantId), 'variant')),
    inventoryLevel: ({ locationId }: { locationId: string }) => {
      requireScope(context, 'read_inventory', 'inventoryLevel');
      const id = parseGid(locationId, 'Location');
      const level = id === undefined ? undefined : item.levels.get(id);
      return id === undefined || !level ? null : levelView(context, item, id, level);
    },
    inventoryLevels: (args: ConnectionArgs) => {
      requireScope(context, 'read_inventory', 'inventoryLevels');
      const views = levels().map(([locationId, level]) => ({ key: locationId, view: levelView(context, item, locationId, level) }));
      const page = paginate(views, (entry) => entry.key, args, context);
      return { ...page, edges: page.edges.map((edge) => ({ ...edge, node: edge.node.view })), nodes: page.nodes.map((entry) => entry.view) };
    },
  };
}

export function levelView(context: GraphqlContext, item: InventoryItemRecord, locationId: number, level: LevelRecord): View {
  const location = context.shop.locations.find((candidate) => candidate.id === locationId);
  const quantityOf = (name: string): number => {
    if (name === 'available') return level.available;
    if (name === 'committed') return level.committed;
    if (name === 'on_hand') return level.available + level.committed;
    return 0;
  };
  return {
    __typename: 'InventoryLevel',
    id: inventoryLevelGid(locationId, item.id),
    location: () => locationView(requireRecord(location, 'location')),
    item: () => inventoryItemView(context, item),
    updatedAt: level.updatedAt,
    quantities: ({ names }: { names: string[] }) =>
      names.map((name) => {
        if (!QUANTITY_NAMES.has(name)) {
          throw new GraphQLError(`Invalid quantity name "${name}": use one of ${[...QUANTITY_NAMES].join(', ')}.`);
        }
        return { id: `${inventoryLevelGid(locationId, item.id)}&name=${name}`, name, quantity: quantityOf(name), updatedAt: level.updatedAt };
      }),
  };
}

export function orderView(context: GraphqlContext, order: OrderRecord): View {
  const store = context.sandbox.store;
  const lines = order.lines.map((line) => ({
    key: line.id,
    id: gid('LineItem', line.id),
    title: line.title,
    sku: line.sku,
    quantity: line.quantity,
    product: () => {
      const product = store.products.get(line.productId);
      return product ? productView(context, product) : null;
    },
    variant: () => {
      const variant = store.variants.get(line.variantId);
      return variant ? variantView(context, variant) : null;
    },
  }));
  return {
    __typename: 'Order',
    id: gid('Order', order.id),
    name: `#${order.number}`,
    createdAt: order.createdAt,
    updatedAt: order.updatedAt,
    cancelledAt: order.cancelledAt,
    displayFinancialStatus: order.financialStatus,
    currencyCode: order.currencyCode,
    lineItems: (args: ConnectionArgs) => paginate(lines, (line) => line.key, args, context),
  };
}

function availableAtPrimary(context: GraphqlContext, variant: VariantRecord): number {
  const item = context.sandbox.store.inventoryItems.get(variant.inventoryItemId);
  const primary = context.shop.locations[0]?.id;
  return (primary === undefined ? undefined : item?.levels.get(primary)?.available) ?? 0;
}

/** Orders views of products and variants by the number in their id, which is their creation order. */
export function viewKey(view: View): number {
  const id = typeof view.id === 'string' ? /\/(\d+)$/.exec(view.id)?.[1] : undefined;
  return id === undefined ? 0 : Number(id);
}

function requireRecord<T>(record: T | undefined, what: string): T {
  if (record === undefined) throw new GraphQLError(`Internal sandbox error: the ${what} of this object is missing.`, { extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  return record;
}
