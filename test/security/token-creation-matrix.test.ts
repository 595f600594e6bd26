/**
 * Authorization matrix, token creation (issue 18, DESIGN.md habit 20): no token creates a token that
 * can do more than itself. Each row names a creating token (classic scopes, fine-grained permissions
 * on a boundary, an expiry), what it asks for (a personal token with classic scopes or fine-grained
 * scopes, a project token, the rotation of another token) and the outcome, over GraphQL and, where
 * GitLab has the endpoint, over REST. Cells:
 *
 *   ok          made; the new token is then checked: its expiry is no later than the creator's, it is
 *               fine-grained exactly when a personal token's creator is, and the creator covers it
 *   err:TEXT    refused with this payload error (REST: 400 / 422 with the same text), nothing written
 *   granular    refused by the fine-grained check before the service runs (GitLab's "Access denied")
 *
 * Every creating token expires in 30 days (`day(30)`); `late` asks for day 31.
 */
import { scopesCover } from '../../src/auth/scopes';
import { MODELS, toGlobalId } from '../../src/core/global-id';
import { PersonalAccessToken } from '../../src/modules/access-token/personal-access-token.entity';
import type { Namespace } from '../../src/modules/namespace/namespace.entity';
import type { Project } from '../../src/modules/project/project.entity';
import type { User } from '../../src/modules/user/user.entity';
import { addDays } from '../../src/clock';
import { startHarness, TODAY, type Harness } from '../helpers/harness';

const day = (n: number) => addDays(TODAY, n);
const CREATOR_EXPIRY = day(30);

type Creator =
  | 'classic api'
  | 'classic api, admin'
  | 'classic api sudo admin_mode, admin'
  | 'fine-grained user'
  | 'fine-grained project app'
  | 'fine-grained group tc'
  | 'fine-grained all memberships'
  | 'project bot api';

type Wanted =
  | { kind: 'personal'; scopes: string[]; late?: boolean }
  | { kind: 'granular'; scopes: Array<{ access: string; permissions: string[]; on?: 'app' | 'other' | 'tc' }>; late?: boolean }
  | { kind: 'project'; scopes: string[]; level?: number; late?: boolean }
  | { kind: 'rotate'; target: 'classic api' | 'classic api sudo' | 'granular user read_user' | 'granular all read_project'; late?: boolean };

interface Row {
  creator: Creator;
  wanted: Wanted;
  expected: string;
  /** The REST cell where it differs (Grape refuses a scope outside the endpoint's list first). */
  rest?: string;
}

const FINE_GRAINED_ONLY = 'err:A fine-grained token can only create fine-grained tokens';
const SCOPES_NOT_HELD = 'err:Scopes of the token contain permissions not held by the creating token';
const GRANULAR_NOT_HELD = 'err:Granular scopes of the token contain permissions not held by the creating token';
const NOT_AVAILABLE_SCOPES = 'err:Scopes can only contain available scopes';
const LATE = `err:Expires at cannot be later than the expiry date of the creating token (${CREATOR_EXPIRY})`;
const LEVEL_NOT_HELD = 'err:Access level of the token contains permissions not held by the creating user';
const NOT_VALID_VALUE = 'err:scopes does not have a valid value';

const personal = (scopes: string[], late?: boolean): Wanted => ({ kind: 'personal', scopes, late });
const granular = (scopes: Array<{ access: string; permissions: string[]; on?: 'app' | 'other' | 'tc' }>, late?: boolean): Wanted => ({ kind: 'granular', scopes, late });
const USER_READ = [{ access: 'USER', permissions: ['read_user'] }];

