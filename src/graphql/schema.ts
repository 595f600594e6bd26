import { printSchemaWithDirectives } from '@graphql-tools/utils';
import {
  introspectionFromSchema,
  isInterfaceType,
  isUnionType,
  lexicographicSortSchema,
  specifiedDirectives,
  type GraphQLSchema,
  type GraphQLTypeResolver,
  type IntrospectionQuery,
} from 'graphql';
import { buildSchema, getMetadataStorage } from 'type-graphql';
import { enforceScopes, publicDirective, scopeDirective } from '../auth/scope-directive';
import {
  GroupAccessTokenMutations,
  AccessTokenGranularScopeResolver,
  PersonalAccessTokenResolver,
  ProjectAccessTokenMutations,
  ResourceAccessTokenResolver,
} from '../modules/access-token/access-token.resolver';
import { authorizeDirective, enforceAbilities } from './authorization';
import { enforceDeadline } from './deadline';
import { directResolvers } from './direct-resolvers';
import { enforceGranular, granularScopeDirective } from './granular-directive';
import { GroupResolver } from '../modules/group/group.resolver';
import { GroupMemberResolver, ProjectMemberResolver } from '../modules/member/member.resolver';
import { MemberMutationsResolver } from '../modules/member/member-mutations.resolver';
import { MetadataResolver } from '../modules/metadata/metadata.resolver';
import { NamespaceResolver } from '../modules/namespace/namespace.resolver';
import { ProjectResolver } from '../modules/project/project.resolver';
import { ProjectFeaturesResolver } from '../modules/project/project-features.resolver';
import { TopicResolver } from '../modules/topic/topic.resolver';
import { FrecencyResolver } from '../modules/frecency/frecency.resolver';
import { glIntroducedDirective } from './gl-introduced';
import { SETTINGS_RESOLVERS } from '../modules/settings/settings.resolver';
import { AutocompletedUserResolver, CurrentUserResolver, UserCoreResolver } from '../modules/user/user.resolver';

export const RESOLVERS = [
  CurrentUserResolver,
  UserCoreResolver,
  AutocompletedUserResolver,
  GroupResolver,
  ProjectResolver,
  NamespaceResolver,
  ProjectMemberResolver,
  GroupMemberResolver,
  MemberMutationsResolver,
  PersonalAccessTokenResolver,
  AccessTokenGranularScopeResolver,
  ResourceAccessTokenResolver,
  ProjectAccessTokenMutations,
  GroupAccessTokenMutations,
  MetadataResolver,
  ProjectFeaturesResolver,
  TopicResolver,
  FrecencyResolver,
  ...SETTINGS_RESOLVERS,
] as const;

/**
 * The executable schema: type-graphql's build with each field's call decided once (`directResolvers`),
 * the scope directive enforced on every root field,
 * the declared abilities on every type and field that declares one, and the request deadline on every
 * field that may query the database.
 */
export async function buildLabgateSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [...RESOLVERS] as unknown as [Function, ...Function[]],
    // `directives` replaces graphql-js's defaults, so the standard ones (@include, @skip, @deprecated,
    // @specifiedBy, @oneOf) are listed again.
    directives: [...specifiedDirectives, scopeDirective, publicDirective, authorizeDirective, glIntroducedDirective, granularScopeDirective],
    validate: false,
  });
  const direct = directResolvers(schema, RESOLVERS as unknown as Function[]);
  return typeNamesAtOnce(enforceDeadline(enforceGranular(enforceAbilities(enforceScopes(direct)))));
}

/**
 * type-graphql runs each interface's and union's `resolveType` in an async function, which costs a
 * promise for every node of a list of interfaces (each member of `projectMembers`). Labgate's return
 * the type's name at once: the schema gets them back as written. Changes the schema in place.
 */
function typeNamesAtOnce(schema: GraphQLSchema): GraphQLSchema {
  const storage = getMetadataStorage();
  const declared = new Map<string, (...args: Parameters<GraphQLTypeResolver<unknown, unknown>>) => unknown>();
  for (const type of [...storage.interfaceTypes, ...storage.unions]) if (type.resolveType) declared.set(type.name, type.resolveType as never);
  for (const type of Object.values(schema.getTypeMap())) {
    const resolve = declared.get(type.name);
    if (!resolve || !(isInterfaceType(type) || isUnionType(type))) continue;
    type.resolveType = (value, context, info, abstractType) => {
      const name = resolve(value, context, info, abstractType);
      if (typeof name !== 'string') throw new Error(`${type.name}: resolveType must return a type name, not ${String(name)}`);
      return name;
    };
  }
  return schema;
}

/** The SDL committed under `schema/`, directives included, in a stable order. */
export function printLabgateSchema(schema: GraphQLSchema): string {
  return `${printSchemaWithDirectives(lexicographicSortSchema(schema)).trim()}\n`;
}

/** The introspection result committed beside the SDL, for tools that read JSON. */
export function introspectLabgateSchema(schema: GraphQLSchema): IntrospectionQuery {
  return introspectionFromSchema(lexicographicSortSchema(schema), { descriptions: true });
}
