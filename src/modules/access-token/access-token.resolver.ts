import { Arg, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ASSIGNABLE_PERMISSIONS, CATEGORY_NAMES, RESOURCE_DESCRIPTIONS, titleize } from '../../auth/granular-permissions';
import { ReadScopes, RotateScopes, WriteScopes } from '../../auth/scope-directive';
import { GranularScope } from '../../graphql/granular-directive';
import { AccessLevel } from '../../graphql/common.types';
import type { RequestContext } from '../../core/context';
import { ResourceNotAvailableError, ServiceError } from '../../core/errors';
import { isRecordId, MODELS, toGlobalId, type GlobalId } from '../../core/global-id';
import { mutationPayload } from '../../graphql/mutation';
import type { Namespace } from '../namespace/namespace.entity';
import type { User } from '../user/user.entity';
import {
  ACCESS_KIND_OF,
  AccessTokenGranularScope,
  AccessTokenGranularScopeAccess,
  AccessTokenLegacyScope,
  AccessTokenPermission,
  GranularScopeInput,
  type GranularScopeValue,
  PermissionBoundaryEnum,
  GroupAccessTokenTypes,
  PersonalAccessTokenCreateInput,
  PersonalAccessTokenCreatePayload,
  PersonalAccessTokenRevokeInput,
  PersonalAccessTokenRevokePayload,
  PersonalAccessTokenRotateInput,
  PersonalAccessTokenRotatePayload,
  PersonalAccessTokenType,
  ProjectAccessTokenTypes,
  ResourceAccessTokenType,
} from './access-token.types';
import { accessKindOf, type GranularAccessKind } from './granular-scope.entity';
import { isTokenActive, type PersonalAccessToken } from './personal-access-token.entity';
import type { GranularScopeRequest } from './personal-access-token.service';

@Resolver(() => PersonalAccessTokenType)
export class PersonalAccessTokenResolver {
  @FieldResolver()
  id(@Root() token: PersonalAccessToken): string {
    return toGlobalId(MODELS.personalAccessToken, token.id);
  }

  @FieldResolver()
  active(@Root() token: PersonalAccessToken, @Ctx() ctx: RequestContext): boolean {
    return isTokenActive(token, ctx.today());
  }

  @FieldResolver(() => [String])
  lastUsedIps(@Root() token: PersonalAccessToken, @Ctx() ctx: RequestContext): Promise<string[]> {
    return ctx.services.tokens.lastUsedIps(ctx, token.id);
  }

  @FieldResolver()
  granular(@Root() token: PersonalAccessToken): boolean {
    return token.granular === true;
  }

  @FieldResolver()
  async scopes(@Root() token: PersonalAccessToken, @Ctx() ctx: RequestContext): Promise<Array<AccessTokenLegacyScope | GranularScopeValue>> {
    if (!token.granular) return token.scopes.map((value) => ({ value }));
    const scopes = await ctx.loaders.granularScopes.load(token.id);
    return scopes.map((scope) => ({
      access: GRAPHQL_ACCESS_OF[accessKindOf(scope)],
      namespaceId: scope.namespaceId,
      projectId: scope.projectId,
      permissions: scope.permissions,
    }));
  }

  @Query(() => [AccessTokenPermission], { description: 'The permissions a fine-grained access token can hold, by category.' })
  @ReadScopes()
  // The catalogue says nothing about any resource: open to fine-grained tokens too.
  @GranularScope({ permissions: [] })
  accessTokenPermissions(@Ctx() ctx: RequestContext): AccessTokenPermission[] {
    if (!ctx.app.config.fineGrainedTokens) throw new ResourceNotAvailableError();
    return PERMISSION_RECORDS;
  }

  @Mutation(() => PersonalAccessTokenCreatePayload, { nullable: true, description: 'Creates a personal access token for the current user.' })
  @WriteScopes()
  @GranularScope({ permissions: ['create_user_personal_access_token'], boundary: 'user' })
  personalAccessTokenCreate(@Ctx() ctx: RequestContext, @Arg('input', () => PersonalAccessTokenCreateInput) input: PersonalAccessTokenCreateInput) {
    return mutationPayload(input, async () => {
      if (!ctx.user) throw new ResourceNotAvailableError();
      if (input.granularScopes) {
        if (input.scopes?.length) throw new ServiceError('Give either scopes or granular scopes, not both');
        const issued = await ctx.services.tokens.createGranular(ctx, ctx.user, {
          name: input.name,
          description: input.description,
          expiresAt: input.expiresAt,
          granularScopes: await Promise.all(input.granularScopes.map((scope) => granularScopeRequest(ctx, scope))),
        });
        return { token: issued.secret };
      }
      const issued = await ctx.services.tokens.createPersonal(ctx, ctx.user, {
        name: input.name,
        description: input.description,
        scopes: input.scopes ?? [],
        expiresAt: input.expiresAt,
      });
      return { token: issued.secret };
    });
  }

