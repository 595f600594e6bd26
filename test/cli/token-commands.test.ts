/**
 * Issue 3, the `labgate` command for tokens: `project-tokens` and `group-tokens` create|list|revoke|rotate,
 * `tokens create|list|revoke|rotate`, `groups update --resource-access-token-creation-allowed`, `cleanup`.
 * The command acts as the instance administrator unless `--as USERNAME` is given, and applies the same
 * rules as GraphQL; errors exit non-zero with one line on stderr and change nothing. With `--json`,
 * create and rotate print the record with the plaintext `token` (once); list prints an array.
 * Numbered cases are those of docs/reference/gitlab-access-tokens.md §10 that the command exercises;
 * #15 (a string level) only makes sense here.
 */
import { day, expectInvalidToken, expectTokenWorks, membershipsOf, snapshot, tokenRow, userRow, useWorld, WHO_AM_I } from '../e2e/access-tokens/fixtures';
import { RESOURCE_NOT_AVAILABLE } from '../../src/core/errors';

describe('labgate token commands', () => {
  const { h, w } = useWorld({ clockAt: '2026-01-15T12:00:00.000Z' });

  /** A command that must fail: non-zero, exactly one line on stderr, nothing on stdout, nothing written. */
  async function expectFailure(args: string[], message?: string | RegExp, code?: number) {
    const before = await snapshot(h);
    const res = await h.cli(args);
    expect(res.code).not.toBe(0);
    if (code !== undefined) expect(res.code).toBe(code);
    expect(res.out).toBe('');
    const lines = res.err.split('\n').filter((l) => l !== '');
    expect(lines).toHaveLength(1);
    if (typeof message === 'string') expect(lines[0]).toBe(`labgate: ${message}`);
    else if (message) expect(lines[0]).toMatch(message);
    expect(await snapshot(h)).toEqual(before);
    return res;
  }

  const createArgs = (extra: string[] = []) => ['project-tokens', 'create', '--project', w.project.fullPath, '--name', 'ci', '--scopes', 'api,read_repository', ...extra];

  describe('project-tokens', () => {
    it('#1 create --json prints the record and the plaintext token once; the token works', async () => {
      const res = await h.cli([...createArgs(['--access-level', 'reporter', '--expires-at', day(30), '--description', 'for CI']), '--json']);
      expect(res.code).toBe(0);
      expect(res.err).toBe('');
      expect(res.json).toMatchObject({
        name: 'ci',
        description: 'for CI',
        scopes: ['api', 'read_repository'],
        access_level: 20,
        expires_at: day(30),
        active: true,
        revoked: false,
        last_used_at: null,
      });
      expect(res.json.token).toMatch(/^glpat-/);
      expect(res.json.gid).toBe(`gid://gitlab/PersonalAccessToken/${res.json.id}`);
      const bot = (await userRow(h, res.json.user_id))!;
      expect(bot.username).toMatch(new RegExp(`^project_${w.project.id}_bot_[0-9a-f]{32}$`));
      await expectTokenWorks(h, res.json.token, bot.username);
    });

    it('#2/#3 defaults: Maintainer, a year from today', async () => {
      const res = await h.cli([...createArgs(), '--json']);
      expect(res.json).toMatchObject({ access_level: 40, expires_at: day(365) });
    });

    it('create without --json prints one line with the id, the bot and the secret', async () => {
      const res = await h.cli(createArgs());
      expect(res.code).toBe(0);
      expect(res.out).toMatch(/^Created project access token \d+ \(bot project_\d+_bot_[0-9a-f]{32}\): glpat-\S+\n$/);
    });

    it('#15 a level given as the string "30" makes the bot a Developer', async () => {
      const res = await h.cli([...createArgs(['--access-level', '30']), '--json']);
      expect(res.json.access_level).toBe(30);
      expect((await membershipsOf(h, res.json.user_id)).map((m) => m.accessLevel)).toEqual([30]);
    });

    it('list --json prints an array without secrets; --state filters', async () => {
      const a = (await h.cli([...createArgs(), '--json'])).json;
      const b = (await h.cli([...createArgs(['--access-level', 'guest']), '--json'])).json;
      await h.cli(['project-tokens', 'revoke', '--project', w.project.fullPath, '--id', String(b.id)]);
      const all = await h.cli(['project-tokens', 'list', '--project', w.project.fullPath, '--json']);
      expect(all.code).toBe(0);
      expect(all.json.map((t: any) => t.id)).toEqual([a.id, b.id]);
      for (const t of all.json) expect(t).not.toHaveProperty('token');
      expect(all.out).not.toContain(a.token);
      expect(all.json.map((t: any) => t.access_level)).toEqual([40, 10]);
      const active = await h.cli(['project-tokens', 'list', '--project', w.project.fullPath, '--state', 'active', '--json']);
      expect(active.json.map((t: any) => t.id)).toEqual([a.id]);
      const inactive = await h.cli(['project-tokens', 'list', '--project', w.project.fullPath, '--state', 'inactive', '--json']);
      expect(inactive.json.map((t: any) => t.id)).toEqual([b.id]);
      const empty = await h.cli(['project-tokens', 'list', '--project', (await h.createProject('empty', w.group.fullPath)).fullPath, '--json']);
      expect(empty.json).toEqual([]);
      const text = await h.cli(['project-tokens', 'list', '--project', w.project.fullPath]);
      expect(text.out.trim().split('\n')).toHaveLength(2);
    });

    it('#46 revoke: the token is revoked and refused, the bot stays', async () => {
      const t = (await h.cli([...createArgs(), '--json'])).json;
      const res = await h.cli(['project-tokens', 'revoke', '--project', w.project.fullPath, '--id', String(t.id), '--json']);
      expect(res.code).toBe(0);
      expect(res.json).toMatchObject({ id: t.id, revoked: true, active: false });
      expect(res.json).not.toHaveProperty('token');
      expectInvalidToken(await h.gql(WHO_AM_I, {}, { token: t.token }));
      expect(await userRow(h, t.user_id)).not.toBeNull();
    });

    it('#53 rotate --json: a new token for the same bot, a week by default; the old one is dead', async () => {
      const t = (await h.cli([...createArgs(), '--json'])).json;
      const res = await h.cli(['project-tokens', 'rotate', '--project', w.project.fullPath, '--id', String(t.id), '--json']);
      expect(res.code).toBe(0);
      expect(res.json).toMatchObject({ name: 'ci', scopes: ['api', 'read_repository'], user_id: t.user_id, expires_at: day(7), access_level: 40 });
      expect(res.json.id).not.toBe(t.id);
      expect(res.json.token).toMatch(/^glpat-/);
      expectInvalidToken(await h.gql(WHO_AM_I, {}, { token: t.token }));
      await expectTokenWorks(h, res.json.token);
      // #54 an explicit date.
      const again = await h.cli(['project-tokens', 'rotate', '--project', w.project.fullPath, '--id', String(res.json.id), '--expires-at', day(20), '--json']);
      expect(again.json.expires_at).toBe(day(20));
    });

    it('#60 rotating a revoked token fails: "Token already revoked"', async () => {
      const t = (await h.cli([...createArgs(), '--json'])).json;
      await h.cli(['project-tokens', 'revoke', '--project', w.project.fullPath, '--id', String(t.id)]);
      await expectFailure(['project-tokens', 'rotate', '--project', w.project.fullPath, '--id', String(t.id)], 'Token already revoked', 1);
    });

    it('errors: one line on stderr, non-zero exit, nothing written', async () => {
      await expectFailure(['project-tokens', 'create', '--project', 'no/such', '--name', 'x', '--scopes', 'api'], RESOURCE_NOT_AVAILABLE, 1);
      // #7/#8
      await expectFailure(createArgs().map((a) => (a === 'api,read_repository' ? 'api,read_user' : a)), 'Scopes can only contain available scopes', 1);
      // #6: no scopes
      await expectFailure(['project-tokens', 'create', '--project', w.project.fullPath, '--name', 'x'], "Scopes can't be blank", 1);
      // #5: no name is a usage error
      await expectFailure(['project-tokens', 'create', '--project', w.project.fullPath, '--scopes', 'api'], '--name is required', 2);
      // #9: a level that is no member role
      await expectFailure(createArgs(['--access-level', '60']), /--access-level must be/, 2);
      await expectFailure(createArgs(['--access-level', 'admin']), /--access-level must be/, 2);
      // #16
      await expectFailure(createArgs(['--expires-at', day(366)]), `Expires at must be before ${day(365)}`, 1);
      await expectFailure(createArgs(['--expires-at', 'tomorrow']), /--expires-at must be a date/, 2);
      await expectFailure(['project-tokens', 'revoke', '--project', w.project.fullPath, '--id', '999999'], RESOURCE_NOT_AVAILABLE, 1);
      await expectFailure(['project-tokens', 'rotate', '--project', w.project.fullPath, '--id', '999999'], RESOURCE_NOT_AVAILABLE, 1);
      await expectFailure(['project-tokens', 'revoke', '--project', w.project.fullPath, '--id', 'abc'], /--id must be a whole number/, 2);
      await expectFailure(['project-tokens', 'list', '--project', w.project.fullPath, '--state', 'expired'], /--state must be active or inactive/, 2);
      await expectFailure([...createArgs(), '--bogus', 'x'], /unknown option --bogus/, 2);
    });

    it('an unknown option is refused before anything is written, by every token command', async () => {
      const t = (await h.cli([...createArgs(), '--json'])).json;
      const id = String(t.id);
      const bogus = ['--bogus', 'x'];
      await expectFailure(['project-tokens', 'rotate', '--project', w.project.fullPath, '--id', id, ...bogus], /unknown option --bogus/, 2);
      await expectFailure(['project-tokens', 'revoke', '--project', w.project.fullPath, '--id', id, ...bogus], /unknown option --bogus/, 2);
      await expectFailure(['group-tokens', 'create', '--group', w.group.fullPath, '--name', 'g', '--scopes', 'api', ...bogus], /unknown option --bogus/, 2);
      await expectFailure(['tokens', 'create', '--user', w.dev.username, '--name', 'x', '--scopes', 'api', ...bogus], /unknown option --bogus/, 2);
      await expectFailure(['tokens', 'rotate', '--id', id, ...bogus], /unknown option --bogus/, 2);
      await expectFailure(['tokens', 'revoke', '--id', id, ...bogus], /unknown option --bogus/, 2);
      await expectFailure(['groups', 'update', '--group', w.group.fullPath, '--resource-access-token-creation-allowed', 'false', ...bogus], /unknown option --bogus/, 2);
      expect((await tokenRow(h, t.id))!.revoked).toBe(false);
      h.clock.advanceDays(60);
      await h.cli(['project-tokens', 'revoke', '--project', w.project.fullPath, '--id', id]);
      h.clock.advanceDays(60);
      await expectFailure(['cleanup', '--retention-days', '1', ...bogus], /unknown option --bogus/, 2);
      expect(await userRow(h, t.user_id)).not.toBeNull();
    });

    it('--as applies the same rules (#10, #12, #13, #17, #47, #55, #58)', async () => {
      await expectFailure([...createArgs(), '--as', w.dev.username], 'User does not have permission to create project access token', 1);
      await expectFailure([...createArgs(['--access-level', 'owner']), '--as', w.maint.username], 'Access level of the token contains permissions not held by the creating user', 1);
      await expectFailure([...createArgs(), '--as', w.outsider.username], RESOURCE_NOT_AVAILABLE, 1);
      const owner = await h.cli([...createArgs(['--access-level', 'owner']), '--as', w.owner.username, '--json']);
      expect(owner.code).toBe(0);
      expect(owner.json.access_level).toBe(50);
      expect((await userRow(h, owner.json.user_id))!.createdById).toBe(w.owner.id);
      const id = String(owner.json.id);
      await expectFailure(['project-tokens', 'revoke', '--project', w.project.fullPath, '--id', id, '--as', w.dev.username], RESOURCE_NOT_AVAILABLE, 1);
      await expectFailure(['project-tokens', 'rotate', '--project', w.project.fullPath, '--id', id, '--as', w.maint.username], 'Not eligible to rotate tokens with permissions not held by the user', 1);
      await expectFailure(['project-tokens', 'rotate', '--project', w.project.fullPath, '--id', id, '--as', w.dev.username], RESOURCE_NOT_AVAILABLE, 1);
      await expectFailure(['project-tokens', 'list', '--project', w.project.fullPath, '--as', w.dev.username], RESOURCE_NOT_AVAILABLE, 1);
      const listed = await h.cli(['project-tokens', 'list', '--project', w.project.fullPath, '--as', w.maint.username, '--json']);
      expect(listed.json.map((t: any) => t.id)).toEqual([owner.json.id]);
      await expectFailure([...createArgs(), '--as', 'nobody'], '--as: user nobody not found', 2);
    });

    it('#11 a bot, acting through --as, cannot create tokens', async () => {
      const bot = await h.createResourceToken({ project: w.project }, { accessLevel: 50 });
      await expectFailure([...createArgs(), '--as', bot.bot.username], 'User does not have permission to create project access token', 1);
    });
  });

  describe('group-tokens', () => {
    const gArgs = (extra: string[] = []) => ['group-tokens', 'create', '--group', w.group.fullPath, '--name', 'g', '--scopes', 'api', ...extra];

    it('#25/#27 create, list, rotate and revoke a group token', async () => {
      const created = await h.cli([...gArgs(['--access-level', 'owner']), '--json']);
      expect(created.code).toBe(0);
      expect(created.json).toMatchObject({ access_level: 50, name: 'g' });
      const bot = (await userRow(h, created.json.user_id))!;
      expect(bot.username).toMatch(new RegExp(`^group_${w.group.id}_bot_[0-9a-f]{32}$`));
      expect(bot.email).toBe(`${bot.username}@noreply.example.com`);
      const list = await h.cli(['group-tokens', 'list', '--group', w.group.fullPath, '--json']);
      expect(list.json.map((t: any) => t.id)).toEqual([created.json.id]);
      const rotated = await h.cli(['group-tokens', 'rotate', '--group', w.group.fullPath, '--id', String(created.json.id), '--json']);
      expect(rotated.json).toMatchObject({ user_id: bot.id, expires_at: day(7), access_level: 50 });
      expect(rotated.json.token).toMatch(/^glpat-/);
      const revoked = await h.cli(['group-tokens', 'revoke', '--group', w.group.fullPath, '--id', String(rotated.json.id), '--json']);
      expect(revoked.json).toMatchObject({ revoked: true });
      const inactive = await h.cli(['group-tokens', 'list', '--group', w.group.fullPath, '--state', 'inactive', '--json']);
      expect(inactive.json).toHaveLength(2);
    });

    it('#26 a group Maintainer may not create; #52 nor revoke', async () => {
      const gm = await h.createUser(`gm${w.group.id}`, { name: 'Gus Maintainer' });
      await h.addMember({ group: w.group }, gm, 'maintainer');
      await expectFailure([...gArgs(), '--as', gm.username], 'User does not have permission to create group access token', 1);
      const t = (await h.cli([...gArgs(), '--json'])).json;
      await expectFailure(['group-tokens', 'revoke', '--group', w.group.fullPath, '--id', String(t.id), '--as', gm.username], RESOURCE_NOT_AVAILABLE, 1);
      // #57
      await expectFailure(['group-tokens', 'rotate', '--group', w.group.fullPath, '--id', String(t.id), '--as', gm.username], RESOURCE_NOT_AVAILABLE, 1);
    });

    it("#49 a project's token is not a group token", async () => {
      const p = (await h.cli([...createArgs(), '--json'])).json;
      await expectFailure(['group-tokens', 'revoke', '--group', w.group.fullPath, '--id', String(p.id)], RESOURCE_NOT_AVAILABLE, 1);
    });
  });

  describe('groups update --resource-access-token-creation-allowed', () => {
    it('#36/#29/#34/#32 switch it off: no creation or rotation by id below; revocation still works', async () => {
      const t = (await h.cli([...createArgs(), '--json'])).json;
      const off = await h.cli(['groups', 'update', '--group', w.group.fullPath, '--resource-access-token-creation-allowed', 'false', '--json']);
      expect(off.code).toBe(0);
      expect(off.json).toMatchObject({ full_path: w.group.fullPath, resource_access_token_creation_allowed: false });
      await expectFailure(createArgs(), 'User does not have permission to create project access token', 1);
      await expectFailure(['project-tokens', 'rotate', '--project', w.project.fullPath, '--id', String(t.id)], RESOURCE_NOT_AVAILABLE, 1);
      // #31 the token still works, #33 listing works, #32 revocation works.
      await expectTokenWorks(h, t.token);
      expect((await h.cli(['project-tokens', 'list', '--project', w.project.fullPath, '--json'])).json).toHaveLength(1);
      expect((await h.cli(['project-tokens', 'revoke', '--project', w.project.fullPath, '--id', String(t.id)])).code).toBe(0);
      const on = await h.cli(['groups', 'update', '--group', w.group.fullPath, '--resource-access-token-creation-allowed', 'true']);
      expect(on.out).toBe(`Group ${w.group.fullPath}: resource access token creation allowed\n`);
      expect((await h.cli(createArgs())).code).toBe(0);
    });

    it('#35 refused on a subgroup; owners only', async () => {
      const sub = await h.createGroup('sub', { parent: w.group.fullPath });
      await expectFailure(
        ['groups', 'update', '--group', sub.fullPath, '--resource-access-token-creation-allowed', 'false'],
        'Resource access token creation allowed is not allowed since the group is not top-level group.',
        1,
      );
      await expectFailure(['groups', 'update', '--group', w.group.fullPath, '--resource-access-token-creation-allowed', 'false', '--as', w.maint.username], RESOURCE_NOT_AVAILABLE, 1);
      await expectFailure(['groups', 'update', '--group', w.group.fullPath, '--resource-access-token-creation-allowed', 'maybe'], /must be true or false/, 2);
      await expectFailure(['groups', 'update', '--group', w.group.fullPath], /nothing to update/, 2);
      const byOwner = await h.cli(['groups', 'update', '--group', w.group.fullPath, '--resource-access-token-creation-allowed', 'false', '--as', w.owner.username, '--json']);
      expect(byOwner.json.resource_access_token_creation_allowed).toBe(false);
    });
  });

  describe('tokens (personal)', () => {
    it('create, list, rotate (a week by default) and revoke a personal token', async () => {
      const created = await h.cli(['tokens', 'create', '--user', w.dev.username, '--name', 'cli', '--scopes', 'api', '--expires-at', day(60), '--json']);
      expect(created.code).toBe(0);
      expect(created.json).toMatchObject({ name: 'cli', user_id: w.dev.id, expires_at: day(60), scopes: ['api'] });
      await expectTokenWorks(h, created.json.token, w.dev.username);
      const list = await h.cli(['tokens', 'list', '--user', w.dev.username, '--json']);
      expect(list.json.map((t: any) => t.name)).toEqual(['test token', 'cli']);
      expect(list.out).not.toContain(created.json.token);
      const rotated = await h.cli(['tokens', 'rotate', '--id', String(created.json.id), '--json']);
      expect(rotated.json).toMatchObject({ name: 'cli', user_id: w.dev.id, expires_at: day(7) });
      expect(rotated.json.token).toMatch(/^glpat-/);
      expectInvalidToken(await h.gql(WHO_AM_I, {}, { token: created.json.token }));
      const revoked = await h.cli(['tokens', 'revoke', '--id', String(rotated.json.id), '--json']);
      expect(revoked.json).toMatchObject({ id: rotated.json.id, revoked: true });
      expect(revoked.json).not.toHaveProperty('token');
      expectInvalidToken(await h.gql(WHO_AM_I, {}, { token: rotated.json.token }));
      const inactive = await h.cli(['tokens', 'list', '--user', w.dev.username, '--state', 'inactive', '--json']);
      expect(inactive.json).toHaveLength(2);
    });

    it('tokens revoke|rotate work on a bot token too (the administrator), and follow the same errors', async () => {
      const bot = await h.createResourceToken({ project: w.project });
      const rotated = await h.cli(['tokens', 'rotate', '--id', String(bot.token.id), '--expires-at', day(10), '--json']);
      expect(rotated.json).toMatchObject({ user_id: bot.bot.id, expires_at: day(10) });
      await expectFailure(['tokens', 'rotate', '--id', String(bot.token.id)], 'Token already revoked', 1);
      await expectFailure(['tokens', 'rotate', '--id', '999999'], RESOURCE_NOT_AVAILABLE, 1);
      await expectFailure(['tokens', 'revoke', '--id', '999999'], RESOURCE_NOT_AVAILABLE, 1);
      await expectFailure(['tokens', 'rotate', '--id', String(rotated.json.id), '--expires-at', day(400)], `Expires at must be before ${day(365)}`, 1);
      expect((await tokenRow(h, rotated.json.id))!.revoked).toBe(false);
      expect((await h.cli(['tokens', 'revoke', '--id', String(rotated.json.id)])).out).toBe(`Revoked token ${rotated.json.id}\n`);
    });

    it("--as: someone else's token is not available; your own is", async () => {
      const mine = await h.createPat(w.dev, ['api']);
      await expectFailure(['tokens', 'revoke', '--id', String(mine.token.id), '--as', w.maint.username], RESOURCE_NOT_AVAILABLE, 1);
      await expectFailure(['tokens', 'rotate', '--id', String(mine.token.id), '--as', w.maint.username], RESOURCE_NOT_AVAILABLE, 1);
      await expectFailure(['tokens', 'create', '--user', w.dev.username, '--name', 'x', '--scopes', 'api', '--as', w.maint.username], RESOURCE_NOT_AVAILABLE, 1);
      const own = await h.cli(['tokens', 'revoke', '--id', String(mine.token.id), '--as', w.dev.username]);
      expect(own.code).toBe(0);
      await expectFailure(['tokens', 'create', '--user', w.dev.username, '--name', 'x', '--scopes', 'sudo'], 'Scopes can only contain available scopes', 1);
      await expectFailure(['tokens', 'revoke'], /--id is required/, 2);
    });
  });

  describe('cleanup', () => {
    it('deletes bots inactive past --retention-days and reports it; --json prints the counts', async () => {
      const t = (await h.cli([...createArgs(), '--json'])).json;
      await h.cli(['project-tokens', 'revoke', '--project', w.project.fullPath, '--id', String(t.id)]);
      const early = await h.cli(['cleanup', '--json']);
      expect(early.json).toEqual({ deleted_bots: 0, ghost_user_id: null, retention_days: 30 });
      h.clock.advanceDays(8);
      const res = await h.cli(['cleanup', '--retention-days', '7']);
      expect(res.code).toBe(0);
      // Earlier tests in this file left revoked bots behind too: at least this one goes.
      expect(res.out).toMatch(/^Deleted \d+ bot user\(s\) whose tokens were all inactive for more than 7 days\n$/);
      expect(await userRow(h, t.user_id)).toBeNull();
      expect((await h.cli(['project-tokens', 'list', '--project', w.project.fullPath, '--json'])).json).toEqual([]);
    });

    it('--dry-run lists the bots it would delete and changes nothing', async () => {
      const t = (await h.cli([...createArgs(), '--json'])).json;
      await h.cli(['project-tokens', 'revoke', '--project', w.project.fullPath, '--id', String(t.id)]);
      const active = (await h.cli([...createArgs(['--expires-at', day(30)]), '--json'])).json;
      h.clock.advanceDays(8);
      const before = await snapshot(h);
      const bot = (await userRow(h, t.user_id))!;

      const res = await h.cli(['cleanup', '--retention-days', '7', '--dry-run', '--json']);
      expect(res).toMatchObject({ code: 0, err: '' });
      expect(res.json).toMatchObject({ dry_run: true, retention_days: 7 });
      expect(res.json.bots).toContainEqual({ id: bot.id, username: bot.username, name: bot.name });
      expect(res.json.bots.map((b: any) => b.id)).not.toContain(active.user_id);
      expect(res.json.would_delete_bots).toBe(res.json.bots.length);
      expect(await snapshot(h)).toEqual(before);

      const text = await h.cli(['cleanup', '--retention-days=7', '--dry-run']);
      const lines = text.out.trimEnd().split('\n');
      expect(lines[0]).toBe(`Would delete ${res.json.bots.length} bot user(s) whose tokens were all inactive for more than 7 days (dry run: nothing changed)`);
      expect(lines).toContain(`${bot.id}\t${bot.username}\t${bot.name}`);
      expect(lines).toHaveLength(res.json.bots.length + 1);
      expect(await snapshot(h)).toEqual(before);

      // The real run deletes exactly the bots the dry run listed.
      const real = await h.cli(['cleanup', '--retention-days', '7', '--json']);
      expect(real.json.deleted_bots).toBe(res.json.bots.length);
      for (const b of res.json.bots) expect(await userRow(h, b.id)).toBeNull();
      expect(await userRow(h, active.user_id)).not.toBeNull();
      await expectFailure(['cleanup', '--dry-run', '--as', w.owner.username], RESOURCE_NOT_AVAILABLE, 1);
    });

    it('refuses non-administrators and bad values', async () => {
      await expectFailure(['cleanup', '--as', w.owner.username], RESOURCE_NOT_AVAILABLE, 1);
      await expectFailure(['cleanup', '--retention-days', 'ten'], /--retention-days must be a whole number/, 2);
      await expectFailure(['cleanup', 'now'], /unexpected argument "now"/, 2);
    });
  });
});
