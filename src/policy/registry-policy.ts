import type { DeployTokenActor } from '../auth/client-credentials';
import type { RequestContext } from '../core/context';
import { containerRegistryAccessLevel, FEATURE_LEVELS } from '../modules/project/project-settings.data';
import type { Project } from '../modules/project/project.entity';
import { deployTokenAbilitiesOn } from './deploy-token-policy';
import type { ProjectPolicy } from './project-policy';

/** The registry abilities a deploy token can hold on a project. */
export type DeployTokenRegistryAbility = 'read_container_image' | 'create_container_image';

/**
 * What a deploy token may do with a project's images (GitLab's ProjectPolicy with a deploy token as
 * its subject): on a project it reaches, what its `read_registry`/`write_registry` scopes give; on any
 * other, what everyone may (pulling a public project's images). The registry feature applies as for
 * users: disabled gives nothing; private keeps it to members of Reporter and above, which a deploy
 * token never is, so it gives nothing either (inferred from GitLab's `team_access_level`, -1 for
 * anything that is not a user); an archived project takes pushes away.
 *
 * `anonymousCtx` is a request context without a user: its project abilities are what everyone holds.
 */
export async function deployTokenRegistryAbilities(
  anonymousCtx: RequestContext,
  projects: ProjectPolicy,
  token: DeployTokenActor,
  project: Project,
): Promise<ReadonlySet<DeployTokenRegistryAbility>> {
  const can = new Set<DeployTokenRegistryAbility>();
  if (containerRegistryAccessLevel(project.settings) < FEATURE_LEVELS.ENABLED) return can;
  const own = await deployTokenAbilitiesOn(anonymousCtx, token, project);
  if (own.has('read_container_image')) can.add('read_container_image');
  if (own.has('create_container_image') && !project.archived) can.add('create_container_image');
  if ((await projects.abilities(anonymousCtx, project)).has('read_container_image')) can.add('read_container_image');
  return can;
}
