import { ArgsType, createUnionType, Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Authorize } from '../../graphql/authorization';
import { AccessLevel, MemberAccessLevel, PaginationArgs } from '../../graphql/common.types';
import { GlobalIDScalar, PersonalAccessTokenIDScalar } from '../../graphql/global-id';
import { type GlobalId } from '../../core/global-id';
import { MutationInput, MutationPayload } from '../../graphql/mutation';
import { connectionType } from '../../graphql/pagination';
import { DateScalar, ISO8601DateScalar, TimeScalar } from '../../graphql/scalars';
import { NamespaceType } from '../namespace/namespace.types';
import { UserCore } from '../user/user.types';
import type { GranularAccessKind } from './granular-scope.entity';
import { ACCESS_TOKEN_SORTS, ACCESS_TOKEN_STATES, type AccessTokenSort, type AccessTokenState } from './personal-access-token.service';

/** A GraphQL enum whose values are the names in `values`: the lists are written once, in the service. */
function enumOf<T extends string>(values: readonly T[]): { [K in T]: K } {
  return Object.fromEntries(values.map((v) => [v, v])) as { [K in T]: K };
}

export const AccessTokenSortEnum = enumOf(ACCESS_TOKEN_SORTS);
registerEnumType(AccessTokenSortEnum, { name: 'AccessTokenSort', description: 'Order of access tokens.' });

export const AccessTokenStateEnum = enumOf(ACCESS_TOKEN_STATES);
registerEnumType(AccessTokenStateEnum, {
  name: 'AccessTokenState',
  description: 'Active tokens work; inactive ones are revoked or expired.',
});

export enum AccessTokenGranularScopeAccess {
  ALL_MEMBERSHIPS = 'ALL_MEMBERSHIPS',
  INSTANCE = 'INSTANCE',
  PERSONAL_PROJECTS = 'PERSONAL_PROJECTS',
  SELECTED_MEMBERSHIPS = 'SELECTED_MEMBERSHIPS',
  USER = 'USER',
}
registerEnumType(AccessTokenGranularScopeAccess, {
  name: 'AccessTokenGranularScopeAccess',
  description: 'Where a granular scope of a fine-grained token applies.',
  valuesConfig: {
    ALL_MEMBERSHIPS: { description: 'Every group and project the user is a member of.' },
    INSTANCE: { description: 'Instance-wide resources that belong to no group, project or user.' },
    PERSONAL_PROJECTS: { description: "The projects in the user's personal namespace." },
    SELECTED_MEMBERSHIPS: { description: 'The chosen groups (with their subgroups) and projects, of which the user is a member.' },
    USER: { description: 'Resources of the user themself that belong to no group or project.' },
  },
});

/** The stored access kind of each GraphQL value, and back. */
export const ACCESS_KIND_OF: Record<AccessTokenGranularScopeAccess, GranularAccessKind> = {
  ALL_MEMBERSHIPS: 'all_memberships',
  INSTANCE: 'instance',
  PERSONAL_PROJECTS: 'personal_projects',
  SELECTED_MEMBERSHIPS: 'selected_memberships',
  USER: 'user',
};

export enum PermissionBoundaryEnum {
  GROUP = 'GROUP',
  INSTANCE = 'INSTANCE',
  PROJECT = 'PROJECT',
  USER = 'USER',
}
registerEnumType(PermissionBoundaryEnum, {
  name: 'PermissionBoundary',
  description: 'A kind of resource a permission can be granted on.',
  valuesConfig: {
    GROUP: { description: 'A group.' },
    INSTANCE: { description: 'The instance.' },
    PROJECT: { description: 'A project.' },
    USER: { description: 'A user.' },
  },
});

@ObjectType('AccessTokenPermission', { description: 'A permission a fine-grained token can hold.' })
@Authorize()
export class AccessTokenPermission {
  @Field({ description: 'What the permission lets the token do, such as `read` or `update`.' })
  action!: string;

  @Field(() => [PermissionBoundaryEnum], { description: 'Kinds of resource the permission can be granted on.' })
  boundaries!: PermissionBoundaryEnum[];

  @Field({ description: 'Category of the permission, such as `projects`.' })
  category!: string;

  @Field({ description: 'Display name of the category.' })
  categoryName!: string;

