import { granularDenial } from '../auth/granular';
import type { RequestContext } from '../core/context';
import { isTokenActive, type PersonalAccessToken } from '../modules/access-token/personal-access-token.entity';
import { deployTokenUsername, isDeployTokenExpired, type DeployToken } from '../modules/deploy-token/deploy-token.entity';
import type { Member } from '../modules/member/member.entity';
import { isGroup, type Namespace } from '../modules/namespace/namespace.entity';
import { loadProjectNamespace } from '../policy/namespace-of';
import type { Project } from '../modules/project/project.entity';
import { isBot, type User } from '../modules/user/user.entity';
import { PROJECT_CREATION, SUBGROUP_CREATION } from '../policy/group-policy';
import { visibilityName } from '../policy/visibility';
import { PROJECT_PLAIN_SETTINGS, readSetting } from '../modules/settings/plain-settings.data';
import type { VisibleShare } from '../modules/group-link/group-link.loaders';
import { membershipsOf } from '../policy/membership-index';

/**
 * GitLab's REST entities (`lib/api/entities/*.rb`) in snake_case, built from Labgate's records. Fields
 * of areas Labgate does not serve (repositories, CI, issues) carry GitLab's values for an empty
 * instance, so that clients which read them find what they expect.
 */

type Json = Record<string, unknown>;

const iso = (d: Date | null | undefined) => (d ? new Date(d).toISOString() : null);

function webUrl(ctx: RequestContext, path: string): string {
  return `${ctx.app.config.externalUrl}/${path}`;
}

// ---- tokens

/** `PersonalAccessToken` (with `last_used_ips`, for the list and get endpoints, when given). */
export function personalAccessToken(ctx: RequestContext, token: PersonalAccessToken, options: { lastUsedIps?: string[] } = {}): Json {
  const json: Json = {
    id: token.id,
    name: token.name,
    revoked: token.revoked,
    created_at: iso(token.createdAt),
    description: token.description,
    scopes: token.scopes,
    user_id: token.userId,
    last_used_at: iso(token.lastUsedAt),
    active: isTokenActive(token, ctx.today()),
    expires_at: token.expiresAt,
  };
  if (options.lastUsedIps) json.last_used_ips = options.lastUsedIps;
  return json;
}

/** A personal access token with the addresses it was last used from, as the get endpoints answer it. */
export async function personalAccessTokenWithIps(ctx: RequestContext, token: PersonalAccessToken): Promise<Json> {
  return personalAccessToken(ctx, token, { lastUsedIps: await ctx.services.tokens.lastUsedIps(ctx, token.id) });
}

/** A page of serialized tokens given their `last_used_ips` (one statement for the page). */
export async function withLastUsedIps(ctx: RequestContext, page: unknown[]): Promise<unknown[]> {
  const tokens = page as Json[];
  const ips = await Promise.all(tokens.map((t) => ctx.services.tokens.lastUsedIps(ctx, t.id as number)));
  return tokens.map((t, i) => ({ ...t, last_used_ips: ips[i] }));
}

/** `ResourceAccessToken`: the token, its bot's role and the project or group it belongs to. */
export async function resourceAccessToken(ctx: RequestContext, token: PersonalAccessToken): Promise<Json> {
  const membership = await ctx.loaders.botMembership.load(token.userId);
  return {
    ...personalAccessToken(ctx, token),
    access_level: membership?.accessLevel ?? 0,
    resource_type: membership ? (membership.sourceType === 'Project' ? 'project' : 'group') : null,
    resource_id: membership?.sourceId ?? null,
  };
}

export const withSecret = (json: Json, secret: string): Json => ({ ...json, token: secret });

// ---- users

function userState(user: User): string {
  return user.state;
}

/** `UserBasic`: what any viewer sees of a user (a hidden bot's name reads `****`). */
export async function userBasic(ctx: RequestContext, user: User): Promise<Json> {
  return {
    id: user.id,
    username: user.username,
    public_email: user.publicEmail ?? null,
    name: await ctx.services.users.visibleName(ctx, user),
    state: userState(user),
    locked: false,
    avatar_url: ctx.services.users.avatarUrl(user),
    web_url: webUrl(ctx, user.username),
  };
}

/** `User`: the public profile (`GET /users/:id`). */
export async function userProfile(ctx: RequestContext, user: User): Promise<Json> {
  return {
    ...(await userBasic(ctx, user)),
    created_at: iso(user.createdAt),
    bio: user.bio ?? '',
    location: user.location ?? '',
    linkedin: user.linkedin ?? '',
    twitter: user.twitter ?? '',
    discord: user.discord ?? '',
    website_url: '',
    github: user.github ?? '',
    job_title: user.jobTitle ?? '',
    pronouns: user.pronouns ?? null,
    organization: user.organization ?? '',
    bot: isBot(user),
    work_information: user.organization && user.jobTitle ? `${user.jobTitle} at ${user.organization}` : (user.jobTitle || user.organization || null),
    followers: 0,
    following: 0,
    is_followed: false,
    local_time: null,
  };
}

