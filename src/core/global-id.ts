import { GraphQLError } from 'graphql';
import { ArgumentError } from './errors';

/**
 * GitLab's global IDs: `gid://gitlab/<Model>/<id>`. Models are Ruby class names, namespaced ones keep
 * `::` (`gid://gitlab/Namespaces::UserNamespace/5`).
 */
export interface GlobalId {
  model: string;
  /** May lie beyond what the database holds (see `isRecordId`): such an ID is well formed but names nothing. */
  id: number;
}

/** Ids are 32-bit integer columns (`SERIAL` on PostgreSQL), starting at 1. */
export const MAX_RECORD_ID = 2_147_483_647;

/**
 * Whether `id` can name a stored row. GitLab treats a well-formed ID of a record that cannot exist as
 * one that does not exist (null, or "not found"); checking first keeps such numbers away from
 * PostgreSQL, which refuses them for an `integer` column instead of matching nothing.
 */
export function isRecordId(id: number): boolean {
  return Number.isInteger(id) && id >= 1 && id <= MAX_RECORD_ID;
}

/** The ids of a filter that can name rows; the others match nothing anyway. */
export function recordIds(ids: readonly number[]): number[] {
  return ids.filter(isRecordId);
}

export const MODELS = {
  project: 'Project',
  group: 'Group',
  userNamespace: 'Namespaces::UserNamespace',
  namespace: 'Namespace',
  user: 'User',
  projectMember: 'ProjectMember',
  groupMember: 'GroupMember',
  personalAccessToken: 'PersonalAccessToken',
  deployToken: 'DeployToken',
} as const;

/** Models that are kinds of another (`suitable?` in GitLab): a NamespaceID accepts a Group's GID. */
const SUBCLASSES: Record<string, string[]> = {
  Namespace: ['Group', 'Namespaces::UserNamespace'],
  Member: ['ProjectMember', 'GroupMember'],
};

export function toGlobalId(model: string, id: number): string {
  return `gid://gitlab/${model}/${id}`;
}

const GID_RE = /^gid:\/\/([^/]+)\/([A-Za-z][A-Za-z0-9_]*(?:::[A-Za-z][A-Za-z0-9_]*)*)\/(\d+)$/;

/** Parses a GID string; throws GitLab's coercion messages. `expected` restricts the model. */
export function parseGlobalId(value: unknown, expected?: string): GlobalId {
  // Shown as Ruby's `inspect` shows it: strings quoted, numbers and booleans bare.
  const shown = value === undefined ? 'nil' : JSON.stringify(value);
  if (typeof value !== 'string') throw new GraphQLError(`${shown} is not a valid Global ID`);
  const m = GID_RE.exec(value);
  if (!m) throw new GraphQLError(`${shown} is not a valid Global ID`);
  if (m[1] !== 'gitlab') throw new GraphQLError(`${shown} is not a Gitlab Global ID`);
  const model = m[2];
  // Any run of digits is a well-formed ID, as in GitLab; one too large for our ids names no record.
  const id = Number(m[3]);
  if (expected && model !== expected && !(SUBCLASSES[expected] ?? []).includes(model)) {
    throw new GraphQLError(`${shown} does not represent an instance of ${expected}`);
  }
  return { model, id };
}

/**
 * Resolvers that take a plain `ID` (`ids: [ID!]` filters) parse with GitLab's `parse_gid` messages:
 * `"x is not a valid GitLab ID."` or `"gid://gitlab/User/1 is not a valid ID for Project."`. The number
 * may be one no row can have; filters pass their list through `recordIds` before it reaches SQL.
 */
export function parsePlainId(value: string, expected: string): number {
  const m = GID_RE.exec(value);
  if (!m || m[1] !== 'gitlab') throw new ArgumentError(`${value} is not a valid GitLab ID.`);
  if (m[2] !== expected && !(SUBCLASSES[expected] ?? []).includes(m[2])) {
    throw new ArgumentError(`${value} is not a valid ID for ${expected}.`);
  }
  return Number(m[3]);
}
