import { toGlobalId, MODELS } from '../core/global-id';
import type { RequestContext } from '../core/context';
import { humanAccess } from '../policy/access-level';
import { visibilityName } from '../policy/visibility';
import { isTokenActive, type PersonalAccessToken } from '../modules/access-token/personal-access-token.entity';
import { deployTokenUsername, isDeployTokenActive, isDeployTokenExpired, type DeployToken } from '../modules/deploy-token/deploy-token.entity';
import type { Member } from '../modules/member/member.entity';
import type { Namespace } from '../modules/namespace/namespace.entity';
import type { Project } from '../modules/project/project.entity';
import type { User } from '../modules/user/user.entity';

/** The JSON the `labgate` command prints for each kind of record: numeric `id` and GitLab `gid`. */

export function userRecord(user: User) {
  return {
    id: user.id,
    gid: toGlobalId(MODELS.user, user.id),
    username: user.username,
    name: user.name,
    email: user.email,
    admin: user.admin,
    state: user.state,
    user_type: user.userType,
    external: user.external,
    created_at: user.createdAt.toISOString(),
  };
}

export function groupRecord(group: Namespace) {
  return {
    id: group.id,
    gid: toGlobalId(MODELS.group, group.id),
    name: group.name,
    path: group.path,
    full_path: group.fullPath,
    full_name: group.fullName,
    parent_id: group.parentId,
    visibility: visibilityName(group.visibilityLevel),
    description: group.description,
    resource_access_token_creation_allowed: group.resourceAccessTokenCreationAllowed,
    plan: group.plan,
    trial: group.trial,
    created_at: group.createdAt.toISOString(),
  };
}

export function projectRecord(project: Project, namespace: Namespace) {
  return {
    id: project.id,
    gid: toGlobalId(MODELS.project, project.id),
    name: project.name,
    path: project.path,
    full_path: project.fullPath,
    namespace: namespace.fullPath,
    namespace_id: namespace.id,
    visibility: visibilityName(project.visibilityLevel),
    description: project.description,
    archived: project.archived,
    created_at: project.createdAt.toISOString(),
  };
}

export function memberRecord(member: Member, user: User, sourcePath: string) {
  return {
    id: member.id,
    gid: toGlobalId(member.sourceType === 'Project' ? MODELS.projectMember : MODELS.groupMember, member.id),
    source_type: member.sourceType === 'Project' ? 'project' : 'group',
    source: sourcePath,
    user_id: user.id,
    username: user.username,
    access_level: member.accessLevel,
    access_level_name: humanAccess(member.accessLevel),
    expires_at: member.expiresAt,
  };
}

/** A deploy token as GitLab's REST API shows it, with its holder; `token` (the secret) only right after create. */
export function deployTokenRecord(ctx: RequestContext, token: DeployToken, holderPath: string, secret?: string) {
  return {
    id: token.id,
    gid: toGlobalId(MODELS.deployToken, token.id),
    name: token.name,
    username: deployTokenUsername(token),
    scopes: token.scopes,
    ...(token.projectId !== null ? { project: holderPath } : { group: holderPath }),
    expires_at: token.expiresAt ? token.expiresAt.toISOString() : null,
    revoked: token.revoked,
    expired: isDeployTokenExpired(token, ctx.today()),
    active: isDeployTokenActive(token, ctx.now()),
    created_at: token.createdAt.toISOString(),
    ...(secret !== undefined ? { token: secret } : {}),
  };
}

/** A token as GitLab's REST API shows it; `token` (the secret) only right after create or rotate. */
export function tokenRecord(ctx: RequestContext, token: PersonalAccessToken, extra: { secret?: string; accessLevel?: number } = {}) {
  return {
    id: token.id,
    gid: toGlobalId(MODELS.personalAccessToken, token.id),
    name: token.name,
    description: token.description,
    scopes: token.scopes,
    user_id: token.userId,
    active: isTokenActive(token, ctx.today()),
    revoked: token.revoked,
    expires_at: token.expiresAt,
    created_at: token.createdAt.toISOString(),
    last_used_at: token.lastUsedAt ? token.lastUsedAt.toISOString() : null,
    ...(extra.accessLevel !== undefined ? { access_level: extra.accessLevel } : {}),
    ...(extra.secret !== undefined ? { token: extra.secret } : {}),
  };
}
