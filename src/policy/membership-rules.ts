import { OWNER } from './access-level';

/**
 * Who may change which membership, as pure functions of plain facts: the member service gathers the
 * facts and asks here, and the group policy's `leave_group` asks the same last-Owner question.
 */

export type MembershipSourceKind = 'Project' | 'Namespace';

/** The ability that lets a caller manage the members of a project or of a group. */
export function manageMembersAbility(source: MembershipSourceKind): 'admin_project_member' | 'admin_group_member' {
  return source === 'Project' ? 'admin_project_member' : 'admin_group_member';
}

/** The ability that lets a member leave a project or a group on their own. */
export function leaveAbility(source: MembershipSourceKind): 'leave_project' | 'leave_group' {
  return source === 'Project' ? 'leave_project' : 'leave_group';
}

/**
 * Whether a caller may hand out (or take away) `level`: only a project's Owners give or take the Owner
 * role of a project (GitLab's `manage_owners`); a group's members are managed by its Owners only, so
 * whoever manages them may.
 */
export function mayAssignLevel(source: MembershipSourceKind, level: number, callerManagesOwners: boolean): boolean {
  return source === 'Namespace' || callerManagesOwners || level < OWNER;
}

/**
 * GitLab's last-Owner rule (`Group#last_owner?`, asked by `Members::DestroyService`, by the update
 * service and by `GroupPolicy`'s `leave_group`): an Owner of a group may not go (leave, be removed or
 * be demoted) when nobody else owns the group. Who else owns it: the people with an active Owner
 * membership of the group or of a group above it (they own it too), project bots left out
 * (`countsAsOwner`). So a group whose other Owner sits on its parent may lose its own last direct
 * Owner. A project keeps no such rule: its Owner role comes from its namespace.
 */
export function isLastOwner(source: MembershipSourceKind, memberLevel: number, otherOwners: number): boolean {
  return source === 'Namespace' && memberLevel >= OWNER && otherOwners === 0;
}

/** What the member service knows about one membership a caller wants to change. */
export interface MembershipChangeFacts {
  source: MembershipSourceKind;
  /** The member is a project bot (its membership goes with its token). */
  memberIsBot: boolean;
  /** The member holds the personal namespace the project sits in. */
  memberHoldsNamespace: boolean;
  /** The role the member holds now. */
  currentLevel: number;
  /** The caller may give or take the Owner role (`manage_owners`; always on a group). */
  callerManagesOwners: boolean;
  /** People other than the member who own the group (see `isLastOwner`); 0 for a project. */
  otherOwners: number;
}

/**
 * Whether the caller (who manages the source's members) may set this membership to `newLevel`
 * (GitLab's `Members::UpdateService`, "Unable to update members" otherwise): not a project bot's
 * (revoke its token instead), not the personal-namespace holder's, only an Owner-managing caller
 * touches the Owner role, and never the group's last Owner.
 */
export function mayUpdateMembership(facts: MembershipChangeFacts, newLevel: number): boolean {
  return (
    !facts.memberIsBot &&
    !facts.memberHoldsNamespace &&
    mayAssignLevel(facts.source, Math.max(newLevel, facts.currentLevel), facts.callerManagesOwners) &&
    !isLastOwner(facts.source, facts.currentLevel, facts.otherOwners)
  );
}

/** Why a membership may not be removed (by anyone entitled to remove it), or null when it may. */
export type RemovalRefusal = 'bot' | 'namespace holder' | 'last owner';

export function removalRefusal(facts: Omit<MembershipChangeFacts, 'callerManagesOwners'>): RemovalRefusal | null {
  if (facts.memberIsBot) return 'bot';
  if (facts.memberHoldsNamespace) return 'namespace holder';
  if (isLastOwner(facts.source, facts.currentLevel, facts.otherOwners)) return 'last owner';
  return null;
}