  @Field({ description: 'What the permission grants.' })
  description!: string;

  @Field({ description: 'Name of the permission, such as `read_project`: what a granular scope lists.' })
  name!: string;

  @Field({ description: 'Resource the permission is about, such as `project`.' })
  resource!: string;

  @Field({ description: 'What the permissions of this resource grant together.' })
  resourceDescription!: string;

  @Field({ description: 'Display name of the resource.' })
  resourceName!: string;
}

/** A granular scope of a token, as `PersonalAccessToken.scopes` answers it. */
export interface GranularScopeValue {
  access: AccessTokenGranularScopeAccess;
  namespaceId: number | null;
  projectId: number | null;
  permissions: string[];
}

@ObjectType('AccessTokenGranularScope', { description: 'A granular scope of a fine-grained token: where it applies and what it allows there.' })
@Authorize()
export class AccessTokenGranularScope {
  @Field(() => AccessTokenGranularScopeAccess, { description: 'Where the scope applies.' })
  access!: AccessTokenGranularScopeAccess;

  @Field(() => NamespaceType, {
    nullable: true,
    description: 'The group or personal namespace the scope applies to (for one project: its namespace); null for the kinds that name none.',
  })
  namespace!: unknown;

  @Field(() => [AccessTokenPermission], { nullable: true, description: 'Permissions the scope holds.' })
  permissions!: AccessTokenPermission[];
}

@ObjectType('AccessTokenLegacyScope', { description: 'A classic token scope, such as `api` or `read_repository`.' })
@Authorize()
export class AccessTokenLegacyScope {
  @Field({ description: 'Name of the scope.' })
  value!: string;
}

export const PersonalAccessTokenScope = createUnionType({
  name: 'PersonalAccessTokenScope',
  description: 'A scope of a personal access token.',
  types: () => [AccessTokenGranularScope, AccessTokenLegacyScope] as const,
  resolveType: (value) => ('access' in (value as object) ? 'AccessTokenGranularScope' : 'AccessTokenLegacyScope'),
});

@ObjectType('PersonalAccessToken', { description: 'A personal access token. Its secret is never shown again after creation.' })
@Authorize('read_user_personal_access_tokens')
export class PersonalAccessTokenType {
  @Field({ description: 'Whether the token works: neither revoked nor expired.' })
  active!: boolean;

  @Field(() => TimeScalar, { description: 'When the token was created.' })
  createdAt!: Date;

  @Field(() => String, { nullable: true, description: 'Description of the token.' })
  description!: string | null;

  @Field(() => DateScalar, { nullable: true, description: 'The token stops working at 00:00 UTC on this date.' })
  expiresAt!: string | null;

  @Field({ description: 'Whether the token is fine-grained: its scopes are granular scopes.' })
  granular!: boolean;

  @Field(() => ID, { description: 'Global ID of the token.' })
  id!: string;

  @Field(() => TimeScalar, { nullable: true, description: 'Last time the token was used (updated at most every ten minutes).' })
  lastUsedAt!: Date | null;

  @Field(() => [String], { description: 'The last few distinct addresses the token was used from (recorded with `lastUsedAt`), oldest first.' })
  lastUsedIps!: string[];

  @Field({ description: 'Name of the token.' })
  name!: string;

  @Field({ description: 'Whether the token was revoked.' })
  revoked!: boolean;

  @Field(() => [PersonalAccessTokenScope], { description: 'Scopes of the token: classic scopes, or the granular scopes of a fine-grained token.' })
  scopes!: Array<AccessTokenLegacyScope | GranularScopeValue>;
}

export const PersonalAccessTokenConnection = connectionType('PersonalAccessToken', () => PersonalAccessTokenType, { count: true });

@ArgsType()
export class TokenFilterArgs extends PaginationArgs {
  @Field(() => AccessTokenSortEnum, { nullable: true, description: 'Sort order. Default `EXPIRES_ASC`.' })
  sort?: AccessTokenSort | null;

  @Field(() => AccessTokenStateEnum, { nullable: true, description: 'Only active, or only inactive (revoked or expired) tokens.' })
  state?: AccessTokenState | null;
}

@ArgsType()
export class PersonalAccessTokensArgs extends TokenFilterArgs {
  @Field(() => TimeScalar, { nullable: true, description: 'Only tokens created after this time.' })
  createdAfter?: Date | null;

