import { DateTimeResolver, SafeIntResolver } from 'graphql-scalars';

/** RFC 3339 UTC timestamps (graphql-scalars `DateTime`). */
export const DateTimeScalar = DateTimeResolver;

/** Integers up to 2^53-1 (graphql-scalars `SafeInt`): seeds go up to 2^32-1, beyond GraphQL `Int`. */
export const SafeIntScalar = SafeIntResolver;
