import type { ActorFacts } from './actor';
import { abilityNames, type AbilityList } from './conditions';

/** What a viewer may do with a user account, and with a user's personal namespace. */

/**
 * Every ability on a personal namespace, each named once. `true`: also a field of GitLab's
 * `NamespacePermissions` type (a group's namespace answers the same fields from its group abilities).
 */
export const NAMESPACE_ABILITIES = {
  read_namespace: true,
  admin_namespace: false,
  create_projects: true,
  admin_project: true,
  admin_issue: true,
  admin_label: true,
  create_work_item: true,
  import_issues: true,
  import_work_items: true,
  read_crm_contact: true,
  read_crm_organization: true,
  set_new_work_item_metadata: true,
} as const satisfies AbilityList;
export type UserNamespaceAbility = keyof typeof NAMESPACE_ABILITIES;

/** CRM contacts and organizations live in groups only. */
const GROUP_ONLY: readonly UserNamespaceAbility[] = ['read_crm_contact', 'read_crm_organization'];

/** A personal namespace belongs to its owner alone; administrators may do everything with it. */
export function userNamespaceAbilities(actor: ActorFacts, ownerId: number | null): ReadonlySet<UserNamespaceAbility> {
  const isOwner = actor.signedIn && actor.userId !== null && actor.userId === ownerId;
  if (!isOwner && !actor.admin) return new Set();
  return new Set(abilityNames(NAMESPACE_ABILITIES).filter((a) => !GROUP_ONLY.includes(a)));
}

/** Every ability on a user account. `true`: also a field of GitLab's `UserPermissions` type. */
export const USER_ABILITIES = {
  read_user: false,
  read_user_profile: false,
  read_user_personal_access_tokens: false,
  read_user_groups: false,
  read_user_membership_counts: false,
  create_snippet: true,
} as const satisfies AbilityList;
export type UserAbility = keyof typeof USER_ABILITIES;

/**
 * Abilities on a user account. Everyone may read public profiles; a user's own tokens, the groups they
 * belong to (`read_user_groups`) and how many groups and projects they reach
 * (`read_user_membership_counts`) are for that user and administrators, never of the ghost user
 * (GitLab's UserPolicy).
 */
export function userAbilities(
  actor: ActorFacts,
  subject: { id: number; state: string; userType: string; external: boolean },
): ReadonlySet<UserAbility> {
  const can = new Set<UserAbility>(['read_user', 'read_user_profile']);
  const self = actor.signedIn && actor.userId === subject.id;
  if (self || actor.admin) can.add('read_user_personal_access_tokens');
  if ((self || actor.admin) && subject.userType !== 'ghost') {
    can.add('read_user_groups');
    can.add('read_user_membership_counts');
  }
  // Snippets are created by people, not bots; external users cannot create personal snippets.
  if ((self && actor.human && !actor.external) || actor.admin) can.add('create_snippet');
  return can;
}
