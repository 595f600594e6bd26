import { Arg, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { RotateScopes, WriteScopes } from '../../auth/scope-directive';
import { AccessLevel } from '../../graphql/common.types';
import type { RequestContext } from '../../graphql/context';
import { ResourceNotAvailableError, ServiceError } from '../../graphql/errors';
import { MODELS, toGlobalId, type GlobalId } from '../../graphql/global-id';
import { mutationPayload } from '../../graphql/mutation';
import type { User } from '../user/user.entity';
import {
  AccessTokenLegacyScope,
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
import { isTokenActive, type PersonalAccessToken } from './personal-access-token.entity';

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

  @FieldResolver()
  granular(): boolean {
    return false;
  }

  @FieldResolver()
  scopes(@Root() token: PersonalAccessToken): AccessTokenLegacyScope[] {
    return token.scopes.map((value) => ({ value }));
  }

  @Mutation(() => PersonalAccessTokenCreatePayload, { nullable: true, description: 'Creates a personal access token for the current user.' })
  @WriteScopes()
  personalAccessTokenCreate(@Ctx() ctx: RequestContext, @Arg('input', () => PersonalAccessTokenCreateInput) input: PersonalAccessTokenCreateInput) {
    return mutationPayload(input, async () => {
      if (!ctx.user) throw new ResourceNotAvailableError();
      if (input.granularScopes?.length) {
        throw new ServiceError('Fine-grained personal access tokens are not supported yet: give `scopes` instead of `granularScopes`');
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
  personalAccessTokenRotate(@Ctx() ctx: RequestContext, @Arg('input', () => PersonalAccessTokenRotateInput) input: PersonalAccessTokenRotateInput) {
    return mutationPayload(input, async () => {
      const issued = await ctx.services.tokens.rotatePersonal(ctx, input.id.id, input.expiresAt, { keepExpiry: true });
      return { token: issued.secret };
    });
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
