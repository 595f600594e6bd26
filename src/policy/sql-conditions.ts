import { visibleByLevel, type ActorFacts } from './actor';
import { INTERNAL, PRIVATE, PUBLIC } from './visibility';
import { isUnexpired } from '../core/expiry';

export { isUnexpired };

/**
 * The words the SQL filters are written with. Each rule that more than one query needs (a membership
 * still running, a namespace inside another, a membership row of a given source, the visibility a
 * viewer sees without a role) is spelt out once here; services and `visibility-sql.ts` put them
 * together instead of writing the text again.
 *
 * Every builder binds its values under parameter names it makes up itself, different on each call,
 * so two conditions in one statement never overwrite each other's values and no caller has to invent
 * prefixes. TypeORM turns the names into `$n` / `?` placeholders, so the database sees the same text
 * whatever the names are.
 *
 * Where the policy needs the same rule in memory, the JavaScript twin sits beside its SQL builder.
 */

/** A piece of SQL (a condition, or an expression) and the values of the named parameters it uses. */
export interface SqlCondition {
  sql: string;
  params: Record<string, unknown>;
}

let lastParam = 0;

/** A parameter name no other call uses (`hint` only makes the SQL easier to read in logs). */
function freshParam(hint: string): string {
  lastParam += 1;
  return `sc_${hint}_${lastParam}`;
}

/** `value` as a bound parameter, usable wherever an SQL expression is. */
export function bound(value: unknown, hint = 'v'): SqlCondition {
  const name = freshParam(hint);
  return { sql: `:${name}`, params: { [name]: value } };
}

/**
 * SQL text around conditions: in sql`(${a} OR ${b})` the parts' text is pasted in and their parameters
 * are carried along. A string or number part is pasted as it is, so it must be SQL written here (an
 * alias, a column, a constant), never a value a caller sent: values go through `bound`.
 */
export function sql(strings: TemplateStringsArray, ...parts: ReadonlyArray<SqlCondition | string | number>): SqlCondition {
  let text = strings[0];
  const params: Record<string, unknown> = {};
  parts.forEach((part, i) => {
    if (typeof part === 'object') {
      text += part.sql;
      Object.assign(params, part.params);
    } else {
      text += String(part);
    }
    text += strings[i + 1];
  });
  return { sql: text, params };
}

/** The column's value is one of `values` (none: false), bound as parameters. */
export function oneOf(column: string, values: readonly unknown[]): SqlCondition {
  return values.length ? sql`${column} IN (${spread(values, 'in')})` : { sql: '1 = 0', params: {} };
}

/** A non-empty list of values bound for `IN (...)`. */
function spread(values: readonly unknown[], hint: string): SqlCondition {
  const name = freshParam(hint);
  return { sql: `:...${name}`, params: { [name]: [...values] } };
}

/** Joins conditions with AND (each keeps its own parameters); no condition at all is true. */
export function allOf(...parts: ReadonlyArray<SqlCondition | string>): SqlCondition {
  return combine(parts, 'AND', '1 = 1');
}

/** Joins conditions with OR (each keeps its own parameters); no condition at all is false. */
export function anyOf(...parts: ReadonlyArray<SqlCondition | string>): SqlCondition {
  return combine(parts, 'OR', '1 = 0');
}

function combine(parts: ReadonlyArray<SqlCondition | string>, joiner: 'AND' | 'OR', empty: string): SqlCondition {
  const conditions = parts.map((p) => (typeof p === 'string' ? { sql: p, params: {} } : p));
  if (!conditions.length) return { sql: empty, params: {} };
  if (conditions.length === 1) return conditions[0];
  return {
    sql: `(${conditions.map((c) => c.sql).join(` ${joiner} `)})`,
    params: Object.assign({}, ...conditions.map((c) => c.params)),
  };
}

// ---------------------------------------------------------------------------------------------
// Memberships

/** The row aliased `alias` (a membership or a token) has not expired (see `isUnexpired`, its twin). */
export function unexpired(alias: string, today: string): SqlCondition {
  return sql`(${alias}.expires_at IS NULL OR ${alias}.expires_at > ${bound(today, 'today')})`;
}

/** An active membership is one that has not expired. */
export const isActiveMembership = isUnexpired;
export const activeMembership = unexpired;

/**
 * The `members` row aliased `alias` is an active membership of `userId` with at least `minLevel`
 * (left out: any role).
 */
export function membershipOf(alias: string, who: { userId: number | null; today: string; minLevel?: number }): SqlCondition {
  return allOf(
    sql`${alias}.user_id = ${bound(who.userId, 'user')}`,
    ...(who.minLevel === undefined ? [] : [sql`${alias}.access_level >= ${bound(who.minLevel, 'level')}`]),
    activeMembership(alias, who.today),
  );
}

