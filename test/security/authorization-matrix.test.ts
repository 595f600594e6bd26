import { RESOURCE_NOT_AVAILABLE } from '../../src/core/errors';
import { MODELS, toGlobalId } from '../../src/core/global-id';
import { PersonalAccessToken } from '../../src/modules/access-token/personal-access-token.entity';
import { Member } from '../../src/modules/member/member.entity';
import { Namespace as NamespaceEntity } from '../../src/modules/namespace/namespace.entity';
import { Project as ProjectEntity } from '../../src/modules/project/project.entity';
import { User } from '../../src/modules/user/user.entity';
import { startHarness, TODAY, type Harness } from '../helpers/harness';
import { buildMatrixWorld, type MatrixWorld, type Place, type Principal } from './matrix-world';
import {
  matrixRows,
  ROLE_LEVEL,
  VISIBILITIES,
  type LevelOperation,
  type MatrixRow,
  type Operation,
  type Role,
} from './matrix-rows';

/**
 * Runs every row of ./matrix-rows.ts as a real GraphQL request against one world built once
 * (./matrix-world.ts, shared with the REST matrix).
 */

const LEVEL_ENUM: Record<number, string> = { 10: 'GUEST', 15: 'PLANNER', 20: 'REPORTER', 30: 'DEVELOPER', 40: 'MAINTAINER', 50: 'OWNER' };

/** `below`: the subgroup, looked at by members of the project inside it. */
type SubjectKind = 'project' | 'group' | 'top' | 'below' | 'none';

const SUBJECT: Record<Operation | LevelOperation, SubjectKind> = {
  readProject: 'project',
  listProjectMembers: 'project',
  listProjectTokens: 'project',
  createProjectToken: 'project',
  rotateProjectToken: 'project',
  revokeProjectToken: 'project',
  projectMemberBulkUpdate: 'project',
  createProjectTokenAtLevel: 'project',
  rotateProjectTokenOfLevel: 'project',
  bulkUpdateProjectMemberToLevel: 'project',
  readGroup: 'group',
  readNamespace: 'group',
  listGroupMembers: 'group',
  listGroupTokens: 'group',
  createGroupToken: 'group',
  rotateGroupToken: 'group',
  revokeGroupToken: 'group',
  groupUpdate: 'group',
  groupMemberBulkUpdate: 'group',
  disableCreationOnSubgroup: 'group',
  createGroupTokenAtLevel: 'group',
  rotateGroupTokenOfLevel: 'group',
  bulkUpdateGroupMemberToLevel: 'group',
  groupUpdateTopLevel: 'top',
  readUser: 'none',
  readOwnNamespace: 'none',
  readOtherNamespace: 'none',
  readGroupFromBelow: 'below',
  listGroupMembersFromBelow: 'below',
  usersByGroupIdFromBelow: 'below',
  groupMembersCountFromBelow: 'below',
  listGroupInheritedFromBelow: 'below',
  listGroupDescendantsFromBelow: 'below',
  userGroupMembershipsFromBelow: 'below',
  usersByGroupId: 'group',
  groupMembersCount: 'group',
  listGroupInherited: 'group',
  listGroupShared: 'group',
  // Run on the top-level group; `direct` viewers are members of the subgroup below it.
  listGroupDescendants: 'group',
  listProjectInherited: 'project',
  listProjectShared: 'project',
  userGroupMemberships: 'group',
  userProjectMemberships: 'project',
  userContributedProjects: 'project',
  searchBotName: 'project',
  userGroups: 'none',
  userGroupCount: 'none',
  userProjectCount: 'none',
  ownGroupsAndCounts: 'none',
};

const ROWS = matrixRows();