  @Mutation(() => PersonalAccessTokenRevokePayload, { nullable: true, description: 'Revokes one of your personal access tokens.' })
  @WriteScopes()
  @GranularScope({ permissions: ['revoke_personal_access_token'], boundary: 'user' })
  personalAccessTokenRevoke(@Ctx() ctx: RequestContext, @Arg('input', () => PersonalAccessTokenRevokeInput) input: PersonalAccessTokenRevokeInput) {
    return mutationPayload(input, async () => {
      await ctx.services.tokens.revokePersonal(ctx, input.id.id);
      return {};
    });
  }

  @Mutation(() => PersonalAccessTokenRotatePayload, {
    nullable: true,
    description: 'Replaces a personal access token by a new one with the same name, scopes and description, and revokes the old one.',
  })
  @RotateScopes()
  @GranularScope({ permissions: ['rotate_personal_access_token'], boundary: 'user' })
  personalAccessTokenRotate(@Ctx() ctx: RequestContext, @Arg('input', () => PersonalAccessTokenRotateInput) input: PersonalAccessTokenRotateInput) {
    return mutationPayload(input, async () => {
      const issued = await ctx.services.tokens.rotatePersonal(ctx, input.id.id, input.expiresAt, { keepExpiry: true });
      return { token: issued.secret };
    });
  }
}

/** `Query.accessTokenPermissions`: the catalogue, by category, made once. */
const PERMISSION_RECORDS: AccessTokenPermission[] = [...ASSIGNABLE_PERMISSIONS]
  .sort((a, b) => a.category.localeCompare(b.category) || a.resource.localeCompare(b.resource) || a.action.localeCompare(b.action))
  .map((perm) => ({
    name: perm.name,
    description: perm.description,
    action: perm.action,
    resource: perm.resource,
    resourceName: titleize(perm.resource),
    resourceDescription: RESOURCE_DESCRIPTIONS[perm.resource] ?? '',
    category: perm.category,
    categoryName: CATEGORY_NAMES[perm.category] ?? titleize(perm.category),
    boundaries: perm.boundaries.map((b) => b.toUpperCase() as PermissionBoundaryEnum),
  }));
const PERMISSION_RECORD_BY_NAME = new Map(PERMISSION_RECORDS.map((record) => [record.name, record]));

const GRAPHQL_ACCESS_OF = Object.fromEntries(Object.entries(ACCESS_KIND_OF).map(([gql, kind]) => [kind, gql])) as Record<
  GranularAccessKind,
  AccessTokenGranularScopeAccess
>;

/**
 * A `GranularScopeInput` with its groups and projects loaded: ids of other kinds, and ids that load
 * nothing, are left out, as GitLab does. Whether the user may choose them is the service's question.
 */
async function granularScopeRequest(ctx: RequestContext, input: GranularScopeInput): Promise<GranularScopeRequest> {
  const access = ACCESS_KIND_OF[input.access];
  const resources: NonNullable<GranularScopeRequest['resources']>[number][] = [];
  if (access === 'selected_memberships') {
    for (const gid of input.resourceIds ?? []) {
      if (!isRecordId(gid.id)) continue;
      if (gid.model === MODELS.project) {
        const project = await ctx.loaders.projects.load(gid.id);
        if (project) resources.push({ kind: 'project', project });
      } else if (gid.model === MODELS.group) {
        const group = await ctx.loaders.namespaces.load(gid.id);
        if (group && group.type === 'Group') resources.push({ kind: 'group', group });
      }
    }
  }
  return { access, permissions: input.permissions, resources };
}

@Resolver(() => AccessTokenGranularScope)
export class AccessTokenGranularScopeResolver {
  /** The scope's namespace; for a single project (GitLab: its project namespace), the namespace it is in. */
  @FieldResolver()
  async namespace(@Root() scope: GranularScopeValue, @Ctx() ctx: RequestContext): Promise<Namespace | null> {
    if (scope.namespaceId !== null) return ctx.loaders.namespaces.load(scope.namespaceId);
    if (scope.projectId === null) return null;
    const project = await ctx.loaders.projects.load(scope.projectId);
    return project ? ctx.loaders.namespaces.load(project.namespaceId) : null;
  }

