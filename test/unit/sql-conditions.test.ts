import Database from 'better-sqlite3';
import { ANONYMOUS, visibleByLevel, type ActorFacts } from '../../src/policy/abilities';
import {
  activeMembership,
  allOf,
  atOrBelow,
  bound,
  isActiveMembership,
  isAtOrBelow,
  membershipOf,
  visibleByLevelSql,
  type SqlCondition,
} from '../../src/policy/sql-conditions';
import { INTERNAL, PRIVATE, PUBLIC } from '../../src/policy/visibility';

/**
 * The SQL words and their JavaScript twins must answer alike. Each SQL condition is evaluated by an
 * in-memory SQLite database (which binds `:name` parameters itself) against the same inputs as its twin.
 */
describe('sql-conditions', () => {
  const db = new Database(':memory:');
  afterAll(() => db.close());

  /** Evaluates `condition` over one row of columns, as SQLite sees it. */
  function holds(condition: SqlCondition, row: Record<string, unknown>): boolean {
    const columns = Object.keys(row);
    const select = columns.length ? columns.map((c) => `:row_${c} AS ${c}`).join(', ') : '1 AS one';
    const values = Object.fromEntries(columns.map((c) => [`row_${c}`, row[c]]));
    const statement = db.prepare(`SELECT CASE WHEN ${condition.sql} THEN 1 ELSE 0 END AS ok FROM (SELECT ${select}) x`);
    return (statement.get({ ...values, ...condition.params }) as { ok: number }).ok === 1;
  }

  it('gives every call parameter names of its own', () => {
    const a = activeMembership('m', '2026-01-15');
    const b = activeMembership('m', '2026-01-15');
    expect(Object.keys(a.params)).toHaveLength(1);
    expect(Object.keys(a.params)).not.toEqual(Object.keys(b.params));
    const both = allOf(a, b, membershipOf('m', { userId: 7, today: '2026-01-15', minLevel: 10 }));
    expect(Object.keys(both.params)).toHaveLength(5);
  });

  it.each([null, '2026-01-14', '2026-01-15', '2026-01-16'])('active membership agrees with its twin (expires %s)', (expiresAt) => {
    const today = '2026-01-15';
    expect(holds(activeMembership('x', today), { expires_at: expiresAt })).toBe(isActiveMembership(expiresAt, today));
  });

  it.each([
    ['1/4/', '1/'],
    ['1/', '1/'],
    ['1/', '1/4/'],
    ['14/', '1/'],
    ['2/4/', '1/'],
  ])('namespace %s at or below %s agrees with its twin', (inner, outer) => {
    expect(holds(atOrBelow('x.inner', bound(outer)), { inner })).toBe(isAtOrBelow(inner, outer));
  });

  const actors: Record<string, ActorFacts> = {
    anonymous: ANONYMOUS,
    user: { userId: 1, signedIn: true, admin: false, external: false, projectBot: false, human: true },
    external: { userId: 2, signedIn: true, admin: false, external: true, projectBot: false, human: true },
    bot: { userId: 3, signedIn: true, admin: false, external: false, projectBot: true, human: false },
  };

  it.each(Object.keys(actors).flatMap((who) => [PRIVATE, INTERNAL, PUBLIC].map((level) => [who, level] as const)))(
    'visibility by level for %s at %s agrees with the policy',
    (who, level) => {
      const actor = actors[who];
      expect(holds(visibleByLevelSql(actor, 'x'), { visibility_level: level })).toBe(visibleByLevel(actor, level));
    },
  );
});