/**
 * The `members` row aliased `alias` is a membership of one of these sources (projects, or groups): a
 * list of ids (none at all: of no source), or a subquery selecting them.
 */
export function membershipIn(alias: string, sourceType: 'Project' | 'Namespace', sources: readonly number[] | SqlCondition): SqlCondition {
  if (Array.isArray(sources) && !sources.length) return { sql: '1 = 0', params: {} };
  const ids = Array.isArray(sources) ? spread(sources, 'sources') : (sources as SqlCondition);
  return sql`(${alias}.source_type = '${sourceType}' AND ${alias}.source_id IN (${ids}))`;
}

// ---------------------------------------------------------------------------------------------
// The namespace tree: `traversal_ids` lists a namespace's ancestors and itself (`1/4/9/`), so a
// namespace is inside another exactly when its traversal ids start with the other's. Traversal ids
// hold digits and `/` only, and `:` sorts right after `9`, so "starts with P" is the range
// `>= P AND < P || ':'` in byte order, which an index answers (see the 1764500000000 migration,
// which gives the column byte order on PostgreSQL).

/**
 * The namespace whose traversal ids are `inner` is `outer` or below it; both are SQL expressions (a
 * column, or a parameter from `bound`). SQL twin of `isAtOrBelow`.
 */
export function atOrBelow(inner: SqlCondition | string, outer: SqlCondition | string): SqlCondition {
  return sql`(${inner} >= ${outer} AND ${inner} < (${outer} || ':'))`;
}

/** The namespace with traversal ids `column` is the one with `traversalIds` or below it. */
export function atOrBelowTraversal(column: string, traversalIds: string): SqlCondition {
  return atOrBelow(column, bound(traversalIds, 'below'));
}

/** The namespace row aliased `alias` is strictly below `namespace` (a subgroup, at any depth). */
export function strictlyBelow(alias: string, namespace: { id: number; traversalIds: string }): SqlCondition {
  return sql`(${atOrBelowTraversal(`${alias}.traversal_ids`, namespace.traversalIds)} AND ${alias}.id <> ${bound(namespace.id, 'self')})`;
}

/** In memory: the namespace with `traversalIds` is the one with `outerTraversalIds` or below it. */
export function isAtOrBelow(traversalIds: string, outerTraversalIds: string): boolean {
  return traversalIds.startsWith(outerTraversalIds);
}

// ---------------------------------------------------------------------------------------------
// Visibility levels

const LEVELS_ASCENDING = [PRIVATE, INTERNAL, PUBLIC] as const;

/**
 * The lowest visibility level the viewer sees without any role, read off `visibleByLevel` (the policy's
 * rule) rather than restated: a level the viewer sees is never followed by one they do not.
 */
function lowestVisibleLevel(actor: ActorFacts): number | null {
  return LEVELS_ASCENDING.find((level) => visibleByLevel(actor, level)) ?? null;
}

/** The row aliased `alias` (a project or a group) is visible to the viewer by its level alone. */
export function visibleByLevelSql(actor: ActorFacts, alias: string): SqlCondition {
  const lowest = lowestVisibleLevel(actor);
  return { sql: lowest === null ? '1 = 0' : `${alias}.visibility_level >= ${lowest}`, params: {} };
}

/** The negation of `visibleByLevelSql`: the row is not visible to the viewer by its level alone. */
export function hiddenByLevelSql(actor: ActorFacts, alias: string): SqlCondition {
  const lowest = lowestVisibleLevel(actor);
  return { sql: lowest === null ? '1 = 1' : `${alias}.visibility_level < ${lowest}`, params: {} };
}

// ---------------------------------------------------------------------------------------------
// Deploy tokens

/**
 * The `deploy_tokens` row aliased `alias` is active: not revoked, and not past its expiry instant
 * (GitLab's `DeployToken.active`). In-memory twin: `isDeployTokenActive`.
 */
export function activeDeployToken(alias: string, now: Date): SqlCondition {
  return sql`(${alias}.revoked = ${bound(false, 'revoked')} AND (${alias}.expires_at IS NULL OR ${alias}.expires_at >= ${bound(now, 'now')}))`;
}

/**
 * The `members` row aliased `member` (its user's row aliased `user`) makes its user an Owner of the
 * group it belongs to, and of every group below it, for the last-Owner rule: an active Owner
 * membership of a person (a bot's does not count, as in GitLab's `member_owners_excluding_project_bots`).
 * Removing, demoting and leaving all count Owners with this one condition, on the group and the groups
 * above it.
 */
export function countsAsOwner(member: string, user: string, today: string, ownerLevel: number): SqlCondition {
  return sql`(${member}.source_type = 'Namespace' AND ${member}.access_level >= ${ownerLevel} AND ${activeMembership(member, today)}
    AND ${user}.user_type <> 'project_bot')`;
}
