import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { introspectionFromSchema, lexicographicSortSchema, specifiedDirectives, type GraphQLSchema, type IntrospectionQuery } from 'graphql';
import { buildSchema } from 'type-graphql';
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
import { directResolvers, typeNamesAtOnce } from './direct-resolvers';
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
import {
  DeployTokenResolver,
  GroupDeployTokenMutations,
  GroupDeployTokensResolver,
  ProjectDeployTokenMutations,
  ProjectDeployTokensResolver,
} from '../modules/deploy-token/deploy-token.resolver';
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
  DeployTokenResolver,
  ProjectDeployTokensResolver,
  GroupDeployTokensResolver,
  ProjectDeployTokenMutations,
  GroupDeployTokenMutations,
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

/** The SDL committed under `schema/`, directives included, in a stable order. */
export function printLabgateSchema(schema: GraphQLSchema): string {
  return `${printSchemaWithDirectives(lexicographicSortSchema(schema)).trim()}\n`;
}

/** The introspection result committed beside the SDL, for tools that read JSON. */
export function introspectLabgateSchema(schema: GraphQLSchema): IntrospectionQuery {
  return introspectionFromSchema(lexicographicSortSchema(schema), { descriptions: true });
}
