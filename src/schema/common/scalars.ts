import { GraphQLJSON } from 'graphql-scalars';

/** Any JSON value (graphql-scalars `JSON`): used for the three values of a sync conflict. */
export const JSONScalar = GraphQLJSON;
