/**
 * Issue 3, docs/reference/gitlab-access-tokens.md §10 "Create — project" (#1-#24),
 * over `projectAccessTokenCreate`.
 *
 * REST to GraphQL: a "400 msg" is `errors: ["msg"]` in the payload with `token`/`accessToken` null and
 * nothing written; a 404 is GitLab's top-level "resource not available" error. Grape's parameter
 * errors have no GraphQL counterpart; the closest behaviour is tested instead:
 * - #5/#6 (`name is missing`, `scopes is missing`): `name` and `scopes` are non-null input fields, so
 *   GraphQL validation refuses the document; blank values give the model texts `Name can't be blank` /
 *   `Scopes can't be blank`.
 * - #7/#8 (`scopes does not have a valid value`): there is no Grape layer, so the model text GitLab's
 *   service returns for the same mistake (#24) is the payload error: `Scopes can only contain available scopes`.
 * - #9 (`access_level does not have a valid value`): `accessLevel` is the `MemberAccessLevel` enum, so
 *   0 and 60 are refused by GraphQL input coercion.
 * Not applicable:
 * - #4 is in lifecycle.test.ts (instance settings), #15 (a string level) in test/cli/token-commands.test.ts:
 *   GraphQL takes an enum, the command takes `30` or `developer`.
 * - #19 (default bot name when the service gets no name): `name` is required by the mutation and the
 *   command, as by GitLab's REST API, so the fallback cannot be reached.
 * - #21 first half (admin without admin mode): Labgate administrators always act as in admin mode.
 * - #23 `group_id == null`: Labgate does not copy the root group id onto tokens (nothing reads it).
 * - #18 "confirmed": Labgate has no e-mail confirmation.
 */
import { Member } from '../../../src/modules/member/member.entity';
import { User } from '../../../src/modules/user/user.entity';
import {
  createProjectToken,
  CREATE_PROJECT_TOKEN,
  day,
  expectNotAvailable,
  expectPayloadErrors,
  expectTokenWorks,
  idOf,
  membershipsOf,
  PROJECT_TOKENS,
  seedWorld,
  snapshot,
  tokenRow,
  userRow,
  useWorld,
} from './fixtures';

const NO_PERMISSION = 'User does not have permission to create project access token';
const LEVEL_NOT_HELD = 'Access level of the token contains permissions not held by the creating user';

