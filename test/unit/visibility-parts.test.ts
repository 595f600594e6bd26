import { actorFacts, ANONYMOUS } from '../../src/policy/actor';
import { MembershipIndex, type MembershipRow } from '../../src/policy/membership-index';
import { projectVisibleSqlParts } from '../../src/policy/visibility-sql';

/** `projectVisibleSqlParts`: the disjoint parts `count` adds up (test/e2e/project-count.test.ts checks the sums). */
describe('the parts of project visibility', () => {
  const member = actorFacts({ id: 7, admin: false, external: false, state: 'active', userType: 'human' });
  const admin = actorFacts({ id: 1, admin: true, external: false, state: 'active', userType: 'human' });
  const projects = (n: number): MembershipRow[] => Array.from({ length: n }, (_, i) => ({ sourceType: 'Project', sourceId: i + 1, accessLevel: 30, traversalIds: '1/' }));
  const group: MembershipRow = { sourceType: 'Namespace', sourceId: 4, accessLevel: 10, traversalIds: '1/4/' };

  it('is nothing for an administrator and the level alone for anonymous viewers', () => {
    expect(projectVisibleSqlParts(admin, 'p', MembershipIndex.EMPTY)).toBeNull();
    expect(projectVisibleSqlParts(ANONYMOUS, 'p', MembershipIndex.EMPTY)?.map((c) => c.sql)).toEqual(['p.visibility_level >= 20']);
  });

  it('writes the memberships in, a part for projects and one for groups', () => {
    const parts = projectVisibleSqlParts(member, 'p', new MembershipIndex([...projects(2), group]))!;
    expect(parts).toHaveLength(3);
    expect(parts[0].sql).toBe('p.visibility_level >= 10');
    expect(Object.values(parts[1].params)).toContainEqual([1, 2]);
    expect(Object.values(parts[2].params)).toContain('1/4/');
    // A project reached both ways is counted in the projects' part only.
    expect(parts[2].sql).toMatch(/AND NOT p\.id IN/);
  });

  it('leaves thousands of memberships to the single condition', () => {
    expect(projectVisibleSqlParts(member, 'p', new MembershipIndex(projects(500)))).toHaveLength(2);
    expect(projectVisibleSqlParts(member, 'p', new MembershipIndex(projects(501)))).toBeNull();
  });
});
