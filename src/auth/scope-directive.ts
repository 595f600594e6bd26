import { getDirective, MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  defaultFieldResolver,
  DirectiveLocation,
  GraphQLDirective,
  GraphQLError,
  GraphQLList,
  GraphQLNonNull,
  GraphQLString,
  type GraphQLFieldConfig,
  type GraphQLSchema,
} from 'graphql';
import { Directive } from 'type-graphql';
import { RESOURCE_NOT_AVAILABLE, ResourceNotAvailableError } from '../core/errors';
import { globalAbilities } from '../policy/abilities';
import type { RequestContext } from '../core/context';
import { hasAnyScope } from '../core/principal';
import { MUTATION_SCOPES, QUERY_SCOPES } from './scopes';

/**
 * Scope authorization, declared in the schema and enforced here only. Every root field carries either
 * `@requireScopes(anyOf: [...])`, the token scopes that may reach it, or `@public`. Callers without a
 * token (anonymous, or the `labgate` command) are not limited by scopes; the policy still applies.
 */
export const SCOPE_DIRECTIVE = 'requireScopes';
export const PUBLIC_DIRECTIVE = 'public';

export const scopeDirective = new GraphQLDirective({
  name: SCOPE_DIRECTIVE,
  description: 'The token scopes that may use this field: a token needs at least one of them.',
  locations: [DirectiveLocation.FIELD_DEFINITION],
  args: {
    anyOf: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(GraphQLString))) },
  },
});

export const publicDirective = new GraphQLDirective({
  name: PUBLIC_DIRECTIVE,
  description: 'This field needs no particular token scope.',
  locations: [DirectiveLocation.FIELD_DEFINITION],
});

const scopeList = (scopes: readonly string[]) => scopes.map((s) => JSON.stringify(s)).join(', ');

/** A query root field: `api` or `read_api`. */
export const ReadScopes = () => Directive(`@${SCOPE_DIRECTIVE}(anyOf: [${scopeList(QUERY_SCOPES)}])`);
/** A mutation: `api`. */
export const WriteScopes = () => Directive(`@${SCOPE_DIRECTIVE}(anyOf: [${scopeList(MUTATION_SCOPES)}])`);
/** Token rotation: `api`, or `self_rotate` for a token rotating itself (checked by the service). */
export const RotateScopes = () => Directive(`@${SCOPE_DIRECTIVE}(anyOf: [${scopeList([...MUTATION_SCOPES, 'self_rotate'])}])`);
export const Public = () => Directive(`@${PUBLIC_DIRECTIVE}`);

export class InsufficientScopeError extends GraphQLError {
  constructor(requiredScopes: readonly string[]) {
    super(RESOURCE_NOT_AVAILABLE, { extensions: { code: 'INSUFFICIENT_SCOPE', requiredScopes } });
  }
}

/** The scopes a root field requires, `[]` for a public field, undefined when it has neither marker. */
export function requiredScopes(schema: GraphQLSchema, typeName: 'Query' | 'Mutation', fieldName: string): string[] | undefined {
  const field = (typeName === 'Query' ? schema.getQueryType() : schema.getMutationType())?.getFields()[fieldName];
  if (!field) return undefined;
  if (getDirective(schema, field, PUBLIC_DIRECTIVE)?.length) return [];
  return getDirective(schema, field, SCOPE_DIRECTIVE)?.[0]?.anyOf as string[] | undefined;
}

/** Every scope that opens at least one root field: a token with none of them cannot use the API. */
export function graphqlScopes(schema: GraphQLSchema): Set<string> {
  const scopes = new Set<string>();
  for (const type of [schema.getQueryType(), schema.getMutationType()]) {
    for (const field of Object.values(type?.getFields() ?? {})) {
      for (const s of (getDirective(schema, field, SCOPE_DIRECTIVE)?.[0]?.anyOf as string[] | undefined) ?? []) scopes.add(s);
    }
  }
  return scopes;
}

/** Wraps every root field that declares scopes with the check. Fields without a marker are refused. */
export function enforceScopes(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, { [MapperKind.OBJECT_FIELD]: scopeStep(schema) });
}

/**
 * `enforceScopes` as one step of a single pass over every object field (graphql/schema.ts): fields of
 * other types than the root types are left as they are.
 */
export function scopeStep(schema: GraphQLSchema) {
  const roots = new Set([schema.getQueryType()?.name, schema.getMutationType()?.name, schema.getSubscriptionType()?.name].filter((name) => name !== undefined));
  return <S>(fieldConfig: GraphQLFieldConfig<S, RequestContext>, fieldName: string, typeName: string): GraphQLFieldConfig<S, RequestContext> => {
    if (!roots.has(typeName)) return fieldConfig;
    if (getDirective(schema, fieldConfig, PUBLIC_DIRECTIVE)?.length) return fieldConfig;
    const scopes = getDirective(schema, fieldConfig, SCOPE_DIRECTIVE)?.[0]?.anyOf as string[] | undefined;
    if (!scopes) throw new Error(`${typeName}.${fieldName} has neither @${SCOPE_DIRECTIVE} nor @${PUBLIC_DIRECTIVE}`);
    const resolve = fieldConfig.resolve ?? defaultFieldResolver;
    return {
      ...fieldConfig,
      resolve(source, args, context, info) {
        if (typeName === 'Mutation' && !globalAbilities(context.actor).has('execute_graphql_mutation')) throw new ResourceNotAvailableError();
        if (context.principal && !hasAnyScope(context.principal, scopes)) throw new InsufficientScopeError(scopes);
        return resolve(source, args, context, info);
      },
    };
  };
}
