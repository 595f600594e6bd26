/**
 * The permissions a fine-grained (granular) personal access token may hold: GitLab's assignable
 * permissions (`config/authz/permission_groups/assignable_permissions/<category>/<resource>/<action>.yml`
 * at GitLab 18.9) for the areas Labgate serves, with GitLab's names, descriptions and boundaries.
 *
 * A token stores assignable names (`read_project`); the schema and REST routes declare the raw
 * permissions they need (`read_project`, `read_sub_group`, `import_member`...). Each assignable
 * permission grants the raw ones listed with it. Everything else about permissions is derived
 * from this list.
 */

export type PermissionBoundary = 'group' | 'project' | 'user' | 'instance';

export interface AssignablePermission {
  name: string;
  description: string;
  category: string;
  resource: string;
  action: string;
  boundaries: readonly PermissionBoundary[];
  /** The raw permissions the assignable permission grants. */
  permissions: readonly string[];
}

/** What each resource lets a token do (`_metadata.yml`). */
export const RESOURCE_DESCRIPTIONS: Readonly<Record<string, string>> = {
  group: "Grants the ability to manage groups.",
  avatar: "Grants the ability to read avatars.",
  user_status: "Grants the ability to read and update user status.",
  user_preference: "Grants the ability to read and update user preferences.",
  user_avatar: "Grants the ability to update user avatars.",
  project: "Grants the ability to archive, create, delete, fork, import members, mark as forked, read, recalculate storage, restore, share, star, transfer, trigger repository housekeeping, unarchive, unstar, update, and view various project attributes including contributed projects, forks, groups, invited groups, languages, page access, share locations, starrers, starred projects, storage, transfer locations, and users, as well as delete project group links.",
  access_request: "Grants the ability to approve, delete, and read access requests.",
  member: "Grants the ability to create, delete, read, and update members.",
  metadata: "Grants the ability to read instance metadata.",
  deploy_token: "Grants the ability to create, read, and delete deploy tokens.",
  personal_access_token: "Grants the ability to read, revoke, and rotate personal access tokens.",
  resource_access_token: "Grants the ability to create, read, rotate, and delete resource access tokens.",
  user: "Grants the ability to read, follow, and unfollow users.",
  user_personal_access_token: "Grants the ability to create user personal access tokens.",
  user_email: "Grants the ability to create, read, and delete user emails.",
};

/** Category names that are not the titlecased directory name (GitLab: only `ci_cd`, "CI/CD"). */
export const CATEGORY_NAMES: Readonly<Record<string, string>> = {};

const p = (category: string, resource: string, action: string, name: string, description: string, boundaries: PermissionBoundary[], permissions: string[]): AssignablePermission => ({
  name,
  description,
  category,
  resource,
  action,
  boundaries,
  permissions,
});