  @Field(() => DateScalar, { nullable: true, description: 'Only tokens expiring after this date.' })
  expiresAfter?: string | null;

  @Field(() => TimeScalar, { nullable: true, description: 'Only tokens used after this time.' })
  lastUsedAfter?: Date | null;

  @Field(() => Boolean, { nullable: true, description: 'Only revoked (or only unrevoked) tokens.' })
  revoked?: boolean | null;

  @Field(() => TimeScalar, { nullable: true, description: 'Only tokens created before this time.' })
  createdBefore?: Date | null;

  @Field(() => DateScalar, { nullable: true, description: 'Only tokens expiring before this date.' })
  expiresBefore?: string | null;

  @Field(() => TimeScalar, { nullable: true, description: 'Only tokens last used before this time.' })
  lastUsedBefore?: Date | null;

  @Field(() => String, { nullable: true, description: 'Only tokens whose name contains this text.' })
  search?: string | null;
}

@Authorize('read_resource_access_tokens')
@ObjectType('ResourceAccessToken', {
  description: 'A project or group access token: a token of a bot user that is a member of the project or group.',
})
export class ResourceAccessTokenType {
  @Field(() => PersonalAccessTokenIDScalar, { description: 'Global ID of the token.' })
  id!: unknown;

  @Field({ description: 'Name of the token (and of its bot user).' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Description of the token.' })
  description!: string | null;

  @Field(() => [String], { description: 'Scopes of the token.' })
  scopes!: string[];

  @Field(() => AccessLevel, { description: "Role of the token's bot user on the project or group." })
  accessLevel!: AccessLevel;

  @Field({ description: 'Whether the token works: neither revoked nor expired.' })
  active!: boolean;

  @Field({ description: 'Whether the token was revoked.' })
  revoked!: boolean;

  @Field(() => TimeScalar, { description: 'When the token was created.' })
  createdAt!: Date;

  @Field(() => DateScalar, { nullable: true, description: 'The token stops working at 00:00 UTC on this date.' })
  expiresAt!: string | null;

  @Field(() => TimeScalar, { nullable: true, description: 'Last time the token was used (updated at most every ten minutes).' })
  lastUsedAt!: Date | null;

  @Field(() => UserCore, { nullable: true, description: 'The bot user behind the token.' })
  user!: unknown;
}

export const ResourceAccessTokenConnection = connectionType('ResourceAccessToken', () => ResourceAccessTokenType, { count: true });

// ---------------------------------------------------------------------------------------------
// Mutations

@InputType('GranularScopeInput', { description: 'A granular scope of a new fine-grained token.' })
export class GranularScopeInput {
  @Field(() => [String], { description: 'Names of the permissions the scope holds (see `Query.accessTokenPermissions`).' })
  permissions!: string[];

  @Field(() => AccessTokenGranularScopeAccess, { description: 'Where the scope applies.' })
  access!: AccessTokenGranularScopeAccess;

  @Field(() => [GlobalIDScalar], { nullable: true, description: 'For `SELECTED_MEMBERSHIPS`: the groups and projects, one scope each.' })
  resourceIds?: GlobalId[] | null;
}

@InputType('PersonalAccessTokenCreateInput')
export class PersonalAccessTokenCreateInput extends MutationInput {
  @Field({ description: 'Name of the token.' })
  name!: string;

  @Field(() => String, { nullable: true, description: 'Description of the token.' })
  description?: string | null;

  @Field(() => ISO8601DateScalar, { nullable: true, description: 'Expiry date. Default: a year from today.' })
  expiresAt?: string | null;

  @Field(() => [String], { nullable: true, description: 'Scopes of the token, such as `api` or `read_repository`.' })
  scopes?: string[] | null;

  @Field(() => [GranularScopeInput], {
    nullable: true,
    description: 'Granular scopes: the token is then fine-grained (give these or `scopes`, not both).',
  })
  granularScopes?: GranularScopeInput[] | null;
}

@ObjectType('PersonalAccessTokenCreatePayload')
export class PersonalAccessTokenCreatePayload extends MutationPayload {
  @Field(() => String, { nullable: true, description: 'The secret of the new token, shown only this once.' })
  token?: string | null;
}

@InputType('PersonalAccessTokenRevokeInput')
export class PersonalAccessTokenRevokeInput extends MutationInput {
  @Field(() => PersonalAccessTokenIDScalar, { description: 'Global ID of the token.' })
  id!: GlobalId;
}

@ObjectType('PersonalAccessTokenRevokePayload')
export class PersonalAccessTokenRevokePayload extends MutationPayload {}

@InputType('PersonalAccessTokenRotateInput')
export class PersonalAccessTokenRotateInput extends MutationInput {
  @Field(() => PersonalAccessTokenIDScalar, { description: 'Global ID of the token.' })
  id!: GlobalId;

  @Field(() => ISO8601DateScalar, {
    nullable: true,
    description: 'Expiry of the new token. Default: the expiry date of the token being rotated; for a token without one, a week from today (never where the instance does not require expiry).',
  })
  expiresAt?: string | null;
}

@ObjectType('PersonalAccessTokenRotatePayload')
export class PersonalAccessTokenRotatePayload extends MutationPayload {
  @Field(() => String, { nullable: true, description: 'The secret of the new token, shown only this once.' })
  token?: string | null;
}

function resourceTokenInputs(resource: 'Project' | 'Group') {
  const pathField = resource === 'Project' ? 'projectPath' : 'groupPath';
  const what = resource.toLowerCase();

  @InputType(`${resource}AccessTokenCreateInput`)
  class CreateInput extends MutationInput {
    @Field({ description: 'Name of the token and of its bot user.' })
    name!: string;

    @Field(() => String, { nullable: true, description: 'Description of the token.' })
    description?: string | null;

    @Field(() => [String], { description: 'Scopes of the token, such as `api` or `read_repository`.' })
    scopes!: string[];

    @Field(() => MemberAccessLevel, { nullable: true, description: `Role of the bot user on the ${what}. Default \`MAINTAINER\`.` })
    accessLevel?: MemberAccessLevel | null;

    @Field(() => ISO8601DateScalar, { nullable: true, description: 'Expiry date. Default: a year from today.' })
    expiresAt?: string | null;
  }

  @InputType(`${resource}AccessTokenRevokeInput`)
  class RevokeInput extends MutationInput {
    @Field(() => PersonalAccessTokenIDScalar, { description: 'Global ID of the token.' })
    id!: GlobalId;
  }

  @InputType(`${resource}AccessTokenRotateInput`)
  class RotateInput extends MutationInput {
    @Field(() => PersonalAccessTokenIDScalar, { description: 'Global ID of the token.' })
    id!: GlobalId;

    @Field(() => ISO8601DateScalar, { nullable: true, description: 'Expiry of the new token. Default: a week from today.' })
    expiresAt?: string | null;
  }

  // The path field is named after the resource (`projectPath`, `groupPath`), so it is declared here.
  for (const cls of [CreateInput, RevokeInput, RotateInput]) {
    Field(() => ID, { description: `Full path of the ${what}.` })(cls.prototype, pathField);
  }
  const pathOf = (input: object): string => (input as Record<string, string>)[pathField];

  @ObjectType(`${resource}AccessTokenCreatePayload`)
  class CreatePayload extends MutationPayload {
    @Field(() => ResourceAccessTokenType, { nullable: true, description: 'The new token.' })
    accessToken?: unknown;

    @Field(() => String, { nullable: true, description: 'The secret of the new token, shown only this once.' })
    token?: string | null;
  }

  @ObjectType(`${resource}AccessTokenRevokePayload`)
  class RevokePayload extends MutationPayload {
    @Field(() => ResourceAccessTokenType, { nullable: true, description: 'The revoked token.' })
    accessToken?: unknown;
  }

  @ObjectType(`${resource}AccessTokenRotatePayload`)
  class RotatePayload extends MutationPayload {
    @Field(() => ResourceAccessTokenType, { nullable: true, description: 'The new token that replaces the rotated one.' })
    accessToken?: unknown;

    @Field(() => String, { nullable: true, description: 'The secret of the new token, shown only this once.' })
    token?: string | null;
  }

  return { CreateInput, RevokeInput, RotateInput, CreatePayload, RevokePayload, RotatePayload, pathOf };
}

export const ProjectAccessTokenTypes = resourceTokenInputs('Project');
export const GroupAccessTokenTypes = resourceTokenInputs('Group');
