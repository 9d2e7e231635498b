import { GraphQLError } from 'graphql';
import type { VariantRecord } from '../store.js';

type Term = { field: 'product_id' | 'id'; value: number } | { field: 'sku'; value: string };

/**
 * Applies a `productVariants(query:)` search. The sandbox supports `product_id:<number>`,
 * `id:<number>` and `sku:<text>` terms joined by `OR`. Any other term raises an error instead of
 * matching everything, so that a test cannot pass on a filter that did nothing.
 */
export function filterVariants(variants: readonly VariantRecord[], query: string | null | undefined): VariantRecord[] {
  if (query === undefined || query === null || query.trim() === '') return [...variants];
  const terms = query
    .trim()
    .split(/\s+OR\s+/)
    .map(parseTerm);
  return variants.filter((variant) =>
    terms.some((term) => {
      if (term.field === 'product_id') return variant.productId === term.value;
      if (term.field === 'id') return variant.id === term.value;
      return variant.sku === term.value;
    }),
  );
}

function parseTerm(text: string): Term {
  const match = /^(product_id|id|sku):(?:"([^"]*)"|(\S+))$/.exec(text);
  const field = match?.[1];
  const value = match?.[2] ?? match?.[3];
  if (field === 'sku' && value !== undefined) return { field, value };
  if ((field === 'product_id' || field === 'id') && value !== undefined && /^\d+$/.test(value)) return { field, value: Number(value) };
  throw new GraphQLError(
    `Unsupported search term "${text.slice(0, 80)}" in productVariants(query:). The sandbox supports product_id:<number>, id:<number> and sku:<text> terms joined by OR.`,
  );
}
