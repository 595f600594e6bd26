import { Arg, Args, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { WriteScopes } from '../../auth/scope-directive';
import { Authorize } from '../../graphql/authorization';
import type { RequestContext } from '../../core/context';
import { MODELS, type GlobalId } from '../../core/global-id';
import { GranularScope } from '../../graphql/granular-directive';
import { mutationPayload } from '../../graphql/mutation';
import { GroupType } from '../group/group.types';
import type { Namespace } from '../namespace/namespace.entity';
import type { Project } from '../project/project.entity';
import { ProjectType } from '../project/project.types';
import { deployTokenUsername, isDeployTokenActive, isDeployTokenExpired, type DeployToken } from './deploy-token.entity';
import {
  DeployTokenConnection,
  DeployTokenListArgsType,
  DeployTokenType,
  GroupDeployTokenTypes,
  ProjectDeployTokenTypes,
} from './deploy-token.types';

const LIST_DESCRIPTION = (what: string, who: string) =>
  `Deploy tokens of the ${what}, active and inactive, oldest first; null for users who may not manage them (${who}). ` +
  "Not in GitLab's GraphQL API (GitLab lists them over REST, `GET /" + what + 's/:id/deploy_tokens`): a Labgate addition.';

@Resolver(() => DeployTokenType)
export class DeployTokenResolver {
  @FieldResolver()
  id(@Root() token: DeployToken): GlobalId {
    return { model: MODELS.deployToken, id: token.id };
  }

  @FieldResolver()
  username(@Root() token: DeployToken): string {
    return deployTokenUsername(token);
  }

  @FieldResolver()
  expired(@Root() token: DeployToken, @Ctx() ctx: RequestContext): boolean {
    return isDeployTokenExpired(token, ctx.today());
  }

  @FieldResolver()
  active(@Root() token: DeployToken, @Ctx() ctx: RequestContext): boolean {
    return isDeployTokenActive(token, ctx.now());
  }
}

@Resolver(() => ProjectType)
export class ProjectDeployTokensResolver {
  @FieldResolver(() => DeployTokenConnection, { nullable: true, description: LIST_DESCRIPTION('project', 'Maintainers and above can') })
  @Authorize('read_deploy_token')
  deployTokens(@Root() project: Project, @Ctx() ctx: RequestContext, @Args(() => DeployTokenListArgsType) args: DeployTokenListArgsType) {
    return ctx.services.deployTokens.list(ctx, { kind: 'project', project }, args);
  }
}

@Resolver(() => GroupType)
export class GroupDeployTokensResolver {
  @FieldResolver(() => DeployTokenConnection, { nullable: true, description: LIST_DESCRIPTION('group', 'Maintainers and above can') })
  @Authorize('read_deploy_token')
  deployTokens(@Root() group: Namespace, @Ctx() ctx: RequestContext, @Args(() => DeployTokenListArgsType) args: DeployTokenListArgsType) {
    return ctx.services.deployTokens.list(ctx, { kind: 'group', group }, args);
  }
}

type HolderTypes = typeof ProjectDeployTokenTypes;

/** Create and revoke for one kind of holder, named as GitLab would name them. */
function deployTokenMutations(kind: 'project' | 'group', types: HolderTypes) {
  const { CreateInput, CreatePayload, RevokeInput, RevokePayload, pathOf } = types;
  const pathArgument = kind === 'project' ? 'input.projectPath' : 'input.groupPath';
  const who = kind === 'project' ? 'Maintainers and above' : 'Owners';
  const addition = "Not in GitLab's GraphQL API (GitLab manages deploy tokens over REST only): a Labgate addition.";

  @Resolver()
  class DeployTokenMutations {
    @Mutation(() => CreatePayload, {
      name: `${kind}DeployTokenCreate`,
      nullable: true,
      description: `Creates a deploy token of the ${kind} (${who}), as \`POST /${kind}s/:id/deploy_tokens\` does. ${addition}`,
    })
    @WriteScopes()
    @GranularScope({ permissions: ['create_deploy_token'], boundaryArgument: pathArgument })
    create(@Ctx() ctx: RequestContext, @Arg('input', () => CreateInput) input: InstanceType<typeof CreateInput>) {
      return mutationPayload(input, async () => {
        const holder = await ctx.services.deployTokens.findHolder(ctx, kind, pathOf(input));
        const issued = await ctx.services.deployTokens.create(ctx, holder, {
          name: input.name,
          scopes: input.scopes,
          username: input.username,
          expiresAt: input.expiresAt,
        });
        return { deployToken: issued.token, token: issued.secret };
      });
    }

    @Mutation(() => RevokePayload, {
      name: `${kind}DeployTokenRevoke`,
      nullable: true,
      description: `Revokes a deploy token of the ${kind} (${who}): it stops working at once and stays listed, as GitLab's settings page revokes. ${addition}`,
    })
    @WriteScopes()
    @GranularScope({ permissions: ['delete_deploy_token'], boundaryArgument: pathArgument })
    revoke(@Ctx() ctx: RequestContext, @Arg('input', () => RevokeInput) input: InstanceType<typeof RevokeInput>) {
      return mutationPayload(input, async () => {
        const holder = await ctx.services.deployTokens.findHolder(ctx, kind, pathOf(input));
        return { deployToken: await ctx.services.deployTokens.revoke(ctx, holder, input.id.id) };
      });
    }
  }
  return DeployTokenMutations;
}

export const ProjectDeployTokenMutations = deployTokenMutations('project', ProjectDeployTokenTypes);
export const GroupDeployTokenMutations = deployTokenMutations('group', GroupDeployTokenTypes);
