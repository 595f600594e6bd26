import { ArgsType, createUnionType, Field, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { Authorize } from '../../graphql/authorization';
import { AccessLevel, MemberAccessLevel, PaginationArgs } from '../../graphql/common.types';
import { GlobalIDScalar, PersonalAccessTokenIDScalar, type GlobalId } from '../../graphql/global-id';
import { MutationInput, MutationPayload } from '../../graphql/mutation';
import { connectionType } from '../../graphql/pagination';
import { DateScalar, ISO8601DateScalar, TimeScalar } from '../../graphql/scalars';
import { UserCore } from '../user/user.types';
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
  description: 'Reach of a fine-grained scope (accepted in input; Labgate does not issue fine-grained tokens yet).',
});

@ObjectType('AccessTokenLegacyScope', { description: 'A classic token scope, such as `api` or `read_repository`.' })
@Authorize()
export class AccessTokenLegacyScope {
  @Field({ description: 'Name of the scope.' })
  value!: string;
}

export const PersonalAccessTokenScope = createUnionType({
  name: 'PersonalAccessTokenScope',
  description: 'A scope of a personal access token.',
  types: () => [AccessTokenLegacyScope] as const,
  resolveType: () => 'AccessTokenLegacyScope',
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

  @Field({ description: 'Whether the token has fine-grained scopes (never, in Labgate).' })
  granular!: boolean;

  @Field(() => ID, { description: 'Global ID of the token.' })
  id!: string;

  @Field(() => TimeScalar, { nullable: true, description: 'Last time the token was used (updated at most every ten minutes).' })
  lastUsedAt!: Date | null;

  @Field({ description: 'Name of the token.' })
  name!: string;

  @Field({ description: 'Whether the token was revoked.' })
  revoked!: boolean;

  @Field(() => [PersonalAccessTokenScope], { description: 'Scopes of the token.' })
  scopes!: AccessTokenLegacyScope[];
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

@InputType('GranularScopeInput', { description: 'A fine-grained scope (GitLab input shape; not supported by Labgate yet).' })
export class GranularScopeInput {
  @Field(() => [String])
  permissions!: string[];

  @Field(() => AccessTokenGranularScopeAccess)
  access!: AccessTokenGranularScopeAccess;

  @Field(() => [GlobalIDScalar], { nullable: true })
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

  @Field(() => [GranularScopeInput], { nullable: true, description: 'Fine-grained scopes: refused until Labgate supports them.' })
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
