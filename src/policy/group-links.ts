import { isUnexpired } from './sql-conditions';

/**
 * The rules of group links (a project or a group shared with a group), written once in memory; their
 * SQL twins are in `visibility-sql.ts` and the statement of `loadMembershipIndex`.
 *
 * - A link counts until its `expires_at` day, like a membership (`isUnexpired`); GitLab removes
 *   expired links with a daily job, Labgate ignores them from that day on.
 * - A link grants the lower of the member's own level and the link's `group_access`.
 * - A group link reaches only the invited group's direct members; a project link reaches everyone
 *   whose group set (member groups and the groups shared with them, with everything below) holds
 *   the invited group.
 * - A project link grants nothing while the project's namespace has `share_with_group_lock`.
 * - A project or group bot never reaches anything through a link.
 */
export const isActiveLink = isUnexpired;

/** The level a link grants a member holding `memberLevel` where it applies. */
export function cappedLevel(memberLevel: number, groupAccess: number): number {
  return Math.min(memberLevel, groupAccess);
}

/** Whether a project link grants access: not while the project's namespace locks sharing. */
export function projectLinkGrants(link: { locked: boolean }): boolean {
  return !link.locked;
}

/** Whether a viewer may reach anything through links at all (never a bot). */
export function reachesThroughLinks(actor: { projectBot: boolean }): boolean {
  return !actor.projectBot;
}
