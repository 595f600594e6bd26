import { DEVELOPER, MAINTAINER, OWNER } from '../../src/policy/access-level';
import { isLastOwner, mayUpdateMembership, removalRefusal, type MembershipChangeFacts } from '../../src/policy/membership-rules';

/** The membership rules as pure functions: what the member service and `leave_group` both ask. */
describe('membership rules', () => {
  const member = (facts: Partial<MembershipChangeFacts>): MembershipChangeFacts => ({
    source: 'Namespace',
    memberIsBot: false,
    memberHoldsNamespace: false,
    currentLevel: DEVELOPER,
    callerManagesOwners: true,
    otherOwners: 1,
    ...facts,
  });

  it('the last Owner of a group is the one with no other Owner here or above; a project has none', () => {
    expect(isLastOwner('Namespace', OWNER, 0)).toBe(true);
    // The other Owner may sit on the parent group: counted the same.
    expect(isLastOwner('Namespace', OWNER, 1)).toBe(false);
    expect(isLastOwner('Namespace', MAINTAINER, 0)).toBe(false);
    expect(isLastOwner('Project', OWNER, 0)).toBe(false);
  });

  it('updates: never a bot, the namespace holder or the last Owner; the Owner role only for who manages Owners', () => {
    expect(mayUpdateMembership(member({}), MAINTAINER)).toBe(true);
    expect(mayUpdateMembership(member({ memberIsBot: true }), MAINTAINER)).toBe(false);
    expect(mayUpdateMembership(member({ source: 'Project', memberHoldsNamespace: true }), MAINTAINER)).toBe(false);
    expect(mayUpdateMembership(member({ currentLevel: OWNER, otherOwners: 0 }), MAINTAINER)).toBe(false);
    expect(mayUpdateMembership(member({ currentLevel: OWNER, otherOwners: 1 }), MAINTAINER)).toBe(true);
    const project = (facts: Partial<MembershipChangeFacts>) => member({ source: 'Project', callerManagesOwners: false, otherOwners: 0, ...facts });
    expect(mayUpdateMembership(project({}), MAINTAINER)).toBe(true);
    expect(mayUpdateMembership(project({}), OWNER)).toBe(false);
    expect(mayUpdateMembership(project({ currentLevel: OWNER }), MAINTAINER)).toBe(false);
    expect(mayUpdateMembership(project({ callerManagesOwners: true }), OWNER)).toBe(true);
  });

  it('removals: a bot first, then the namespace holder, then the last Owner', () => {
    expect(removalRefusal(member({ memberIsBot: true, currentLevel: OWNER, otherOwners: 0 }))).toBe('bot');
    expect(removalRefusal(member({ source: 'Project', memberHoldsNamespace: true }))).toBe('namespace holder');
    expect(removalRefusal(member({ currentLevel: OWNER, otherOwners: 0 }))).toBe('last owner');
    expect(removalRefusal(member({ currentLevel: OWNER, otherOwners: 1 }))).toBeNull();
  });
});
