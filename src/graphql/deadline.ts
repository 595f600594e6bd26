import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { getNamedType, isCompositeType, type GraphQLFieldConfig, type GraphQLSchema } from 'graphql';
import type { GraphQLContext } from './context';

/**
 * Fields that may reach the database: root fields, fields returning objects (relations, connections),
 * fields with arguments and connection counts. Plain scalar reads of a loaded row are left alone, so
 * the check costs nothing on most fields.
 */
function mayQuery(field: GraphQLFieldConfig<unknown, unknown>, fieldName: string, typeName: string, schema: GraphQLSchema): boolean {
  const roots = [schema.getQueryType()?.name, schema.getMutationType()?.name];
  return (
    roots.includes(typeName) ||
    isCompositeType(getNamedType(field.type)) ||
    Object.keys(field.args ?? {}).length > 0 ||
    fieldName === 'count'
  );
}

/**
 * Stops the work of a request whose time budget has passed: each field that may query the database
 * first checks the request's flag (set by the HTTP layer's timer) and throws GitLab's timeout error.
 */
export function enforceDeadline(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, { [MapperKind.OBJECT_FIELD]: deadlineStep(schema) });
}

/** `enforceDeadline` as one step of a single pass over the schema's fields (graphql/schema.ts). */
export function deadlineStep(schema: GraphQLSchema) {
  return <S>(fieldConfig: GraphQLFieldConfig<S, GraphQLContext>, fieldName: string, typeName: string): GraphQLFieldConfig<S, GraphQLContext> => {
    const resolve = fieldConfig.resolve;
    if (!resolve || !mayQuery(fieldConfig as GraphQLFieldConfig<unknown, unknown>, fieldName, typeName, schema)) return fieldConfig;
    return {
      ...fieldConfig,
      resolve(source, args, context, info) {
        context.checkDeadline();
        return resolve(source, args, context, info);
      },
    };
  };
}