/** What only the user themself and administrators see (`UserPublic`; `UserWithAdmin` adds `is_admin`...). */
export async function userPrivate(ctx: RequestContext, user: User, admin: boolean): Promise<Json> {
  const json: Json = {
    ...(await userProfile(ctx, user)),
    last_sign_in_at: null,
    confirmed_at: iso(user.createdAt),
    last_activity_on: user.lastActivityOn,
    email: user.email,
    theme_id: 1,
    color_scheme_id: 1,
    projects_limit: 100000,
    current_sign_in_at: null,
    identities: [],
    can_create_group: !isBot(user) && !user.external,
    can_create_project: !isBot(user),
    two_factor_enabled: false,
    external: user.external,
    private_profile: false,
    commit_email: user.email,
    preferred_language: 'en',
  };
  if (admin) {
    Object.assign(json, {
      is_admin: user.admin,
      note: null,
      namespace_id: null,
      created_by: user.createdById === null ? null : await createdBy(ctx, user.createdById),
      current_sign_in_ip: null,
      last_sign_in_ip: null,
      sign_in_count: 0,
    });
  }
  return json;
}

async function createdBy(ctx: RequestContext, userId: number): Promise<Json | null> {
  const user = await ctx.loaders.users.load(userId);
  return user ? userBasic(ctx, user) : null;
}

// ---- members

/** `Member`: the member's `UserBasic` fields and the membership's. */
export async function member(ctx: RequestContext, membership: Member): Promise<Json> {
  const user = await ctx.loaders.users.load(membership.userId);
  const json: Json = {
    ...(user ? await userBasic(ctx, user) : { id: membership.userId }),
    access_level: membership.accessLevel,
    created_at: iso(membership.createdAt),
    expires_at: membership.expiresAt,
    membership_state: 'active',
  };
  // GitLab leaves `created_by` out when nobody is recorded.
  if (membership.createdById !== null) {
    const by = await createdBy(ctx, membership.createdById);
    if (by) json.created_by = by;
  }
  return json;
}

// ---- namespaces, projects, groups

function namespaceJson(ctx: RequestContext, ns: Namespace): Json {
  const group = isGroup(ns);
  return {
    id: ns.id,
    name: ns.name,
    path: ns.path,
    kind: group ? 'group' : 'user',
    full_path: ns.fullPath,
    parent_id: ns.parentId,
    avatar_url: null,
    web_url: webUrl(ctx, group ? `groups/${ns.fullPath}` : ns.fullPath),
  };
}

/** `BasicProjectDetails` (anonymous callers, `simple=true`). */
export async function projectBasic(ctx: RequestContext, project: Project): Promise<Json> {
  const ns = await loadProjectNamespace(ctx, project);
  const host = new URL(ctx.app.config.externalUrl).host;
  return {
    id: project.id,
    description: project.description,
    name: project.name,
    name_with_namespace: `${ns.fullName} / ${project.name}`,
    path: project.path,
    path_with_namespace: project.fullPath,
    created_at: iso(project.createdAt),
    // GitLab shows the default branch once the repository has it.
    default_branch: ctx.services.projects.repository(ctx, project).rootRef,
    tag_list: [],
    topics: [],
    ssh_url_to_repo: `git@${host}:${project.fullPath}.git`,
    http_url_to_repo: `${webUrl(ctx, project.fullPath)}.git`,
    web_url: webUrl(ctx, project.fullPath),
    readme_url: null,
    forks_count: 0,
    avatar_url: null,
    star_count: 0,
    last_activity_at: iso(project.lastActivityAt),
    visibility: visibilityName(project.visibilityLevel),
    namespace: (await namespaceReadable(ctx, ns)) ? namespaceJson(ctx, ns) : null,
  };
}

/**
 * The project's `namespace` object is the namespace itself, read as GraphQL's `Project.namespace` is:
 * a fine-grained token needs `read_group` there (on a personal namespace too), else it is null. The
 * project's own `name_with_namespace` and `path_with_namespace` stay, as `nameWithNamespace` and
 * `fullPath` do over GraphQL. Any other token passes at once.
 */
async function namespaceReadable(ctx: RequestContext, ns: Namespace): Promise<boolean> {
  return (await granularDenial(ctx, ['read_group'], [{ kind: 'namespace', namespace: ns }])) === null;
}

/** GitLab's `shared_with_groups` entries, in projects and in `GroupDetail`. */
export function sharedWithGroups(shares: readonly VisibleShare[]): Json[] {
  return shares.map((s) => ({
    group_id: s.groupId,
    group_name: s.groupName,
    group_full_path: s.groupFullPath,
    group_access_level: s.groupAccess,
    expires_at: s.expiresAt,
  }));
}

/** `GroupDetail` without its project lists: the group and the groups it is shared with that the viewer can see. */
export async function groupDetail(ctx: RequestContext, ns: Namespace): Promise<Json> {
  const json = group(ctx, ns);
  json.shared_with_groups = sharedWithGroups(await ctx.loaders.groupShares.load(ns.id));
  if (ns.parentId === null) json.prevent_sharing_groups_outside_hierarchy = ns.preventSharingGroupsOutsideHierarchy;
  return json;
}

