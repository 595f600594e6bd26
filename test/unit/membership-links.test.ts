import { MembershipIndex } from '../../src/policy/membership-index';
import { DEVELOPER, GUEST, MAINTAINER, OWNER, REPORTER } from '../../src/policy/access-level';

/**
 * The in-memory twin of the link rules (`group-links.ts`), on hand-made rows: what the SQL filters are
 * checked against in the sharing matrix.
 *
 * Groups: 1/ (hq) > 1/2/ (hq/g); 5/ (corp) > 5/6/ (corp/a) > 5/6/7/ (corp/a/asub); 9/ (acme).
 */
const TODAY = '2026-01-15';

describe('MembershipIndex with group links', () => {
  const index = new MembershipIndex(
    [
      { sourceType: 'Namespace', sourceId: 1, accessLevel: MAINTAINER, traversalIds: '1/' },
      { sourceType: 'Namespace', sourceId: 8, accessLevel: OWNER, traversalIds: '8/' },
    ],
    TODAY,
    {
      groups: [
        // corp/a shared with group 8 (where the viewer is Owner) at Developer.
        { sharedGroupId: 6, traversalIds: '5/6/', memberLevel: OWNER, groupAccess: DEVELOPER, expiresAt: null },
        // An expired share counts as none.
        { sharedGroupId: 5, traversalIds: '5/', memberLevel: OWNER, groupAccess: OWNER, expiresAt: TODAY },
      ],
      projects: [
        // acme project 100 shared with hq/g (the viewer is Maintainer of hq above it) at Reporter.
        { projectId: 100, groupAccess: REPORTER, invitedTraversalIds: '1/2/', projectTraversalIds: '9/', locked: false },
        // acme project 101 shared with corp/a/asub (in the group set through the group share) at Owner.
        { projectId: 101, groupAccess: OWNER, invitedTraversalIds: '5/6/7/', projectTraversalIds: '9/', locked: false },
        // A locked namespace: nothing.
        { projectId: 102, groupAccess: OWNER, invitedTraversalIds: '1/', projectTraversalIds: '9/', locked: true },
        // Expired: nothing.
        { projectId: 103, groupAccess: OWNER, invitedTraversalIds: '1/', projectTraversalIds: '9/', locked: false, expiresAt: '2026-01-01' },
      ],
    },
  );

  it('gives a group share the lower of the two roles, in the shared group and below it, not above it', () => {
    expect(index.namespaceLevel('5/6/')).toBe(DEVELOPER);
    expect(index.namespaceLevel('5/6/7/')).toBe(DEVELOPER);
    expect(index.namespaceLevel('5/')).toBe(0);
    expect(index.directGroupLevel(6)).toBe(0);
  });

  it('gives a project share the lower of the group-set role and the link, and nothing when locked or expired', () => {
    expect(index.projectLevel(100, '9/')).toBe(REPORTER);
    expect(index.projectLevel(101, '9/')).toBe(DEVELOPER);
    expect(index.projectLevel(102, '9/')).toBe(0);
    expect(index.projectLevel(103, '9/')).toBe(0);
    expect(index.directProjectLevel(100)).toBe(0);
  });

  it('makes the groups above a shared project visible, and lists what it reaches for the SQL parts', () => {
    expect(index.hasMembershipBelow('9/')).toBe(true);
    expect(index.hasMembershipBelow('5/')).toBe(false);
    expect(index.reaching(GUEST)).toEqual({ projectIds: [100, 101], groupTraversalIds: ['1/', '8/', '5/6/'] });
    expect(index.reaching(MAINTAINER)).toEqual({ projectIds: [], groupTraversalIds: ['1/', '8/'] });
    expect(index.linked).toBe(true);
  });

  it('without links in the rows, is the index it always was', () => {
    const plain = new MembershipIndex([{ sourceType: 'Namespace', sourceId: 1, accessLevel: MAINTAINER, traversalIds: '1/' }], TODAY);
    expect(plain.linked).toBe(false);
    expect(plain.projectLevel(100, '9/')).toBe(0);
  });
});
