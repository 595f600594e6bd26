import { Arg, Ctx, Field, ID, InputType, Mutation, ObjectType, Resolver } from 'type-graphql';
import { Authorize } from '../../graphql/authorization';
import { GranularScope } from '../../graphql/granular-directive';
import { projectSettings } from './project-settings.data';
import { ProjectType } from './project.types';
import { WriteScopes } from '../../auth/scope-directive';
import type { RequestContext } from '../../core/context';
import { ProjectIDScalar } from '../../graphql/global-id';
import { type GlobalId } from '../../core/global-id';
import { MutationInput, MutationPayload, mutationPayload } from '../../graphql/mutation';

@InputType('StarProjectInput')
export class StarProjectInput extends MutationInput {
  @Field(() => ProjectIDScalar, { description: 'Global ID of the project to star or unstar.' })
  projectId!: GlobalId;

  @Field({ description: 'True to star the project, false to unstar it.' })
  starred!: boolean;
}

@ObjectType('StarProjectPayload')
export class StarProjectPayload extends MutationPayload {
  @Field(() => String, { description: 'Number of stars of the project after the change.' })
  count!: string;
}

/** The stored settings of a project, as `projectSettingsUpdate` answers them. */
@ObjectType('ProjectSetting', { description: 'Stored settings of a project.' })
@Authorize()
export class ProjectSettingType {
  @Field(() => Boolean, { nullable: true, description: 'Whether GitLab Duo features are enabled.' })
  duoFeaturesEnabled!: boolean | null;

  @Field(() => ProjectType, { nullable: true, description: 'The project.' })
  project!: unknown;

  @Field({ description: 'Whether web-based commit signing is enabled.', deprecationReason: '**Status**: Experiment. Introduced in GitLab 18.2.' })
  webBasedCommitSigningEnabled!: boolean;
}

@InputType('ProjectSettingsUpdateInput')
export class ProjectSettingsUpdateInput extends MutationInput {
  @Field(() => ID, { description: 'Full path of the project.' })
  fullPath!: string;

  @Field(() => Boolean, { nullable: true, description: 'Enable or disable GitLab Duo features.' })
  duoFeaturesEnabled?: boolean | null;

  @Field(() => Boolean, {
    nullable: true,
    description: 'Enable or disable web-based commit signing.',
    deprecationReason: '**Status**: Experiment. Introduced in GitLab 18.2.',
  })
  webBasedCommitSigningEnabled?: boolean | null;
}

@ObjectType('ProjectSettingsUpdatePayload')
export class ProjectSettingsUpdatePayload extends MutationPayload {
  @Field(() => ProjectSettingType, { description: 'The settings after the update.' })
  projectSettings!: unknown;
}

@Resolver()
export class ProjectFeaturesResolver {
  @Mutation(() => ProjectSettingsUpdatePayload, { nullable: true, description: "Changes a project's stored settings (Maintainers and above)." })
  @WriteScopes()
  @GranularScope({ permissions: ['update_project'], boundaryArgument: 'input.fullPath' })
  projectSettingsUpdate(@Ctx() ctx: RequestContext, @Arg('input', () => ProjectSettingsUpdateInput) input: ProjectSettingsUpdateInput) {
    return mutationPayload(input, async () => {
      const project = await ctx.services.projectFeatures.updateSettings(ctx, input.fullPath, {
        duoFeaturesEnabled: input.duoFeaturesEnabled ?? undefined,
        webBasedCommitSigningEnabled: input.webBasedCommitSigningEnabled ?? undefined,
      });
      const settings = projectSettings(project.settings);
      return { projectSettings: { duoFeaturesEnabled: settings.duoFeaturesEnabled, webBasedCommitSigningEnabled: settings.webBasedCommitSigningEnabled, project } };
    });
  }

  @Mutation(() => StarProjectPayload, { nullable: true, description: 'Stars or unstars a project for the current user.' })
  @WriteScopes()
  starProject(@Ctx() ctx: RequestContext, @Arg('input', () => StarProjectInput) input: StarProjectInput) {
    return mutationPayload(input, async () => ({ count: String(await ctx.services.projectFeatures.star(ctx, input.projectId.id, input.starred)) }));
  }
}
