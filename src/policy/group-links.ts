import { isUnexpired } from '../core/expiry';

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

/** Viewers whose loaded memberships showed that no link reaches them (see `noLinkReaches`). */
const UNREACHED = new WeakSet<object>();

/**
 * Records that no link reaches this viewer (their membership index, loaded for the request, holds
 * nothing through a link). The SQL filters then leave the link terms out: they could only select
 * nothing, and the statement stays as short, and as quick to prepare, as without links.
 */
export function noLinkReaches(actor: object): void {
  UNREACHED.add(actor);
}

/**
 * Whether the SQL filters must consider links for this viewer: never for a bot, and not once the
 * viewer's memberships showed that no link reaches them.
 */
export function reachesThroughLinks(actor: { projectBot: boolean }): boolean {
  return !actor.projectBot && !UNREACHED.has(actor);
}
