import { MapperKind, mapSchema, printSchemaWithDirectives } from '@graphql-tools/utils';
import {
  introspectionFromSchema,
  lexicographicSortSchema,
  specifiedDirectives,
  type GraphQLFieldConfig,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import { buildSchema } from 'type-graphql';
import { publicDirective, scopeDirective, scopeStep } from '../auth/scope-directive';
import {
  GroupAccessTokenMutations,
  AccessTokenGranularScopeResolver,
  PersonalAccessTokenResolver,
  ProjectAccessTokenMutations,
  ResourceAccessTokenResolver,
} from '../modules/access-token/access-token.resolver';
import { abilityStep, authorizeDirective } from './authorization';
import { deadlineStep } from './deadline';
import { directResolverStep, typeNamesAtOnce } from './direct-resolvers';
import { granularScopeDirective, granularSteps } from './granular-directive';
import { listLimitStep } from './list-arguments';
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
import { GroupLinkResolver } from '../modules/group-link/group-link.resolver';
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
  GroupLinkResolver,
  ...SETTINGS_RESOLVERS,
] as const;

/**
 * The executable schema: type-graphql's build with each field's call decided once (`directResolvers`),
 * the scope directive enforced on every root field,
 * the declared abilities on every type and field that declares one, the request deadline on every
 * field that may query the database, and the cap on the length of every list argument.
 *
 * Each of these is a step applied to every object field in one pass (`mapSchema` rebuilds the whole
 * schema, once per pass: six passes were most of the build's time, which every test file pays). The
 * steps run in the order the passes did, each on the resolver the one before left, so a field's
 * wrappers nest as they did: the deadline outermost, then the granular check, the declared abilities,
 * the scopes, the list cap, and the resolver itself. A step that has nothing to check on a field
 * leaves its resolver as it is.
 */
export async function buildLabgateSchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [...RESOLVERS] as unknown as [Function, ...Function[]],
    // `directives` replaces graphql-js's defaults, so the standard ones (@include, @skip, @deprecated,
    // @specifiedBy, @oneOf) are listed again.
    directives: [...specifiedDirectives, scopeDirective, publicDirective, authorizeDirective, glIntroducedDirective, granularScopeDirective],
    validate: false,
  });
  const granular = granularSteps(schema);
  // Each step says which context its resolvers need; here they are only chained.
  type Step = (config: GraphQLFieldConfig<any, any>, fieldName: string, typeName: string) => GraphQLFieldConfig<any, any>;
  const steps: Step[] = [
    directResolverStep(RESOLVERS as unknown as Function[]),
    listLimitStep(schema),
    scopeStep(schema),
    abilityStep(schema),
    granular.fieldStep,
    deadlineStep(schema),
  ];
  const enforced = mapSchema(schema, {
    [MapperKind.OBJECT_TYPE]: granular.typeStep,
    [MapperKind.OBJECT_FIELD]: (config, fieldName, typeName) => steps.reduce((field, step) => step(field, fieldName, typeName), config),
  });
  return typeNamesAtOnce(enforced);
}

/** The SDL committed under `schema/`, directives included, in a stable order. */
export function printLabgateSchema(schema: GraphQLSchema): string {
  return `${printSchemaWithDirectives(lexicographicSortSchema(schema)).trim()}\n`;
}

/** The introspection result committed beside the SDL, for tools that read JSON. */
export function introspectLabgateSchema(schema: GraphQLSchema): IntrospectionQuery {
  return introspectionFromSchema(lexicographicSortSchema(schema), { descriptions: true });
}
