import type { Namespace } from '../../src/modules/namespace/namespace.entity';
import type { Project } from '../../src/modules/project/project.entity';
import { useHarness } from '../helpers/harness';

/**
 * Who may manage deploy tokens, as a matrix: viewer × visibility × operation → REST answer. The
 * tables are written out by hand from GitLab's policies (reference gitlab-git-registry-deploy-sharing.md
 * §3.3 and §3.4: project tokens Maintainer and above; group tokens read by Maintainers, created and
 * deleted by Owners; `:id` lookup first, so what the viewer cannot see is 404, then `authorize!`, 403).
 * The list rows are also asked over GraphQL (`Project.deployTokens`, `Group.deployTokens`), which must
 * agree. Nothing here asks Labgate's policy for an answer.
 *
 * Each visibility V has a top group `m-V`, its subgroup `m-V/sub` and the project `m-V/sub/proj`, all
 * of visibility V. `direct R` holds role R on the project and on the subgroup; `inherited R` holds it
 * on the top group only.
 */

const VISIBILITIES = ['private', 'internal', 'public'] as const;
type Visibility = (typeof VISIBILITIES)[number];
const ROLES = ['Guest', 'Planner', 'Reporter', 'Developer', 'Maintainer', 'Owner'] as const;

type Viewer = 'anonymous' | 'non-member' | 'external' | 'admin' | `direct ${(typeof ROLES)[number]}` | `inherited ${'Developer' | 'Maintainer' | 'Owner'}`;
/** `ok`, or the status of the refusal, per visibility (private, internal, public). */
type Row = readonly [string, string, string];

const ALLOWED: Row = ['ok', 'ok', 'ok'];
const FORBIDDEN: Row = ['403', '403', '403'];
/** The resource is found (or not) by its visibility alone, and then refused. */
const BY_VISIBILITY: Record<'anonymous' | 'non-member' | 'external', Row> = {
  anonymous: ['404', '404', '403'],
  'non-member': ['404', '403', '403'],
  external: ['404', '404', '403'],
};

/** Project deploy tokens: list, get, create and delete all need Maintainer (`*_deploy_token`). */
const PROJECT_MATRIX: Record<Viewer, Row> = {
  ...BY_VISIBILITY,
  'direct Guest': FORBIDDEN,
  'direct Planner': FORBIDDEN,
  'direct Reporter': FORBIDDEN,
  'direct Developer': FORBIDDEN,
  'direct Maintainer': ALLOWED,
  'direct Owner': ALLOWED,
  'inherited Developer': FORBIDDEN,
  'inherited Maintainer': ALLOWED,
  'inherited Owner': ALLOWED,
  admin: ALLOWED,
};

/** Group deploy tokens, read (list, get): Maintainer. */
const GROUP_READ_MATRIX: Record<Viewer, Row> = { ...PROJECT_MATRIX };

/** Group deploy tokens, write (create, delete): Owner. */
const GROUP_WRITE_MATRIX: Record<Viewer, Row> = {
  ...PROJECT_MATRIX,
  'direct Maintainer': FORBIDDEN,
  'inherited Maintainer': FORBIDDEN,
};

const SUCCESS = { list: '200', get: '200', create: '201', delete: '204' } as const;
type Operation = keyof typeof SUCCESS;
const VIEWERS = Object.keys(PROJECT_MATRIX) as Viewer[];

