import { Directive, Field, Int, ObjectType, type ClassType } from 'type-graphql';

@ObjectType({ description: 'Position of a page in a list (Relay cursor pagination).' })
// Shareable because other subgraphs of the supergraph may define the same Relay type.
@Directive('@shareable')
export class PageInfo {
  @Field({ description: 'Whether a later page exists; request it with after: endCursor.' })
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true, description: 'Cursor of the last item of this page; null for an empty page.' })
  endCursor!: string | null;
}

/** Declares the `<Name>Edge` and `<Name>Connection` object types of a Relay list of `nodeType`. */
export function connectionTypes<TNode extends object>(nodeType: ClassType<TNode>, name: string): ClassType<object> {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field({ description: 'Opaque position of this item; pass it as after to continue from here.' })
    cursor!: string;

    @Field(() => nodeType)
    node!: TNode;
  }

  @ObjectType(`${name}Connection`, { description: `One page of ${name} items.` })
  class Connection {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => [nodeType], { description: 'The items of edges, without cursors.' })
    nodes!: TNode[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int, { description: 'Number of items in the whole list, across all pages.' })
    totalCount!: number;
  }

  return Connection;
}