export const ASSIGNABLE_PERMISSIONS: readonly AssignablePermission[] = [
  p('groups', 'group', 'archive', 'archive_group', 'Grants the ability to archive a group', ['group'], ['archive_group', 'unarchive_group']),
  p('groups', 'group', 'create', 'create_group', 'Grants the ability to create a group', ['user'], ['create_group']),
  p('groups', 'group', 'delete', 'delete_group', 'Grants the ability to delete a group', ['group'], ['delete_group']),
  p('groups', 'group', 'read', 'read_group', 'Grants the ability to read a group', ['group', 'user'], ['read_descendant_group', 'read_group', 'read_group_invited_group', 'read_group_transfer_location', 'read_shared_group', 'read_shared_project', 'read_sub_group']),
  p('groups', 'group', 'share', 'share_group', 'Grants the ability to share a group', ['group'], ['share_group', 'unshare_group']),
  p('groups', 'group', 'transfer', 'transfer_group', 'Grants the ability to transfer a group', ['group'], ['transfer_group']),
  p('groups', 'group', 'update', 'update_group', 'Grants the ability to update a group', ['group'], ['restore_group', 'update_group']),
  p('groups', 'avatar', 'read', 'read_avatar', 'Grants the ability to read avatars', ['user', 'group', 'project'], ['read_avatar']),
  p('groups', 'user_status', 'read', 'read_user_status', 'Grants the ability to read user status', ['user'], ['read_user_status']),
  p('groups', 'user_status', 'update', 'update_user_status', 'Grants the ability to update user status', ['user'], ['update_user_status']),
  p('groups', 'user_preference', 'read', 'read_user_preference', 'Grants the ability to read user preferences', ['user'], ['read_user_preference']),
  p('groups', 'user_preference', 'update', 'update_user_preference', 'Grants the ability to update user preferences', ['user'], ['update_user_preference']),
  p('groups', 'user_avatar', 'update', 'update_user_avatar', 'Grants the ability to update user avatar', ['user'], ['update_user_avatar']),
  p('projects', 'project', 'archive', 'archive_project', 'Grants the ability to archive projects', ['project'], ['archive_project', 'unarchive_project']),
  p('projects', 'project', 'create', 'create_project', 'Grants the ability to create projects', ['user'], ['create_project']),
  p('projects', 'project', 'delete', 'delete_project', 'Grants the ability to delete or mark projects for deletion', ['project'], ['delete_project']),
  p('projects', 'project', 'fork', 'fork_project', 'Grants the ability to fork projects', ['project'], ['create_fork', 'create_fork_relationship', 'delete_fork_relationship']),
  p('projects', 'project', 'read', 'read_project', 'Grants the ability to read projects', ['group', 'project', 'user'], ['read_ancestor_group', 'read_contributed_project', 'read_contributing_user', 'read_fork', 'read_language', 'read_pages_access', 'read_project', 'read_project_invited_group', 'read_project_transfer_location', 'read_share_location', 'read_starring_user', 'read_storage']),
  p('projects', 'project', 'read_starred', 'read_starred_project', 'Grants the ability to view projects user starred', ['user'], ['read_starred_project']),
  p('projects', 'project', 'share', 'share_project', 'Grants the ability to share projects with groups and manage group links', ['project'], ['share_project', 'unshare_project']),
  p('projects', 'project', 'transfer', 'transfer_project', 'Grants the ability to transfer projects to a new namespace', ['project', 'instance'], ['transfer_project']),
  p('projects', 'project', 'update', 'update_project', 'Grants the ability to update project settings and attributes', ['project'], ['housekeep_project', 'import_member', 'recalculate_storage', 'restore_project', 'star_project', 'unstar_project', 'update_project']),
  p('system_access', 'access_request', 'approve', 'approve_access_request', 'Grants the ability to approve access requests', ['group', 'project'], ['approve_access_request']),
  p('system_access', 'access_request', 'create', 'create_access_request', 'Grants the ability to create access requests', ['user'], ['create_access_request']),
  p('system_access', 'access_request', 'delete', 'delete_access_request', 'Grants the ability to delete access requests', ['group', 'project', 'user'], ['delete_access_request']),
  p('system_access', 'access_request', 'read', 'read_access_request', 'Grants the ability to read access request', ['group', 'project'], ['read_access_request']),
  p('system_access', 'deploy_token', 'create', 'create_deploy_token', 'Grants the ability to create deploy tokens', ['group', 'project'], ['create_deploy_token']),
  p('system_access', 'deploy_token', 'delete', 'delete_deploy_token', 'Grants the ability to delete deploy tokens', ['group', 'project'], ['delete_deploy_token']),
  p('system_access', 'deploy_token', 'read', 'read_deploy_token', 'Grants the ability to read deploy tokens', ['instance', 'group', 'project'], ['read_deploy_token']),
  p('system_access', 'member', 'create', 'create_member', 'Grants the ability to create members', ['group', 'project'], ['create_member']),
  p('system_access', 'member', 'delete', 'delete_member', 'Grants the ability to delete members', ['group', 'project'], ['delete_billable_member', 'delete_member']),
  p('system_access', 'member', 'read', 'read_member', 'Grants the ability to read members', ['group', 'project'], ['read_billable_member', 'read_member', 'read_pending_member']),
  p('system_access', 'member', 'update', 'update_member', 'Grants the ability to update members', ['group', 'project'], ['approve_member', 'create_ldap_member_override', 'delete_ldap_member_override', 'toggle_state_member', 'update_member']),
  p('system_access', 'metadata', 'read', 'read_metadata', 'Grants the ability to read metadata', ['instance'], ['read_metadata']),
  p('system_access', 'personal_access_token', 'read', 'read_personal_access_token', 'Grants the ability to view personal access tokens', ['user'], ['read_personal_access_token']),
  p('system_access', 'personal_access_token', 'revoke', 'revoke_personal_access_token', 'Grants the ability to revoke personal access tokens', ['user'], ['revoke_personal_access_token']),
  p('system_access', 'personal_access_token', 'rotate', 'rotate_personal_access_token', 'Grants the ability to rotate personal access tokens', ['user'], ['rotate_personal_access_token']),
  p('system_access', 'resource_access_token', 'create', 'create_resource_access_token', 'Grants the ability to create resource access tokens', ['project', 'group'], ['create_resource_access_token']),
  p('system_access', 'resource_access_token', 'delete', 'delete_resource_access_token', 'Grants the ability to delete resource access tokens', ['project', 'group'], ['delete_resource_access_token']),
  p('system_access', 'resource_access_token', 'read', 'read_resource_access_token', 'Grants the ability to read resource access tokens', ['project', 'group'], ['read_resource_access_token']),
  p('system_access', 'resource_access_token', 'rotate', 'rotate_resource_access_token', 'Grants the ability to rotate resource access tokens', ['project', 'group'], ['rotate_resource_access_token']),
  p('system_access', 'user', 'follow', 'follow_user', 'Grants the ability to follow users', ['user'], ['follow_user']),
  p('system_access', 'user', 'read', 'read_user', 'Grants the ability to read user information', ['user'], ['read_user']),
  p('system_access', 'user', 'unfollow', 'unfollow_user', 'Grants the ability to unfollow users', ['user'], ['unfollow_user']),
  p('system_access', 'user_personal_access_token', 'create', 'create_user_personal_access_token', 'Grants the ability to create user personal access tokens', ['user'], ['create_user_personal_access_token']),
  p('system_access', 'user_email', 'create', 'create_user_email', 'Grants the ability to create user email addresses', ['user'], ['create_user_email']),
  p('system_access', 'user_email', 'delete', 'delete_user_email', 'Grants the ability to delete user email addresses', ['user'], ['delete_user_email']),
  p('system_access', 'user_email', 'read', 'read_user_email', 'Grants the ability to read user email addresses', ['user'], ['read_user_email']),
];

/** Ruby's `titleize` of a directory name: `personal_access_token` -> `Personal Access Token`. */
export function titleize(name: string): string {
  return name
    .split('_')
    .map((word) => (word === '' ? word : word[0].toUpperCase() + word.slice(1)))
    .join(' ');
}

export const ASSIGNABLE_BY_NAME: ReadonlyMap<string, AssignablePermission> = new Map(ASSIGNABLE_PERMISSIONS.map((perm) => [perm.name, perm]));

/** Every raw permission some assignable permission grants: what a declaration may name. */
export const RAW_PERMISSIONS: ReadonlySet<string> = new Set(ASSIGNABLE_PERMISSIONS.flatMap((perm) => perm.permissions));

/** The raw permissions a list of assignable names grants; unknown names grant nothing. */
export function expandPermissions(names: readonly string[]): Set<string> {
  const raw = new Set<string>();
  for (const name of names) for (const perm of ASSIGNABLE_BY_NAME.get(name)?.permissions ?? []) raw.add(perm);
  return raw;
}