describe('projectAccessTokenCreate', () => {
  // One test makes the service fail on purpose; keep its expected error out of the output.
  const { h, w } = useWorld({ config: { logErrors: false } });

  /** Runs a create that must fail with a payload error, and checks nothing was written. */
  async function expectRefused(secret: string, input: Record<string, unknown>, messages: string[]) {
    const before = await snapshot(h);
    const res = await createProjectToken(h, secret, { projectPath: w.project.fullPath, ...input });
    expectPayloadErrors(res, 'projectAccessTokenCreate', messages);
    expect(await snapshot(h)).toEqual(before);
  }

  it('#1 a Maintainer creates a Reporter token with the given expiry', async () => {
    const res = await createProjectToken(h, w.pat.maint, {
      projectPath: w.project.fullPath,
      name: 'test',
      scopes: ['api'],
      expiresAt: day(30),
      accessLevel: 'REPORTER',
      clientMutationId: 'abc',
    });
    expect(res.errors).toBeUndefined();
    const payload = res.data.projectAccessTokenCreate;
    expect(payload.errors).toEqual([]);
    expect(payload.clientMutationId).toBe('abc');
    expect(payload.token).toEqual(expect.any(String));
    expect(payload.token.length).toBeGreaterThan(20);
    expect(payload.accessToken).toMatchObject({
      name: 'test',
      scopes: ['api'],
      accessLevel: { integerValue: 20, stringValue: 'REPORTER', humanAccess: 'Reporter' },
      expiresAt: day(30),
      active: true,
      revoked: false,
      lastUsedAt: null,
      description: null,
    });
    expect(payload.accessToken.id).toMatch(/^gid:\/\/gitlab\/PersonalAccessToken\/\d+$/);
    await expectTokenWorks(h, payload.token, payload.accessToken.user.username);
  });

  it('#2 the role defaults to Maintainer', async () => {
    const res = await createProjectToken(h, w.pat.maint, { projectPath: w.project.fullPath, expiresAt: day(30) });
    expect(res.data.projectAccessTokenCreate.errors).toEqual([]);
    expect(res.data.projectAccessTokenCreate.accessToken.accessLevel).toEqual({ integerValue: 40, stringValue: 'MAINTAINER', humanAccess: 'Maintainer' });
  });

  it('#3 the expiry defaults to today + 365 days', async () => {
    const res = await createProjectToken(h, w.pat.maint, { projectPath: w.project.fullPath });
    expect(res.data.projectAccessTokenCreate.accessToken.expiresAt).toBe(day(365));
  });

  it('#5 a missing name is refused by GraphQL validation; a blank one by the model', async () => {
    const before = await snapshot(h);
    const res = await h.gql(CREATE_PROJECT_TOKEN, { input: { projectPath: w.project.fullPath, scopes: ['api'] } }, { token: w.pat.maint });
    expect(res.status).toBe(200);
    expect(res.data).toBeUndefined();
    expect(res.errors![0].message).toBe("Variable $input of type ProjectAccessTokenCreateInput! was provided invalid value for name (Expected value to not be null)");
    await expectRefused(w.pat.maint, { name: '   ' }, ["Name can't be blank"]);
    expect(await snapshot(h)).toEqual(before);
  });

  it('#6 missing scopes are refused by GraphQL validation; an empty list by the model', async () => {
    const before = await snapshot(h);
    const res = await h.gql(CREATE_PROJECT_TOKEN, { input: { projectPath: w.project.fullPath, name: 'test' } }, { token: w.pat.maint });
    expect(res.status).toBe(200);
    expect(res.data).toBeUndefined();
    expect(res.errors![0].message).toBe("Variable $input of type ProjectAccessTokenCreateInput! was provided invalid value for scopes (Expected value to not be null)");
    await expectRefused(w.pat.maint, { scopes: [] }, ["Scopes can't be blank"]);
    expect(await snapshot(h)).toEqual(before);
  });

  it('#7 an unknown scope is refused', async () => {
    await expectRefused(w.pat.maint, { scopes: ['test'] }, ['Scopes can only contain available scopes']);
    await expectRefused(w.pat.maint, { scopes: ['api', 'test'] }, ['Scopes can only contain available scopes']);
  });

  it('#8 scopes only personal tokens may carry are refused (inferred)', async () => {
    for (const scope of ['read_user', 'sudo', 'admin_mode', 'read_service_ping', 'openid', 'profile', 'email', 'ai_workflows']) {
      await expectRefused(w.pat.maint, { scopes: [scope] }, ['Scopes can only contain available scopes']);
    }
    // Administrators get no exception: these scopes never go on a bot's token.
    await expectRefused(w.pat.admin, { scopes: ['sudo'] }, ['Scopes can only contain available scopes']);
  });

  it('every scope GitLab allows on resource tokens is accepted', async () => {
    const scopes = [
      'api', 'read_api', 'create_runner', 'manage_runner', 'k8s_proxy', 'self_rotate', 'read_repository', 'write_repository',
      'read_registry', 'write_registry', 'read_virtual_registry', 'write_virtual_registry', 'read_observability',
      'write_observability', 'ai_features',
    ];
    const res = await createProjectToken(h, w.pat.maint, { projectPath: w.project.fullPath, scopes });
    expect(res.data.projectAccessTokenCreate.errors).toEqual([]);
    expect(res.data.projectAccessTokenCreate.accessToken.scopes).toEqual(scopes);
  });

  it('#9 an access level outside 10..50 is refused by input coercion (0; 60 inferred; names that are no member role)', async () => {
    const before = await snapshot(h);
    for (const level of [0, 60, 'NO_ACCESS', 'ADMIN']) {
      const res = await createProjectToken(h, w.pat.maint, { projectPath: w.project.fullPath, accessLevel: level });
      expect(res.status).toBe(200);
      expect(res.data).toBeUndefined();
      expect(res.errors![0].message).toMatch(/MemberAccessLevel/);
    }
    // MINIMAL_ACCESS is one of GitLab's MemberAccessLevel values, so it passes coercion; no token may
    // hold it, and the service says so in the payload.
    const minimal = await createProjectToken(h, w.pat.maint, { projectPath: w.project.fullPath, accessLevel: 'MINIMAL_ACCESS' });
    expect(minimal.data.projectAccessTokenCreate).toMatchObject({ token: null, errors: ['access_level does not have a valid value'] });
    expect(await snapshot(h)).toEqual(before);
  });

  it('#10 a Developer may not create one', async () => {
    await expectRefused(w.pat.dev, {}, [NO_PERMISSION]);
  });

  it('#10 neither may Reporters, Guests nor Planners', async () => {
    for (const level of ['reporter', 'guest', 'planner']) {
      const u = await h.createUser(`lvl_${level}_${w.project.id}`);
      await h.addMember({ project: w.project }, u, level);
      const { secret } = await h.createPat(u, ['api']);
      await expectRefused(secret, {}, [NO_PERMISSION]);
    }
  });

  it('#11 a bot (a Maintainer project token) may not create one', async () => {
    const bot = await h.createResourceToken({ project: w.project }, { accessLevel: 40, scopes: ['api'] });
    await expectRefused(bot.secret, {}, [NO_PERMISSION]);
    // Not even an Owner bot of the group above.
    const groupBot = await h.createResourceToken({ group: w.group }, { accessLevel: 50, scopes: ['api'] });
    await expectRefused(groupBot.secret, {}, [NO_PERMISSION]);
  });

  it('#12 a Maintainer cannot mint an Owner token', async () => {
    await expectRefused(w.pat.maint, { accessLevel: 'OWNER' }, [LEVEL_NOT_HELD]);
  });

  it('#13 an Owner can mint an Owner token; the bot is an Owner member of P', async () => {
    const res = await createProjectToken(h, w.pat.owner, { projectPath: w.project.fullPath, accessLevel: 'OWNER' });
    const payload = res.data.projectAccessTokenCreate;
    expect(payload.errors).toEqual([]);
    expect(payload.accessToken.accessLevel.integerValue).toBe(50);
    const botId = Number(payload.accessToken.user.id.split('/').pop());
    const memberships = await membershipsOf(h, botId);
    expect(memberships).toEqual([expect.objectContaining({ sourceType: 'Project', sourceId: w.project.id, accessLevel: 50 })]);
  });

  it('#14 a Maintainer cannot mint a Planner token (inferred, current table)', async () => {
    await expectRefused(w.pat.maint, { accessLevel: 'PLANNER' }, [LEVEL_NOT_HELD]);
  });

  it('#14 the encompass table: what a Maintainer and a Developer-level creator may hand out', async () => {
    for (const level of ['GUEST', 'REPORTER', 'DEVELOPER', 'MAINTAINER']) {
      const res = await createProjectToken(h, w.pat.maint, { projectPath: w.project.fullPath, accessLevel: level, name: `m-${level}` });
      expect(res.data.projectAccessTokenCreate.errors).toEqual([]);
      expect(res.data.projectAccessTokenCreate.accessToken.accessLevel.stringValue).toBe(level);
    }
    // An Owner may hand out Planner.
    const planner = await createProjectToken(h, w.pat.owner, { projectPath: w.project.fullPath, accessLevel: 'PLANNER' });
    expect(planner.data.projectAccessTokenCreate.accessToken.accessLevel.integerValue).toBe(15);
  });

  it('#15 (GraphQL form) a Developer-level token makes the bot a Developer member', async () => {
    const res = await createProjectToken(h, w.pat.maint, { projectPath: w.project.fullPath, accessLevel: 'DEVELOPER' });
    const botId = idOf(res.data.projectAccessTokenCreate.accessToken.user.id);
    expect((await membershipsOf(h, botId)).map((m) => m.accessLevel)).toEqual([30]);
  });

  it('#16 an expiry past the maximum is refused and no bot remains (inferred)', async () => {
    await expectRefused(w.pat.maint, { expiresAt: day(366) }, [`Expires at must be before ${day(365)}`]);
    // The maximum itself is fine.
    const res = await createProjectToken(h, w.pat.maint, { projectPath: w.project.fullPath, expiresAt: day(365) });
    expect(res.data.projectAccessTokenCreate.accessToken.expiresAt).toBe(day(365));
  });

  it('a date in the past is refused with the wording of GitLab\'s FutureDateValidator (issue 7; inferred for tokens)', async () => {
    await expectRefused(w.pat.maint, { expiresAt: day(-1) }, ['Expires at cannot be a date in the past']);
  });

  it('today is not in the past: the token is born expired, as GitLab would make it', async () => {
    const res = await createProjectToken(h, w.pat.maint, { projectPath: w.project.fullPath, expiresAt: day(0) });
    const payload = res.data.projectAccessTokenCreate;
    expect(payload.accessToken).toMatchObject({ expiresAt: day(0), active: false, revoked: false });
    expect((await h.gql('{ currentUser { id } }', {}, { token: payload.token })).status).toBe(401);
  });

  it('several model errors are joined as GitLab joins them', async () => {
    await expectRefused(w.pat.maint, { name: '', scopes: ['nope'], expiresAt: day(400) }, [
      `Name can't be blank, Scopes can only contain available scopes, and Expires at must be before ${day(365)}`,
    ]);
  });

  it('a malformed date is refused by the ISO8601Date scalar', async () => {
    const before = await snapshot(h);
    const res = await createProjectToken(h, w.pat.maint, { projectPath: w.project.fullPath, expiresAt: '2026-02-30' });
    expect(res.data).toBeUndefined();
    expect(res.errors).toHaveLength(1);
    expect(await snapshot(h)).toEqual(before);
  });

  it('#17 an outsider on a private project gets the not-available error', async () => {
    const before = await snapshot(h);
    const res = await createProjectToken(h, w.pat.outsider, { projectPath: w.project.fullPath });
    expectNotAvailable(res, 'projectAccessTokenCreate');
    const missing = await createProjectToken(h, w.pat.maint, { projectPath: 'no/such/project' });
    expectNotAvailable(missing, 'projectAccessTokenCreate');
    expect(await snapshot(h)).toEqual(before);
  });

  it('#17 an outsider on a public project sees it but is refused in the payload', async () => {
    const open = await seedWorld(h, { groupVisibility: 'public', projectVisibility: 'public' });
    const before = await snapshot(h);
    const res2 = await createProjectToken(h, w.pat.outsider, { projectPath: open.project.fullPath });
    expectPayloadErrors(res2, 'projectAccessTokenCreate', [NO_PERMISSION]);
    expect(await snapshot(h)).toEqual(before);
  });

  it('#18 the bot user: project_bot, username, noreply e-mail, name, creator, membership without expiry', async () => {
    const res = await createProjectToken(h, w.pat.maint, {
      projectPath: w.project.fullPath,
      name: 'test',
      accessLevel: 'REPORTER',
      expiresAt: day(30),
    });
    const { accessToken } = res.data.projectAccessTokenCreate;
    const botId = idOf(accessToken.user.id);
    const bot = (await userRow(h, botId))!;
    expect(bot.userType).toBe('project_bot');
    expect(bot.username).toMatch(new RegExp(`^project_${w.project.id}_bot_[0-9a-f]{32}$`));
    expect(bot.email).toBe(`${bot.username}@noreply.example.com`);
    expect(bot.name).toBe('test');
    expect(bot.createdById).toBe(w.maint.id);
    expect(bot.admin).toBe(false);
    expect(bot.external).toBe(false);
    expect(bot.state).toBe('active');
    expect(await membershipsOf(h, botId)).toEqual([
      expect.objectContaining({ sourceType: 'Project', sourceId: w.project.id, accessLevel: 20, expiresAt: null, createdById: w.maint.id }),
    ]);
    expect(accessToken.user).toEqual({ id: `gid://gitlab/User/${botId}`, username: bot.username, name: 'test', bot: true, human: false, type: 'PROJECT_BOT' });
    // The token belongs to the bot, not to the creator.
    expect((await tokenRow(h, idOf(accessToken.id)))!.userId).toBe(botId);
    // Bots get no personal namespace.
    const ns = await h.gql('query($u: String!) { user(username: $u) { namespace { id } } }', { u: bot.username }, { token: w.pat.maint });
    expect(ns.data.user.namespace).toBeNull();
  });

  it('#18 each token gets its own bot', async () => {
    const a = await createProjectToken(h, w.pat.maint, { projectPath: w.project.fullPath, name: 'same' });
    const b = await createProjectToken(h, w.pat.maint, { projectPath: w.project.fullPath, name: 'same' });
    expect(a.data.projectAccessTokenCreate.accessToken.user.id).not.toBe(b.data.projectAccessTokenCreate.accessToken.user.id);
  });

  it('#20 an external creator makes an external bot', async () => {
    const ext = await h.createUser(`ext${w.project.id}`, { external: true });
    await h.addMember({ project: w.project }, ext, 'maintainer');
    const { secret } = await h.createPat(ext, ['api']);
    const res = await createProjectToken(h, secret, { projectPath: w.project.fullPath });
    expect(res.data.projectAccessTokenCreate.errors).toEqual([]);
    const bot = (await userRow(h, idOf(res.data.projectAccessTokenCreate.accessToken.user.id)))!;
    expect(bot.external).toBe(true);
  });

  it('#21 an administrator who is not a member may create one, Owner level included', async () => {
    const res = await createProjectToken(h, w.pat.admin, { projectPath: w.project.fullPath, accessLevel: 'OWNER' });
    expect(res.data.projectAccessTokenCreate.errors).toEqual([]);
    expect(res.data.projectAccessTokenCreate.accessToken.accessLevel.integerValue).toBe(50);
  });

  it('#22 the secret is shown once: glpat- prefix, never in any later read, only a digest stored', async () => {
    const res = await createProjectToken(h, w.pat.maint, { projectPath: w.project.fullPath });
    const { token, accessToken } = res.data.projectAccessTokenCreate;
    expect(token).toMatch(/^glpat-[A-Za-z0-9_-]{20,}$/);
    const noField = await h.gql(`{ project(fullPath: "${w.project.fullPath}") { accessTokens { nodes { token } } } }`, {}, { token: w.pat.maint });
    expect(noField.errors![0].message).toBe("Field 'token' doesn't exist on type 'ResourceAccessToken'");
    const list = await h.gql(PROJECT_TOKENS, { path: w.project.fullPath }, { token: w.pat.maint });
    expect(JSON.stringify(list.body)).not.toContain(token);
    const row = (await tokenRow(h, idOf(accessToken.id)))!;
    expect(row.tokenDigest).not.toContain(token);
    expect(JSON.stringify(row)).not.toContain(token.slice(6));
  });

  it('#23 a Maintainer of a project in a personal namespace creates one', async () => {
    const home = await h.createProject('home', w.owner.username, { visibility: 'private' });
    await h.addMember({ project: home }, w.maint, 'maintainer');
    const res = await createProjectToken(h, w.pat.maint, { projectPath: home.fullPath });
    expect(res.data.projectAccessTokenCreate.errors).toEqual([]);
    const bot = (await userRow(h, idOf(res.data.projectAccessTokenCreate.accessToken.user.id)))!;
    expect(bot.username).toMatch(new RegExp(`^project_${home.id}_bot_[0-9a-f]{32}$`));
  });

  it('#24 a failed creation leaves no bot user and no membership behind', async () => {
    const members = await h.app.dataSource.getRepository(Member).countBy({ sourceType: 'Project', sourceId: w.project.id });
    await expectRefused(w.pat.maint, { scopes: ['invalid_scope'] }, ['Scopes can only contain available scopes']);
    expect(await h.app.dataSource.getRepository(Member).countBy({ sourceType: 'Project', sourceId: w.project.id })).toBe(members);
  });

  it('#24 a failure after the bot was written rolls the whole creation back', async () => {
    const tokens = h.app.services.tokenLifecycle;
    const original = tokens.issue;
    const before = await snapshot(h);
    const bots = await h.app.dataSource.getRepository(User).countBy({ userType: 'project_bot' });
    tokens.issue = async () => {
      throw new Error('disk full');
    };
    try {
      const res = await createProjectToken(h, w.pat.maint, { projectPath: w.project.fullPath });
      expect(res.errors?.[0].message).toBe('Internal server error');
      expect(res.data).toEqual({ projectAccessTokenCreate: null });
    } finally {
      tokens.issue = original;
    }
    expect(await snapshot(h)).toEqual(before);
    expect(await h.app.dataSource.getRepository(User).countBy({ userType: 'project_bot' })).toBe(bots);
  });

  it('a read_api token cannot create (mutations need api)', async () => {
    const { secret } = await h.createPat(w.maint, ['read_api']);
    const before = await snapshot(h);
    const res = await createProjectToken(h, secret, { projectPath: w.project.fullPath });
    expectNotAvailable(res, 'projectAccessTokenCreate');
    expect(await snapshot(h)).toEqual(before);
  });

  it('anonymous callers get the not-available error', async () => {
    const res = await h.gql(CREATE_PROJECT_TOKEN, { input: { projectPath: w.project.fullPath, name: 't', scopes: ['api'] } });
    expectNotAvailable(res, 'projectAccessTokenCreate');
  });

  it('the description is stored and returned', async () => {
    const res = await createProjectToken(h, w.pat.maint, { projectPath: w.project.fullPath, description: 'CI deploys' });
    expect(res.data.projectAccessTokenCreate.accessToken.description).toBe('CI deploys');
  });
});
