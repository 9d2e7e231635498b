import { GraphQLError, type GraphQLResolveInfo } from 'graphql';
import { parseGid, splitGid } from '../gid.js';
import type { ProductRecord, VariantRecord } from '../store.js';
import type { ConnectionArgs } from './connection.js';
import { paginate } from './connection.js';
import { setInventoryQuantities, type SetQuantitiesInput } from './inventory-mutation.js';
import { requireScope, type GraphqlContext } from './request-context.js';
import { filterVariants } from './search.js';
import { inventoryItemView, locationView, orderView, productView, shopView, variantView, viewKey } from './views.js';

const MAX_NODE_IDS = 250;

/** Builds the root value of one request: every QueryRoot and Mutation field, bound to the request's shop. */
export function createRoot(context: GraphqlContext): Record<string, unknown> {
  const { store } = context.sandbox;
  const shop = context.shop;

  const ownProduct = (id: number | undefined): ProductRecord | undefined => {
    const product = id === undefined ? undefined : store.products.get(id);
    return product?.shopDomain === shop.domain ? product : undefined;
  };
  const ownVariant = (id: number | undefined): VariantRecord | undefined => {
    const variant = id === undefined ? undefined : store.variants.get(id);
    return variant && ownProduct(variant.productId) ? variant : undefined;
  };
  const shopProducts = (): ProductRecord[] => shop.productIds.flatMap((id) => store.products.get(id) ?? []);
  const shopVariants = (): VariantRecord[] =>
    shopProducts()
      .flatMap((product) => product.variantIds.flatMap((id) => store.variants.get(id) ?? []))
      .sort((a, b) => a.id - b.id);

  const nodeById = (id: string): unknown => {
    const parts = splitGid(id);
    switch (parts?.type) {
      case 'Product': {
        requireScope(context, 'read_products', 'node');
        const product = ownProduct(parts.id);
        return product ? productView(context, product) : null;
      }
      case 'ProductVariant': {
        requireScope(context, 'read_products', 'node');
        const variant = ownVariant(parts.id);
        return variant ? variantView(context, variant) : null;
      }
      case 'InventoryItem': {
        requireScope(context, 'read_inventory', 'node');
        const item = store.inventoryItems.get(parts.id);
        return item?.shopDomain === shop.domain ? inventoryItemView(context, item) : null;
      }
      case 'Location': {
        requireScope(context, 'read_locations', 'node');
        const location = shop.locations.find((candidate) => candidate.id === parts.id);
        return location ? locationView(location) : null;
      }
      case 'Order': {
        requireScope(context, 'read_orders', 'node');
        const order = store.orders.get(parts.id);
        return order?.shopDomain === shop.domain ? orderView(context, order) : null;
      }
      case 'BulkOperation':
        return context.sandbox.bulk.view(parts.id, shop.domain, context.clientId);
      case 'Shop':
        return parts.id === shop.id ? shopView(context) : null;
      default:
        return null;
    }
  };

  return {
    shop: () => shopView(context),
    location: ({ id }: { id?: string | null }) => {
      requireScope(context, 'read_locations', 'location');
      const wanted = id === undefined || id === null ? shop.locations[0]?.id : parseGid(id, 'Location');
      const location = shop.locations.find((candidate) => candidate.id === wanted);
      return location ? locationView(location) : null;
    },
    locations: (args: ConnectionArgs) => {
      requireScope(context, 'read_locations', 'locations');
      return paginate(shop.locations.map(locationView), viewKey, args, context);
    },
    product: ({ id }: { id: string }) => {
      requireScope(context, 'read_products', 'product');
      const product = ownProduct(parseGid(id, 'Product'));
      return product ? productView(context, product) : null;
    },
    products: (args: ConnectionArgs & { query?: string | null; reverse?: boolean | null }) => {
      requireScope(context, 'read_products', 'products');
      if (args.query || args.reverse) {
        throw new GraphQLError('The sandbox serves products(query:) and products(reverse: true) only as not given; filter on your side.');
      }
      return paginate(shopProducts().map((product) => productView(context, product)), viewKey, args, context);
    },
    productVariant: ({ id }: { id: string }) => {
      requireScope(context, 'read_products', 'productVariant');
      const variant = ownVariant(parseGid(id, 'ProductVariant'));
      return variant ? variantView(context, variant) : null;
    },
    productVariants: (args: ConnectionArgs & { query?: string | null }) => {
      requireScope(context, 'read_products', 'productVariants');
      return paginate(filterVariants(shopVariants(), args.query).map((variant) => variantView(context, variant)), viewKey, args, context);
    },
    inventoryItem: ({ id }: { id: string }) => {
      requireScope(context, 'read_inventory', 'inventoryItem');
      const itemId = parseGid(id, 'InventoryItem');
      const item = itemId === undefined ? undefined : store.inventoryItems.get(itemId);
      return item?.shopDomain === shop.domain ? inventoryItemView(context, item) : null;
    },
    order: ({ id }: { id: string }) => {
      requireScope(context, 'read_orders', 'order');
      const orderId = parseGid(id, 'Order');
      const order = orderId === undefined ? undefined : store.orders.get(orderId);
      return order?.shopDomain === shop.domain ? orderView(context, order) : null;
    },
    node: ({ id }: { id: string }) => nodeById(id),
    nodes: ({ ids }: { ids: string[] }) => {
      if (ids.length > MAX_NODE_IDS) throw new GraphQLError(`nodes accepts at most ${MAX_NODE_IDS} ids, got ${ids.length}.`);
      return ids.map(nodeById);
    },
    currentBulkOperation: ({ type }: { type: 'QUERY' | 'MUTATION' }) =>
      type === 'QUERY' ? context.sandbox.bulk.currentView(shop.domain, context.clientId) : null,
    inventorySetQuantities: (args: { input: SetQuantitiesInput }, _context: unknown, info: GraphQLResolveInfo) =>
      setInventoryQuantities(context, args.input, info),
    bulkOperationRunQuery: ({ query }: { query: string }) => context.sandbox.bulk.start(context, query),
  };
}