/** `ProjectWithAccess` for a signed-in viewer (adds `permissions`), `ProjectDetails` otherwise. */
export async function projectDetails(ctx: RequestContext, project: Project): Promise<Json> {
  const base = await projectBasic(ctx, project);
  const ns = await loadProjectNamespace(ctx, project);
  const links = `${ctx.app.config.externalUrl}/api/v4/projects/${project.id}`;
  const json: Json = {
    ...base,
    updated_at: iso(project.updatedAt),
    creator_id: project.creatorId,
    archived: project.archived,
    marked_for_deletion_on: null,
    empty_repo: ctx.services.projects.repository(ctx, project).empty,
    request_access_enabled: project.requestAccessEnabled,
    ...containerRegistryFields(ctx, project),
    shared_with_groups: sharedWithGroups(await ctx.loaders.projectShares.load(project.id)),
    open_issues_count: 0,
    _links: {
      self: links,
      issues: `${links}/issues`,
      merge_requests: `${links}/merge_requests`,
      repo_branches: `${links}/repository/branches`,
      labels: `${links}/labels`,
      events: `${links}/events`,
      members: `${links}/members`,
      cluster_agents: `${links}/cluster_agents`,
    },
  };
  if (!isGroup(ns) && ns.ownerId !== null) {
    const owner = await ctx.loaders.users.load(ns.ownerId);
    if (owner) json.owner = await userBasic(ctx, owner);
  }
  if (ctx.actor.signedIn) json.permissions = await projectPermissions(ctx, project, ns);
  return json;
}

/**
 * The project's registry: its access level and legacy flag, and where its images go, which GitLab
 * shows only when the instance has a registry (`<registry host>/<full path>`, lower case).
 */
function containerRegistryFields(ctx: RequestContext, project: Project): Json {
  const level = readSetting(PROJECT_PLAIN_SETTINGS, project.settings, 'containerRegistryAccessLevel');
  const fields: Json = { container_registry_enabled: level !== 'disabled', container_registry_access_level: level };
  const registry = ctx.app.config.registryUrl;
  if (registry) fields.container_registry_image_prefix = `${new URL(registry).host}/${project.fullPath.toLowerCase()}`;
  return fields;
}

/** The viewer's own roles: on the project itself, and on the group it sits in (GitLab's `permissions`). */
async function projectPermissions(ctx: RequestContext, project: Project, ns: Namespace): Promise<Json> {
  const memberships = await membershipsOf(ctx);
  const own = memberships.directProjectLevel(project.id);
  const fromGroup = isGroup(ns) ? memberships.namespaceLevel(ns.traversalIds) : 0;
  const access = (level: number) => (level > 0 ? { access_level: level, notification_level: 3 } : null);
  return { project_access: access(own), group_access: access(fromGroup) };
}

const PROJECT_CREATION_NAMES = Object.fromEntries(Object.entries(PROJECT_CREATION).map(([k, v]) => [v, k])) as Record<number, string>;
const SUBGROUP_CREATION_NAMES = Object.fromEntries(Object.entries(SUBGROUP_CREATION).map(([k, v]) => [v, k])) as Record<number, string>;

/** `Group`. */
export function group(ctx: RequestContext, ns: Namespace): Json {
  return {
    id: ns.id,
    web_url: webUrl(ctx, `groups/${ns.fullPath}`),
    name: ns.name,
    path: ns.path,
    description: ns.description ?? '',
    visibility: visibilityName(ns.visibilityLevel),
    share_with_group_lock: ns.shareWithGroupLock,
    require_two_factor_authentication: false,
    two_factor_grace_period: 48,
    project_creation_level: PROJECT_CREATION_NAMES[ns.projectCreationLevel] ?? 'developer',
    auto_devops_enabled: null,
    subgroup_creation_level: SUBGROUP_CREATION_NAMES[ns.subgroupCreationLevel] ?? 'owner',
    emails_disabled: false,
    emails_enabled: true,
    mentions_disabled: null,
    lfs_enabled: true,
    archived: false,
    default_branch: null,
    avatar_url: null,
    request_access_enabled: ns.requestAccessEnabled,
    full_name: ns.fullName,
    full_path: ns.fullPath,
    created_at: iso(ns.createdAt),
    parent_id: ns.parentId,
    shared_runners_setting: 'enabled',
    marked_for_deletion_on: null,
  };
}

// ---- deploy tokens

/** `DeployToken` (never with its secret; `withSecret` adds it to the create answer only). */
export function deployToken(ctx: RequestContext, token: DeployToken): Json {
  return {
    id: token.id,
    name: token.name,
    username: deployTokenUsername(token),
    expires_at: iso(token.expiresAt),
    scopes: token.scopes,
    revoked: token.revoked,
    expired: isDeployTokenExpired(token, ctx.today()),
  };
}
