import { Directive, Field, ObjectType } from 'type-graphql';

/**
 * The EGDC core entity. EGDC core owns it and its other fields; this subgraph adds `listings`
 * (declared by ProductListingsResolver).
 */
@ObjectType('Product')
@Directive('@key(fields: "sku")')
export class ProductReference {
  @Field()
  sku!: string;
}