/** The table, written out by hand from the rule (see src/modules/access-token/creator-bounds.ts). */
const ROWS: Row[] = [
  // Classic scopes for one's own user: GitLab's self-service scopes, or an administrator's.
  { creator: 'classic api', wanted: personal(['self_rotate']), expected: 'ok' },
  { creator: 'classic api', wanted: personal(['k8s_proxy', 'self_rotate']), expected: 'ok' },
  { creator: 'classic api', wanted: personal(['read_api']), expected: NOT_AVAILABLE_SCOPES, rest: NOT_VALID_VALUE },
  { creator: 'classic api', wanted: personal(['api']), expected: NOT_AVAILABLE_SCOPES, rest: NOT_VALID_VALUE },
  { creator: 'classic api, admin', wanted: personal(['api']), expected: 'ok' },
  { creator: 'classic api, admin', wanted: personal(['read_api', 'read_repository', 'write_registry']), expected: 'ok' },
  { creator: 'classic api, admin', wanted: personal(['api', 'sudo']), expected: SCOPES_NOT_HELD },
  { creator: 'classic api, admin', wanted: personal(['admin_mode']), expected: SCOPES_NOT_HELD },
  { creator: 'classic api sudo admin_mode, admin', wanted: personal(['api', 'sudo', 'admin_mode']), expected: 'ok' },
  { creator: 'fine-grained user', wanted: personal(['self_rotate']), expected: FINE_GRAINED_ONLY },
  { creator: 'fine-grained user', wanted: personal(['api']), expected: FINE_GRAINED_ONLY, rest: NOT_VALID_VALUE },
  // An ALL_MEMBERSHIPS token holds no USER scope (one of them per token), so it cannot ask at all.
  { creator: 'fine-grained all memberships', wanted: personal(['self_rotate']), expected: 'granular' },
  { creator: 'project bot api', wanted: personal(['self_rotate']), expected: 'err:Not permitted to create' },
  // Expiry: never later than the creator's; without a date, the creator's date at the latest.
  { creator: 'classic api', wanted: personal(['self_rotate'], true), expected: LATE },
  { creator: 'classic api, admin', wanted: personal(['api'], true), expected: LATE },
  { creator: 'fine-grained user', wanted: granular(USER_READ, true), expected: LATE },
  // Fine-grained scopes: a classic api token covers any; a fine-grained one only what it holds, where it holds it.
  { creator: 'classic api', wanted: granular([{ access: 'ALL_MEMBERSHIPS', permissions: ['read_project', 'delete_project'] }]), expected: 'ok' },
  { creator: 'fine-grained user', wanted: granular(USER_READ), expected: 'ok' },
  { creator: 'fine-grained user', wanted: granular([{ access: 'USER', permissions: ['read_user', 'read_user_email'] }]), expected: GRANULAR_NOT_HELD },
  { creator: 'fine-grained user', wanted: granular([{ access: 'SELECTED_MEMBERSHIPS', permissions: ['read_project'], on: 'app' }]), expected: GRANULAR_NOT_HELD },
  { creator: 'fine-grained user', wanted: granular([{ access: 'INSTANCE', permissions: ['read_metadata'] }]), expected: GRANULAR_NOT_HELD },
  { creator: 'fine-grained project app', wanted: granular([{ access: 'SELECTED_MEMBERSHIPS', permissions: ['read_project'], on: 'app' }]), expected: 'ok' },
  { creator: 'fine-grained project app', wanted: granular([{ access: 'SELECTED_MEMBERSHIPS', permissions: ['read_project', 'delete_project'], on: 'app' }]), expected: GRANULAR_NOT_HELD },
  { creator: 'fine-grained project app', wanted: granular([{ access: 'SELECTED_MEMBERSHIPS', permissions: ['read_project'], on: 'other' }]), expected: GRANULAR_NOT_HELD },
  { creator: 'fine-grained project app', wanted: granular([{ access: 'SELECTED_MEMBERSHIPS', permissions: ['read_project'], on: 'tc' }]), expected: GRANULAR_NOT_HELD },
  { creator: 'fine-grained project app', wanted: granular([{ access: 'ALL_MEMBERSHIPS', permissions: ['read_project'] }]), expected: GRANULAR_NOT_HELD },
  { creator: 'fine-grained group tc', wanted: granular([{ access: 'SELECTED_MEMBERSHIPS', permissions: ['read_project'], on: 'tc' }]), expected: 'ok' },
  { creator: 'fine-grained group tc', wanted: granular([{ access: 'SELECTED_MEMBERSHIPS', permissions: ['read_project'], on: 'other' }]), expected: 'ok' },
  { creator: 'fine-grained group tc', wanted: granular([{ access: 'ALL_MEMBERSHIPS', permissions: ['read_project'] }]), expected: GRANULAR_NOT_HELD },
  { creator: 'fine-grained group tc', wanted: granular([{ access: 'SELECTED_MEMBERSHIPS', permissions: ['read_project', 'read_member'], on: 'app' }]), expected: GRANULAR_NOT_HELD },
  { creator: 'fine-grained project app', wanted: granular([{ access: 'PERSONAL_PROJECTS', permissions: ['read_project'] }]), expected: GRANULAR_NOT_HELD },
  { creator: 'fine-grained all memberships', wanted: granular([{ access: 'ALL_MEMBERSHIPS', permissions: ['read_project'] }]), expected: 'granular' },
  // Project tokens: classic, the creator's scopes, role and expiry at most.
  { creator: 'classic api', wanted: { kind: 'project', scopes: ['api'] }, expected: 'ok' },
  { creator: 'classic api', wanted: { kind: 'project', scopes: ['read_api'], level: 50 }, expected: LEVEL_NOT_HELD },
  { creator: 'classic api', wanted: { kind: 'project', scopes: ['read_api'], late: true }, expected: LATE },
  { creator: 'classic api, admin', wanted: { kind: 'project', scopes: ['api', 'write_repository'], level: 50 }, expected: 'ok' },
  { creator: 'project bot api', wanted: { kind: 'project', scopes: ['read_api'], level: 40 }, expected: 'err:User does not have permission to create project access token' },
  { creator: 'fine-grained all memberships', wanted: { kind: 'project', scopes: ['read_api'] }, expected: FINE_GRAINED_ONLY },
  { creator: 'fine-grained user', wanted: { kind: 'project', scopes: ['read_api'] }, expected: 'granular' },
  // Rotating another token hands out its scopes: the same bound as creating it.
  { creator: 'classic api', wanted: { kind: 'rotate', target: 'classic api' }, expected: 'ok' },
  { creator: 'classic api', wanted: { kind: 'rotate', target: 'classic api', late: true }, expected: LATE },
  { creator: 'classic api', wanted: { kind: 'rotate', target: 'granular user read_user' }, expected: 'ok' },
  { creator: 'classic api, admin', wanted: { kind: 'rotate', target: 'classic api sudo' }, expected: SCOPES_NOT_HELD },
  { creator: 'classic api sudo admin_mode, admin', wanted: { kind: 'rotate', target: 'classic api sudo' }, expected: 'ok' },
  { creator: 'fine-grained user', wanted: { kind: 'rotate', target: 'classic api' }, expected: FINE_GRAINED_ONLY },
  { creator: 'fine-grained user', wanted: { kind: 'rotate', target: 'granular user read_user' }, expected: 'ok' },
  { creator: 'fine-grained user', wanted: { kind: 'rotate', target: 'granular all read_project' }, expected: GRANULAR_NOT_HELD },
  { creator: 'fine-grained user', wanted: { kind: 'rotate', target: 'granular user read_user', late: true }, expected: LATE },
];

