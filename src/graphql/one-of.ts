import { mapSchema, MapperKind } from '@graphql-tools/utils';
import { GraphQLInputObjectType, type GraphQLSchema } from 'graphql';

/**
 * type-graphql 2 cannot declare `@oneOf` input objects, and a directive on the AST alone is
 * not enforced. The decorator records the class; {@link applyOneOf} rebuilds those input
 * types with graphql-js's own `isOneOf: true`, so validation and coercion reject anything
 * but exactly one non-null field, and `printSchema` shows `@oneOf`.
 */
const oneOfClasses = new Set<{ readonly name: string }>();

/** Marks an `@InputType` class as a oneOf input object (exactly one field must be given). */
export function OneOf(): ClassDecorator {
  return (target) => {
    oneOfClasses.add(target);
  };
}

/** The schema with every `@OneOf()` input type made a real oneOf input object. */
export function applyOneOf(schema: GraphQLSchema): GraphQLSchema {
  const names = new Set([...oneOfClasses].map((cls) => cls.name));
  return mapSchema(schema, {
    [MapperKind.INPUT_OBJECT_TYPE]: (type) =>
      names.has(type.name) ? new GraphQLInputObjectType({ ...type.toConfig(), isOneOf: true }) : type,
  });
}