describe('authorization matrix', () => {
  let h: Harness;
  let world: MatrixWorld;
  let people: MatrixWorld['people'];
  let places: MatrixWorld['places'];
  /** Direct Developers whose role the bulk-update rows change: one of the project, one of the subgroup. */
  let target: User;
  let groupTarget: User;

  beforeAll(async () => {
    h = await startHarness();
    world = await buildMatrixWorld(h);
    ({ people, places, target, groupTarget } = world);
  });
  afterAll(() => h.close());

  /** The user and token a row runs as (none for anonymous). */
  function tokenFor(row: MatrixRow, subject: SubjectKind): { principal: Principal | null; token: string | undefined } {
    const memberOf = subject === 'group' ? 'group' : subject === 'top' ? 'top' : 'project';
    const principal = world.principalFor(row.viewer, row.scope, memberOf, row.visibility);
    return { principal, token: principal && row.scope ? principal.tokens[row.scope] : undefined };
  }

  /** A fresh token of the resource for rotate and revoke rows, made by the administrator. */
  async function victim(row: MatrixRow, subject: SubjectKind) {
    const place = places[row.visibility];
    const resource = subject === 'group' ? { group: place.sub } : { project: place.proj };
    return h.createResourceToken(resource, { name: 'victim', accessLevel: row.level ?? 40, scopes: ['read_api'] });
  }

  async function botCount(): Promise<number> {
    return h.app.dataSource.getRepository(User).countBy({ userType: 'project_bot' });
  }

  async function targetLevel(subject: SubjectKind, place: Place): Promise<number | undefined> {
    const where = subject === 'group' ? { sourceType: 'Namespace' as const, sourceId: place.sub.id } : { sourceType: 'Project' as const, sourceId: place.proj.id };
    const userId = subject === 'group' ? groupTarget.id : target.id;
    return (await h.app.dataSource.getRepository(Member).findOneBy({ ...where, userId }))?.accessLevel;
  }

  async function restoreTarget(subject: SubjectKind, place: Place): Promise<void> {
    const where = subject === 'group' ? { sourceType: 'Namespace' as const, sourceId: place.sub.id } : { sourceType: 'Project' as const, sourceId: place.proj.id };
    const userId = subject === 'group' ? groupTarget.id : target.id;
    await h.app.dataSource.getRepository(Member).update({ ...where, userId }, { accessLevel: 30, expiresAt: null });
  }

  /** Runs one row and describes what happened in the cell language of matrix-rows.ts. */
  async function run(row: MatrixRow): Promise<string> {
    const subject = SUBJECT[row.op];
    const place = places[row.visibility];
    const { principal, token } = tokenFor(row, subject);
    const options = token ? { token } : {};
    const projectPath = place.proj.fullPath;
    const groupPath = place.sub.fullPath;

    const gql = async (query: string, variables: Record<string, unknown>) => {
      const res = await h.gql(query, variables, options);
      if (res.status !== 200) {
        const message = res.body?.errors?.[0]?.message;
        const wanted = res.status === 401 ? 'Invalid token' : res.status === 403 ? 'API not accessible for user' : '?';
        return { http: message === wanted ? String(res.status) : `${res.status} ${JSON.stringify(res.body)}` };
      }
      return { res };
    };
    const topLevel = (res: { errors?: Array<{ message: string }>; data?: any }, field: string): string | null => {
      if (!res.errors?.length) return null;
      const message = res.errors[0].message;
      return message === RESOURCE_NOT_AVAILABLE && res.data?.[field] === null ? 'denied' : `error:${message}`;
    };
    const payload = (result: any, resultField: string): string => {
      if (result === null || result === undefined) return 'null payload';
      if (result.errors.length) return `err:${result.errors.join('; ')}`;
      return result[resultField] ? 'ok' : `ok without ${resultField}`;
    };
    const expectedLevel = (): number | undefined => {
      if (['anonymous', 'non-member', 'external', 'expired'].includes(row.viewer)) return 0;
      if (row.viewer === 'bot') return subject === 'group' ? 50 : 40;
      const role = row.viewer.split(' ')[1] as Role | undefined;
      return role && ROLE_LEVEL[role];
    };

    switch (row.op) {
      case 'readProject': {
        const r = await gql(
          `query($p: ID!, $ps: String!) { single: project(fullPath: $p) { fullPath maxAccessLevel { integerValue } } list: projects(fullPaths: [$ps]) { nodes { fullPath } } }`,
          { p: projectPath, ps: projectPath },
        );
        if (r.http) return r.http;
        return visibleOrHidden(r.res!, expectedLevel());
      }
      case 'readGroup':
      case 'readGroupFromBelow':
      case 'readNamespace': {
        const field = row.op === 'readNamespace' ? 'namespace' : 'group';
        const extra = row.op === 'readGroup' ? 'maxAccessLevel { integerValue }' : '';
        const r = await gql(
          `query($p: ID!, $id: ID!) { single: ${field}(fullPath: $p) { fullPath ${extra} } list: groups(ids: [$id]) { nodes { fullPath } } }`,
          { p: groupPath, id: toGlobalId(MODELS.group, place.sub.id) },
        );
        if (r.http) return r.http;
        return visibleOrHidden(r.res!, row.op === 'readGroup' ? expectedLevel() : undefined);
      }
      case 'listProjectMembers':
      case 'listProjectTokens':
      case 'listGroupMembers':
      case 'listGroupMembersFromBelow':
      case 'listGroupTokens': {
        const onProject = row.op.includes('Project');
        const field = row.op.endsWith('Tokens') ? 'accessTokens { nodes { id } }' : `${onProject ? 'projectMembers' : 'groupMembers'} { nodes { user { username } } }`;
        const r = await gql(`query($p: ID!) { parent: ${onProject ? 'project' : 'group'}(fullPath: $p) { ${field} } }`, {
          p: onProject ? projectPath : groupPath,
        });
        if (r.http) return r.http;
        const res = r.res!;
        if (res.errors?.length) return `error:${res.errors[0].message}`;
        if (res.data.parent === null) return 'hidden';
        const value = Object.values(res.data.parent)[0] as { nodes: Array<{ user?: { username: string } }> } | null;
        if (value === null) return 'null';
        const member = onProject ? 'target' : 'gtarget';
        if (row.op === 'listGroupMembersFromBelow') return 'ok';
        if (!row.op.endsWith('Tokens') && !value.nodes.some((n) => n.user?.username === member)) return 'ok but the direct member is missing';
        return 'ok';
      }
      case 'createProjectToken':
      case 'createGroupToken':
      case 'createProjectTokenAtLevel':
      case 'createGroupTokenAtLevel': {
        const kind = subject === 'group' ? 'group' : 'project';
        const before = await botCount();
        const r = await gql(
          `mutation($p: ID!, $level: MemberAccessLevel) { m: ${kind}AccessTokenCreate(input: { ${kind}Path: $p, name: "matrix", scopes: ["api"], accessLevel: $level }) {
            errors token accessToken { accessLevel { integerValue } } } }`,
          { p: kind === 'group' ? groupPath : projectPath, level: row.level ? LEVEL_ENUM[row.level] : null },
        );
        if (r.http) return r.http;
        const outcome = topLevel(r.res!, 'm') ?? payload(r.res!.data.m, 'token');
        const created = (await botCount()) - before;
        if (created !== (outcome === 'ok' ? 1 : 0)) return `${outcome}, but ${created} bot(s) were created`;
        if (outcome === 'ok' && r.res!.data.m.accessToken.accessLevel.integerValue !== (row.level ?? 40)) return 'ok at the wrong level';
        return outcome;
      }
      case 'rotateProjectToken':
      case 'rotateGroupToken':
      case 'rotateProjectTokenOfLevel':
      case 'rotateGroupTokenOfLevel':
      case 'revokeProjectToken':
      case 'revokeGroupToken': {
        const kind = subject === 'group' ? 'group' : 'project';
        const action = row.op.startsWith('rotate') ? 'Rotate' : 'Revoke';
        const old = await victim(row, subject);
        const r = await gql(
          `mutation($p: ID!, $id: PersonalAccessTokenID!) { m: ${kind}AccessToken${action}(input: { ${kind}Path: $p, id: $id }) { errors accessToken { id } } }`,
          { p: kind === 'group' ? groupPath : projectPath, id: toGlobalId(MODELS.personalAccessToken, old.token.id) },
        );
        if (r.http) return r.http;
        const outcome = topLevel(r.res!, 'm') ?? payload(r.res!.data.m, 'accessToken');
        const revoked = (await h.app.dataSource.getRepository(PersonalAccessToken).findOneByOrFail({ id: old.token.id })).revoked;
        if (revoked !== (outcome === 'ok')) return `${outcome}, but the token is ${revoked ? '' : 'not '}revoked`;
        return outcome;
      }
      case 'groupUpdate':
      case 'groupUpdateTopLevel':
      case 'disableCreationOnSubgroup': {
        const path = row.op === 'groupUpdateTopLevel' ? place.top.fullPath : groupPath;
        const r = await gql(
          `mutation($p: ID!, $allowed: Boolean) { m: groupUpdate(input: { fullPath: $p, resourceAccessTokenCreationAllowed: $allowed }) { errors group { fullPath resourceAccessTokenCreationAllowed } } }`,
          { p: path, allowed: row.op !== 'disableCreationOnSubgroup' },
        );
        if (r.http) return r.http;
        const outcome = topLevel(r.res!, 'm') ?? payload(r.res!.data.m, 'group');
        if (outcome === 'ok' && r.res!.data.m.group.resourceAccessTokenCreationAllowed !== true) return 'ok, but the setting is off';
        return outcome;
      }
      case 'projectMemberBulkUpdate':
      case 'groupMemberBulkUpdate':
      case 'bulkUpdateProjectMemberToLevel':
      case 'bulkUpdateGroupMemberToLevel': {
        const kind = subject === 'group' ? 'group' : 'project';
        const level = row.level ?? 30;
        const r = await gql(
          `mutation($id: ${kind === 'group' ? 'GroupID' : 'ProjectID'}!, $u: UserID!, $level: MemberAccessLevel!) {
            m: ${kind}MemberBulkUpdate(input: { ${kind}Id: $id, userIds: [$u], accessLevel: $level }) { errors ${kind}Members { accessLevel { integerValue } } } }`,
          {
            id: toGlobalId(kind === 'group' ? MODELS.group : MODELS.project, kind === 'group' ? place.sub.id : place.proj.id),
            u: toGlobalId(MODELS.user, kind === 'group' ? groupTarget.id : target.id),
            level: LEVEL_ENUM[level],
          },
        );
        if (r.http) return r.http;
        const outcome = topLevel(r.res!, 'm') ?? payload(r.res!.data.m, `${kind}Members`);
        const now = await targetLevel(subject, place);
        await restoreTarget(subject, place);
        if (now !== (outcome === 'ok' ? level : 30)) return `${outcome}, but the member is now at ${now}`;
        return outcome;
      }
      case 'usersByGroupId':
      case 'usersByGroupIdFromBelow': {
        const r = await gql(`query($g: GroupID) { users(groupId: $g, first: 100) { count nodes { username } } }`, {
          g: toGlobalId(MODELS.group, place.sub.id),
        });
        if (r.http) return r.http;
        if (r.res!.errors?.length) return `error:${r.res!.errors[0].message}`;
        const { count, nodes } = r.res!.data.users as { count: number; nodes: Array<{ username: string }> };
        if (count === 0 && nodes.length === 0) return 'none';
        if (count !== nodes.length) return `count ${count} for ${nodes.length} nodes`;
        return nodes.some((n) => n.username === 'gtarget') ? 'ok' : 'ok but the direct member is missing';
      }
      case 'groupMembersCount':
      case 'groupMembersCountFromBelow': {
        const r = await gql(`query($p: ID!) { group(fullPath: $p) { groupMembersCount } }`, { p: groupPath });
        if (r.http) return r.http;
        if (r.res!.errors?.length) return `error:${r.res!.errors[0].message}`;
        if (r.res!.data.group === null) return 'hidden';
        const count = r.res!.data.group.groupMembersCount as number;
        const actual = await h.app.dataSource
          .getRepository(Member)
          .createQueryBuilder('m')
          .where(`m.source_type = 'Namespace' AND m.source_id = :id`, { id: place.sub.id })
          .andWhere('(m.expires_at IS NULL OR m.expires_at > :today)', { today: TODAY })
          .getCount();
        if (count === 0) return '0';
        return count === actual ? 'counted' : `count ${count}, not ${actual}`;
      }
      case 'listGroupInherited':
      case 'listGroupInheritedFromBelow':
      case 'listGroupShared':
      case 'listProjectInherited':
      case 'listProjectShared':
      case 'listGroupDescendants':
      case 'listGroupDescendantsFromBelow': {
        const onProject = row.op.startsWith('listProject');
        const relations = row.op.includes('Inherited')
          ? '[INHERITED]'
          : row.op.includes('Descendants')
            ? '[DESCENDANTS]'
            : onProject
              ? '[INVITED_GROUPS, SHARED_INTO_ANCESTORS]'
              : '[SHARED_FROM_GROUPS]';
        const field = onProject ? 'projectMembers' : 'groupMembers';
        const path = onProject ? projectPath : row.op.includes('Descendants') ? place.top.fullPath : groupPath;
        const r = await gql(
          `query($p: ID!) { parent: ${onProject ? 'project' : 'group'}(fullPath: $p) { list: ${field}(relations: ${relations}, first: 100) {
            nodes { user { username } ${onProject ? '... on ProjectMember { source: project { fullPath } } ... on GroupMember { source: group { fullPath } }' : 'source: group { fullPath }'} } } } }`,
          { p: path },
        );
        if (r.http) return r.http;
        if (r.res!.errors?.length) return `error:${r.res!.errors[0].message}`;
        if (r.res!.data.parent === null) return 'hidden';
        const list = r.res!.data.parent.list as { nodes: Array<{ user: { username: string }; source: unknown }> } | null;
        if (list === null) return 'null';
        const names = list.nodes.map((n) => n.user.username);
        // A member whose group or project the viewer cannot see is a member of something hidden.
        if (list.nodes.some((n) => n.source === null)) return `lists members of what it hides: ${names.join(', ')}`;
        if (!names.length) return 'none';
        if (row.op.includes('Descendants')) {
          const parts = [names.includes('gtarget') && 'sub', names.includes('hdev') && 'hidden', names.includes('cdev') && 'closed'].filter(Boolean);
          if (names.includes('i_owner')) parts.push('the group itself');
          return parts.join('+') || `others: ${names.join(', ')}`;
        }
        const direct = onProject ? 'target' : 'gtarget';
        const expected = onProject ? ['g_owner', 'i_owner'] : ['i_owner'];
        if (names.includes(direct)) return 'ok but with the direct members';
        return expected.every((n) => names.includes(n)) ? 'ok' : `ok without ${expected.filter((n) => !names.includes(n)).join(', ')}`;
      }
      case 'userGroupMemberships':
      case 'userGroupMembershipsFromBelow':
      case 'userProjectMemberships': {
        const onProject = row.op === 'userProjectMemberships';
        const kind = onProject ? 'project' : 'group';
        const r = await gql(
          `query($u: String!) { users(usernames: [$u]) { nodes {
            memberships: ${kind}Memberships(first: 100) { nodes { source: ${kind} { fullPath } } } } } }`,
          { u: onProject ? 'target' : 'gtarget' },
        );
        if (r.http) return r.http;
        if (r.res!.errors?.length) return `error:${r.res!.errors[0].message}`;
        const user = r.res!.data.users.nodes[0];
        const memberships = user.memberships.nodes as Array<{ source: { fullPath: string } | null }>;
        if (memberships.some((m) => m.source === null)) return 'a membership of something hidden';
        const path = onProject ? projectPath : groupPath;
        return memberships.some((m) => m.source!.fullPath === path) ? 'listed' : 'unlisted';
      }
      case 'userContributedProjects': {
        const r = await gql(`query($u: String!) { users(usernames: [$u]) { nodes { contributedProjects(first: 100) { nodes { fullPath } } } } }`, { u: 'target' });
        if (r.http) return r.http;
        if (r.res!.errors?.length) return `error:${r.res!.errors[0].message}`;
        const projects = r.res!.data.users.nodes[0].contributedProjects.nodes as Array<{ fullPath: string }>;
        return projects.some((p) => p.fullPath === projectPath) ? 'listed' : 'unlisted';
      }
      case 'userGroups':
      case 'userGroupCount':
      case 'userProjectCount': {
        const field = row.op === 'userGroups' ? 'groups(first: 100) { nodes { fullPath } }' : row.op === 'userGroupCount' ? 'groupCount' : 'projectCount';
        const r = await gql(`query($u: String!) { users(usernames: [$u]) { nodes { answer: ${field} } } }`, { u: row.op === 'userProjectCount' ? 'target' : 'gtarget' });
        if (r.http) return r.http;
        if (r.res!.errors?.length) return `error:${r.res!.errors[0].message}`;
        const answer = r.res!.data.users.nodes[0].answer;
        if (answer === null) return 'null';
        if (row.op !== 'userGroups') return answer === 3 ? 'ok' : `count ${answer}`;
        const paths = (answer.nodes as Array<{ fullPath: string }>).map((g) => g.fullPath).sort();
        const expected = VISIBILITIES.map((v) => places[v].sub.fullPath).sort();
        return JSON.stringify(paths) === JSON.stringify(expected) ? 'ok' : `groups ${paths.join(', ')}`;
      }
      case 'ownGroupsAndCounts': {
        const r = await gql(`query { currentUser { groupCount projectCount groups(first: 100) { nodes { fullPath } } } }`, {});
        if (r.http) return r.http;
        if (r.res!.errors?.length) return `error:${r.res!.errors[0].message}`;
        const me = r.res!.data.currentUser;
        if (me === null) return 'hidden';
        const answered = typeof me.groupCount === 'number' && typeof me.projectCount === 'number' && Array.isArray(me.groups?.nodes);
        return answered ? 'ok' : `answered ${JSON.stringify(me)}`;
      }
      case 'searchBotName': {
        const r = await gql(`query($s: String!, $u: String!) { found: users(search: $s) { count nodes { username } } named: users(usernames: [$u]) { nodes { name } } }`, {
          s: place.helper.name,
          u: place.helper.username,
        });
        if (r.http) return r.http;
        if (r.res!.errors?.length) return `error:${r.res!.errors[0].message}`;
        const found = r.res!.data.found as { count: number; nodes: Array<{ username: string }> };
        const name = r.res!.data.named.nodes[0]?.name;
        const hit = found.nodes.some((n) => n.username === place.helper.username);
        if (found.count !== found.nodes.length) return `count ${found.count} for ${found.nodes.length} nodes`;
        if (hit && name === place.helper.name) return 'found';
        if (!hit && name === '****') return 'unfound';
        return `search ${hit ? 'finds' : 'misses'} it while its name reads ${name}`;
      }
      case 'readUser': {
        const r = await gql(`query { single: user(username: "someone") { username } }`, {});
        if (r.http) return r.http;
        const refused = topLevel(r.res!, 'single');
        if (refused) return refused;
        return r.res!.data.single ? 'visible' : 'hidden';
      }
      case 'readOwnNamespace':
      case 'readOtherNamespace': {
        const path = row.op === 'readOwnNamespace' ? principal!.user.username : 'someone';
        const r = await gql(`query($p: ID!) { single: namespace(fullPath: $p) { fullPath } }`, { p: path });
        if (r.http) return r.http;
        if (r.res!.errors?.length) return `error:${r.res!.errors[0].message}`;
        return r.res!.data.single ? 'visible' : 'hidden';
      }
    }
    throw new Error(`no runner for ${row.op}`);
  }

  function visibleOrHidden(res: { errors?: Array<{ message: string }>; data?: any }, level: number | undefined): string {
    if (res.errors?.length) return `error:${res.errors[0].message}`;
    const single = res.data.single;
    const listed = res.data.list.nodes.length > 0;
    if (single && listed) {
      if (level !== undefined && single.maxAccessLevel && single.maxAccessLevel.integerValue !== level) {
        return `visible with maxAccessLevel ${single.maxAccessLevel.integerValue}, not ${level}`;
      }
      return 'visible';
    }
    if (!single && !listed) return 'hidden';
    return `single object ${single ? 'readable' : 'null'} but ${listed ? 'listed' : 'not listed'}: the SQL filter and the policy disagree`;
  }

  const title = (r: MatrixRow) =>
    `${r.op}${r.level ? `@${r.level}` : ''} | ${r.viewer} | ${r.scope ?? 'no token'} | ${r.visibility} -> ${r.expected}${r.note ? ` (${r.note})` : ''}`;

  it(`has several hundred rows (${ROWS.length})`, () => {
    expect(ROWS.length).toBeGreaterThan(500);
    expect(new Set(ROWS.map(title)).size).toBe(ROWS.length);
  });

  it.each(ROWS.map((row) => [title(row), row] as const))('%s', async (_title, row) => {
    const subject = SUBJECT[row.op];
    const principal = tokenFor(row, subject).principal;
    const expected = row.expected.replace('{viewer}', principal?.user.name ?? '');
    expect(await run(row)).toBe(expected);
  });

  // The two checks below send hundreds of requests in one test: their time-outs allow for a loaded machine.
  it('lists exactly the projects and groups each viewer may read, and vice versa', async () => {
    const projectPaths = (await h.app.dataSource.getRepository(ProjectEntity).find()).map((p) => p.fullPath);
    const groupPaths = (await h.app.dataSource.getRepository(NamespaceEntity).findBy({ type: 'Group' })).map((g) => g.fullPath);
    expect(projectPaths.length).toBeGreaterThan(6);
    const aliases = (field: string, paths: string[]) => paths.map((p, i) => `a${i}: ${field}(fullPath: "${p}") { fullPath }`).join(' ');
    const viewers: Array<{ label: string; token?: string }> = [
      { label: 'anonymous' },
      ...[...people.entries()].filter(([name]) => !['blocked', 'deactivated'].includes(name)).map(([label, p]) => ({ label, token: p.tokens.api })),
      ...VISIBILITIES.map((v) => ({ label: `bot of ${v}`, token: places[v].projectBots.api.tokens.api })),
    ];
    for (const viewer of viewers) {
      const res = await h.gql(
        `{ projects(first: 100) { nodes { fullPath } } groups(first: 100) { nodes { fullPath } } ${aliases('project', projectPaths)} }`,
        {},
        viewer.token ? { token: viewer.token } : {},
      );
      expect(res.errors).toBeUndefined();
      const groups = await h.gql(`{ ${aliases('group', groupPaths)} }`, {}, viewer.token ? { token: viewer.token } : {});
      const readable = (data: Record<string, any>) =>
        Object.entries(data)
          .filter(([k, v]) => /^a\d+$/.test(k) && v)
          .map(([, v]) => v.fullPath)
          .sort();
      const listedProjects = res.data.projects.nodes.map((n: any) => n.fullPath).filter((p: string) => projectPaths.includes(p)).sort();
      const listedGroups = res.data.groups.nodes.map((n: any) => n.fullPath).filter((p: string) => groupPaths.includes(p)).sort();
      expect({ viewer: viewer.label, projects: listedProjects, groups: listedGroups }).toEqual({
        viewer: viewer.label,
        projects: readable(res.data),
        groups: readable(groups.data),
      });
    }
  }, 300_000);

  it("shows a user's group membership exactly where the group's member list is readable", async () => {
    const groupPaths = (await h.app.dataSource.getRepository(NamespaceEntity).findBy({ type: 'Group' })).map((g) => g.fullPath);
    const memberships: Array<{ username: string; path: string }> = await h.app.dataSource
      .getRepository(Member)
      .createQueryBuilder('m')
      .innerJoin('users', 'u', 'u.id = m.user_id')
      .innerJoin('namespaces', 'g', 'g.id = m.source_id')
      .select(['u.username AS username', 'g.full_path AS path'])
      .where(`m.source_type = 'Namespace' AND (m.expires_at IS NULL OR m.expires_at > :today)`, { today: TODAY })
      .getRawMany();
    const viewers: Array<{ label: string; token?: string }> = [
      { label: 'anonymous' },
      ...[...people.entries()].filter(([name]) => !['blocked', 'deactivated'].includes(name)).map(([label, p]) => ({ label, token: p.tokens.api })),
      ...VISIBILITIES.map((v) => ({ label: `group bot of ${v}`, token: places[v].groupBots.api.tokens.api })),
    ];
    const lists = groupPaths.map((p, i) => `a${i}: group(fullPath: "${p}") { groupMembers(first: 1) { nodes { id } } }`).join(' ');
    for (const viewer of viewers) {
      const options = viewer.token ? { token: viewer.token } : {};
      const readable = await h.gql(`{ ${lists} }`, {}, options);
      expect(readable.errors).toBeUndefined();
      const listReadable = new Set(groupPaths.filter((_p, i) => readable.data[`a${i}`]?.groupMembers));
      const nodes: any[] = [];
      let after: string | null = null;
      do {
        const shown: { errors?: unknown; data: any } = await h.gql(
          `query($after: String) { users(first: 50, after: $after) { pageInfo { hasNextPage endCursor } nodes { username groupMemberships(first: 100) { nodes { group { fullPath } } } } } }`,
          { after },
          options,
        );
        expect(shown.errors).toBeUndefined();
        nodes.push(...shown.data.users.nodes);
        after = shown.data.users.pageInfo.hasNextPage ? shown.data.users.pageInfo.endCursor : null;
      } while (after);
      const listedUsers = new Set<string>(nodes.map((n) => n.username));
      const seen = nodes.flatMap((n) => n.groupMemberships.nodes.map((m: any) => `${n.username} in ${m.group?.fullPath}`)).sort();
      const expected = memberships
        .filter((m) => listedUsers.has(m.username) && listReadable.has(m.path))
        .map((m) => `${m.username} in ${m.path}`)
        .sort();
      expect({ viewer: viewer.label, seen }).toEqual({ viewer: viewer.label, seen: expected });
    }
  }, 300_000);

  it('left the tokens of blocked and deactivated users unrevoked', async () => {
    for (const name of ['blocked', 'deactivated']) {
      const tokens = await h.app.dataSource.getRepository(PersonalAccessToken).findBy({ userId: people.get(name)!.user.id });
      expect(tokens.length).toBe(3);
      expect(tokens.every((t) => !t.revoked)).toBe(true);
    }
  });
});