describe('who may manage deploy tokens (REST matrix)', () => {
  const h = useHarness();
  const secrets: Partial<Record<Viewer, string>> = {};
  const worlds = {} as Record<Visibility, { sub: Namespace; project: Project }>;

  beforeAll(async () => {
    const users: Record<string, Awaited<ReturnType<typeof h.createUser>>> = {};
    for (const viewer of VIEWERS) {
      if (viewer === 'anonymous') continue;
      const username = `m-${viewer.replace(' ', '-').toLowerCase()}`;
      users[viewer] = await h.createUser(username, { admin: viewer === 'admin', external: viewer === 'external' });
      secrets[viewer] = (await h.createPat(users[viewer], ['api'])).secret;
    }
    for (const visibility of VISIBILITIES) {
      const top = await h.createGroup(`m-${visibility}`, { visibility });
      const sub = await h.createGroup('sub', { parent: top.fullPath, visibility });
      const project = await h.createProject('proj', sub.fullPath, { visibility });
      for (const role of ROLES) {
        await h.addMember({ project }, users[`direct ${role}`], role.toLowerCase());
        await h.addMember({ group: sub }, users[`direct ${role}`], role.toLowerCase());
      }
      for (const role of ['Developer', 'Maintainer', 'Owner'] as const) await h.addMember({ group: top }, users[`inherited ${role}`], role.toLowerCase());
      worlds[visibility] = { sub, project };
    }
  });

  async function answer(viewer: Viewer, holder: 'project' | 'group', visibility: Visibility, operation: Operation): Promise<string> {
    const { sub, project } = worlds[visibility];
    const base = holder === 'project' ? `/api/v4/projects/${project.id}/deploy_tokens` : `/api/v4/groups/${sub.id}/deploy_tokens`;
    const target = holder === 'project' ? { kind: 'project' as const, project } : { kind: 'group' as const, group: sub };
    // A token of the holder for get and delete, made by the instance administrator.
    const existing = operation === 'get' || operation === 'delete'
      ? (await h.app.services.deployTokens.create(h.system(), target, { name: 'm', scopes: ['read_repository'] })).token.id
      : null;
    const before = await h.rowCounts();
    const headers: Record<string, string> = { 'content-type': 'application/json', ...(secrets[viewer] ? { 'private-token': secrets[viewer]! } : {}) };
    const request =
      operation === 'list' ? { method: 'GET', url: base }
      : operation === 'get' ? { method: 'GET', url: `${base}/${existing}` }
      : operation === 'create' ? { method: 'POST', url: base, body: JSON.stringify({ name: 'm', scopes: ['read_registry'] }) }
      : { method: 'DELETE', url: `${base}/${existing}` };
    const res = await h.request({ ...request, headers });
    const status = String(res.status);
    if (operation === 'list') {
      // GraphQL answers the same question the GraphQL way: the field is null where REST says 403, the
      // object itself null where REST says 404.
      const field = holder === 'project' ? 'project' : 'group';
      const path = holder === 'project' ? project.fullPath : sub.fullPath;
      const gql = await h.gql(`{ ${field}(fullPath: "${path}") { deployTokens { count } } }`, {}, secrets[viewer] ? { token: secrets[viewer] } : {});
      expect(gql.errors).toBeUndefined();
      const object = gql.data[field];
      const graphqlAnswer = object === null ? '404' : object.deployTokens === null ? '403' : SUCCESS.list;
      expect(graphqlAnswer).toBe(status);
    }
    if (status === SUCCESS[operation]) return 'ok';
    // A refusal writes nothing.
    expect(await h.rowCounts()).toEqual(before);
    return status;
  }

  const cases: Array<[string, Viewer, 'project' | 'group', Operation, Record<Viewer, Row>]> = [];
  for (const viewer of VIEWERS) {
    for (const operation of ['list', 'get', 'create', 'delete'] as const) {
      cases.push([`${viewer} ${operation}s project tokens`, viewer, 'project', operation, PROJECT_MATRIX]);
      cases.push([`${viewer} ${operation}s group tokens`, viewer, 'group', operation, operation === 'list' || operation === 'get' ? GROUP_READ_MATRIX : GROUP_WRITE_MATRIX]);
    }
  }

  it.each(cases)('%s', async (_, viewer, holder, operation, matrix) => {
    const got: string[] = [];
    for (const visibility of VISIBILITIES) got.push(await answer(viewer, holder, visibility, operation));
    expect(got).toEqual([...matrix[viewer]]);
  });
});