  /** Unknown names are left out, as GitLab does. */
  @FieldResolver()
  permissions(@Root() scope: GranularScopeValue): AccessTokenPermission[] {
    return scope.permissions.flatMap((name) => PERMISSION_RECORD_BY_NAME.get(name) ?? []);
  }
}

@Resolver(() => ResourceAccessTokenType)
export class ResourceAccessTokenResolver {
  @FieldResolver()
  id(@Root() token: PersonalAccessToken): GlobalId {
    return { model: MODELS.personalAccessToken, id: token.id };
  }

  @FieldResolver()
  active(@Root() token: PersonalAccessToken, @Ctx() ctx: RequestContext): boolean {
    return isTokenActive(token, ctx.today());
  }

  @FieldResolver()
  async accessLevel(@Root() token: PersonalAccessToken, @Ctx() ctx: RequestContext): Promise<AccessLevel> {
    const membership = await ctx.loaders.botMembership.load(token.userId);
    return AccessLevel.of(membership?.accessLevel ?? 0);
  }

  @FieldResolver()
  user(@Root() token: PersonalAccessToken, @Ctx() ctx: RequestContext): Promise<User | null> {
    return ctx.loaders.users.load(token.userId);
  }
}

type ResourceTypes = typeof ProjectAccessTokenTypes;

/** The three mutations of one kind of resource token, named after the resource as GitLab would. */
function resourceTokenMutations(kind: 'project' | 'group', types: ResourceTypes) {
  const { CreateInput, CreatePayload, RevokeInput, RevokePayload, RotateInput, RotatePayload, pathOf } = types;
  const label = kind === 'project' ? 'project' : 'group';

  @Resolver()
  class ResourceTokenMutations {
    @Mutation(() => CreatePayload, {
      name: `${kind}AccessTokenCreate`,
      nullable: true,
      description: `Creates a ${label} access token and its bot user, a member of the ${label} with the token's role.`,
    })
    @WriteScopes()
    create(@Ctx() ctx: RequestContext, @Arg('input', () => CreateInput) input: InstanceType<typeof CreateInput>) {
      return mutationPayload(input, async () => {
        const resource = await ctx.services.resourceTokens.findResource(ctx, kind, pathOf(input));
        const issued = await ctx.services.resourceTokens.create(ctx, resource, {
          name: input.name,
          description: input.description,
          scopes: input.scopes,
          accessLevel: input.accessLevel,
          expiresAt: input.expiresAt,
        });
        return { accessToken: issued.token, token: issued.secret };
      });
    }

    @Mutation(() => RevokePayload, {
      name: `${kind}AccessTokenRevoke`,
      nullable: true,
      description: `Revokes a ${label} access token. Its bot user stays until \`labgate cleanup\`.`,
    })
    @WriteScopes()
    revoke(@Ctx() ctx: RequestContext, @Arg('input', () => RevokeInput) input: InstanceType<typeof RevokeInput>) {
      return mutationPayload(input, async () => {
        const resource = await ctx.services.resourceTokens.findResource(ctx, kind, pathOf(input));
        return { accessToken: await ctx.services.resourceTokens.revoke(ctx, resource, input.id.id) };
      });
    }

    @Mutation(() => RotatePayload, {
      name: `${kind}AccessTokenRotate`,
      nullable: true,
      description: `Replaces a ${label} access token by a new one for the same bot user, and revokes the old one.`,
    })
    @RotateScopes()
    rotate(@Ctx() ctx: RequestContext, @Arg('input', () => RotateInput) input: InstanceType<typeof RotateInput>) {
      return mutationPayload(input, async () => {
        const resource = await ctx.services.resourceTokens.findResource(ctx, kind, pathOf(input));
        const issued = await ctx.services.resourceTokens.rotate(ctx, resource, input.id.id, input.expiresAt);
        return { accessToken: issued.token, token: issued.secret };
      });
    }
  }
  return ResourceTokenMutations;
}

export const ProjectAccessTokenMutations = resourceTokenMutations('project', ProjectAccessTokenTypes);
export const GroupAccessTokenMutations = resourceTokenMutations('group', GroupAccessTokenTypes);