const CREATE_PAT = `mutation($input: PersonalAccessTokenCreateInput!) { m: personalAccessTokenCreate(input: $input) { errors token } }`;
const CREATE_PROJECT_TOKEN = `mutation($input: ProjectAccessTokenCreateInput!) { m: projectAccessTokenCreate(input: $input) { errors token } }`;
const ROTATE_PAT = `mutation($input: PersonalAccessTokenRotateInput!) { m: personalAccessTokenRotate(input: $input) { errors token } }`;
const LEVELS: Record<number, string> = { 10: 'GUEST', 20: 'REPORTER', 30: 'DEVELOPER', 40: 'MAINTAINER', 50: 'OWNER' };

describe('authorization matrix: token creation never exceeds the creating token', () => {
  let h: Harness;
  let alice: User;
  let root: User;
  let tc: Namespace;
  let app: Project;
  let other: Project;

  beforeAll(async () => {
    h = await startHarness();
    root = await h.createUser('tcroot', { admin: true });
    alice = await h.createUser('tcalice', { name: 'Alice' });
    tc = await h.createGroup('tc', { visibility: 'private', owner: root });
    app = await h.createProject('app', 'tc');
    other = await h.createProject('other', 'tc');
    await h.addMember({ group: tc }, alice, 'maintainer');
  });
  afterAll(() => h?.close());

  const placeGid = (on: 'app' | 'other' | 'tc') => (on === 'tc' ? toGlobalId(MODELS.group, tc.id) : toGlobalId(MODELS.project, (on === 'app' ? app : other).id));

  /** A fresh creating token of each kind, expiring on day 30. */
  async function creatorToken(creator: Creator): Promise<{ secret: string; token: PersonalAccessToken; user: User }> {
    const withCreate = (scopes: Array<{ access: 'user' | 'all_memberships' | 'selected_memberships'; permissions: string[]; resources?: any[] }>) =>
      h.app.services.tokens
        .createGranular(h.as(alice), alice, { name: creator, expiresAt: CREATOR_EXPIRY, granularScopes: scopes })
        .then((issued) => ({ ...issued, user: alice }));
    const userScope = (extra: string[] = []) => ({ access: 'user' as const, permissions: ['create_user_personal_access_token', ...extra] });
    switch (creator) {
      case 'classic api':
        return { ...(await h.createPat(alice, ['api'], { name: creator, expiresAt: CREATOR_EXPIRY })), user: alice };
      case 'classic api, admin':
        return { ...(await h.createPat(root, ['api'], { name: creator, expiresAt: CREATOR_EXPIRY })), user: root };
      case 'classic api sudo admin_mode, admin':
        return { ...(await h.createPat(root, ['api', 'sudo', 'admin_mode'], { name: creator, expiresAt: CREATOR_EXPIRY })), user: root };
      case 'fine-grained user':
        return withCreate([userScope(['read_user', 'rotate_personal_access_token'])]);
      case 'fine-grained project app':
        return withCreate([userScope(), { access: 'selected_memberships', permissions: ['read_project', 'read_member'], resources: [{ kind: 'project', project: app }] }]);
      case 'fine-grained group tc':
        return withCreate([userScope(), { access: 'selected_memberships', permissions: ['read_project'], resources: [{ kind: 'group', group: tc }] }]);
      case 'fine-grained all memberships':
        return withCreate([{ access: 'all_memberships', permissions: ['read_project', 'create_resource_access_token'] }]);
      case 'project bot api': {
        const bot = await h.createResourceToken({ project: app }, { scopes: ['api'], accessLevel: 40, expiresAt: CREATOR_EXPIRY, name: creator });
        return { secret: bot.secret, token: bot.token, user: bot.bot };
      }
    }
  }

  /** The token a rotation row rotates: another token of the creator's user. */
  async function rotationTarget(target: Extract<Wanted, { kind: 'rotate' }>['target'], user: User): Promise<PersonalAccessToken> {
    switch (target) {
      case 'classic api':
        return (await h.createPat(user, ['api'], { name: 'target' })).token;
      case 'classic api sudo':
        return (await h.createPat(user, ['api', 'sudo'], { name: 'target' })).token;
      case 'granular user read_user':
        return (await h.app.services.tokens.createGranular(h.as(user), user, { name: 'target', granularScopes: [{ access: 'user', permissions: ['read_user'] }] })).token;
      case 'granular all read_project':
        return (await h.app.services.tokens.createGranular(h.as(user), user, { name: 'target', granularScopes: [{ access: 'all_memberships', permissions: ['read_project'] }] })).token;
    }
  }

  const tokens = () => h.app.dataSource.getRepository(PersonalAccessToken);

  /** What the row's request made, checked against the creator; a string names a broken rule. */
  async function checkMade(creator: PersonalAccessToken, wanted: Wanted, secret: string): Promise<string> {
    const made = await tokens().findOneByOrFail({ tokenDigest: (await import('../../src/auth/token-secret')).digestToken(secret) });
    if (made.expiresAt === null || made.expiresAt > CREATOR_EXPIRY) return `ok, but it expires ${made.expiresAt}`;
    if (creator.granular && !made.granular) return 'ok, but classic';
    if (wanted.kind === 'granular' && !made.granular) return 'ok, but classic';
    if (!made.granular && !creator.granular && !scopesCover(creator.scopes, made.scopes)) return `ok, but scopes ${made.scopes.join(',')}`;
    return 'ok';
  }

  const messageCell = (errors: string[]) => `err:${errors.join('; ')}`;
  const GRANULAR_REFUSAL = /^Access denied: Your Personal Access Token lacks the required permissions: /;

  /** Row counts just before the request, for the refusals' "nothing written". */
  let before: Record<string, number> = {};

  async function runGraphql(row: Row): Promise<string> {
    const creator = await creatorToken(row.creator);
    const target = row.wanted.kind === 'rotate' ? await rotationTarget(row.wanted.target, creator.user) : null;
    const late = row.wanted.late ? { expiresAt: day(31) } : {};
    before = await h.rowCounts();
    let res;
    switch (row.wanted.kind) {
      case 'personal':
        res = await h.gql(CREATE_PAT, { input: { name: 'made', scopes: row.wanted.scopes, ...late } }, { token: creator.secret });
        break;
      case 'granular':
        res = await h.gql(
          CREATE_PAT,
          {
            input: {
              name: 'made',
              granularScopes: row.wanted.scopes.map((s) => ({ access: s.access, permissions: s.permissions, ...(s.on ? { resourceIds: [placeGid(s.on)] } : {}) })),
              ...late,
            },
          },
          { token: creator.secret },
        );
        break;
      case 'project':
        res = await h.gql(
          CREATE_PROJECT_TOKEN,
          { input: { projectPath: app.fullPath, name: 'made', scopes: row.wanted.scopes, ...(row.wanted.level ? { accessLevel: LEVELS[row.wanted.level] } : {}), ...late } },
          { token: creator.secret },
        );
        break;
      case 'rotate':
        res = await h.gql(ROTATE_PAT, { input: { id: toGlobalId(MODELS.personalAccessToken, target!.id), ...late } }, { token: creator.secret });
        break;
    }
    if (res.errors?.length) return res.errors.every((e) => GRANULAR_REFUSAL.test(e.message)) ? 'granular' : `error:${res.errors[0].message}`;
    const payload = res.data.m;
    if (payload.errors.length) return payload.token === null ? messageCell(payload.errors) : `${messageCell(payload.errors)} with a token`;
    return checkMade(creator.token, row.wanted, payload.token);
  }

  /** The same over REST, where GitLab has the endpoint (null: none). */
  async function runRest(row: Row): Promise<string | null> {
    const creator = await creatorToken(row.creator);
    const late = row.wanted.late ? { expires_at: day(31) } : {};
    const send = (method: string, url: string, body: object) => h.rest(method, url, creator.secret, body);
    let response;
    switch (row.wanted.kind) {
      case 'personal':
        // The administrators' endpoint for administrators, GitLab's self-service one for anyone else.
        response = await send('POST', creator.user.admin ? `/users/${creator.user.id}/personal_access_tokens` : '/user/personal_access_tokens', {
          name: 'made',
          scopes: row.wanted.scopes,
          ...late,
        });
        break;
      case 'project':
        response = await send('POST', `/projects/${app.id}/access_tokens`, { name: 'made', scopes: row.wanted.scopes, ...(row.wanted.level ? { access_level: row.wanted.level } : {}), ...late });
        break;
      case 'rotate': {
        const target = await rotationTarget(row.wanted.target, creator.user);
        response = await send('POST', `/personal_access_tokens/${target.id}/rotate`, { ...late });
        break;
      }
      default:
        return null; // No REST endpoint makes a fine-grained token.
    }
    if (response.status === 201 || response.status === 200) return checkMade(creator.token, row.wanted, response.body.token);
    if (response.status === 403 && response.body?.error === 'insufficient_granular_scope') return 'granular';
    const message: string = response.body?.message ?? response.body?.error ?? JSON.stringify(response.body);
    return `err:${message.replace(/^400 Bad request - /, '')}`;
  }

  it('has rows for every kind of creating token and every kind of token made', () => {
    expect(new Set(ROWS.map((r) => r.creator)).size).toBe(8);
    expect(new Set(ROWS.map((r) => r.wanted.kind))).toEqual(new Set(['personal', 'granular', 'project', 'rotate']));
  });

  it.each(ROWS.map((row) => [`${row.creator} -> ${JSON.stringify(row.wanted)}`, row] as const))('GraphQL: %s', async (_name, row) => {
    const got = await runGraphql(row);
    expect(got).toBe(row.expected);
    if (row.expected !== 'ok') expect(await h.rowCounts()).toEqual(before);
  });

  it.each(ROWS.map((row) => [`${row.creator} -> ${JSON.stringify(row.wanted)}`, row] as const))('REST: %s', async (_name, row) => {
    const got = await runRest(row);
    if (got !== null) expect(got).toBe(row.rest ?? row.expected);
  });
});
