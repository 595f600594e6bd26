/**
 * Issue 3, personal access tokens over GitLab's own mutations: `personalAccessTokenCreate`,
 * `personalAccessTokenRevoke`, `personalAccessTokenRotate`, and `UserCore.personalAccessTokens`.
 * The numbered cases of docs/reference/gitlab-access-tokens.md §10 are about resource tokens; the
 * rules shared with them (scopes, expiry, rotation, the secret shown once) are checked here for
 * personal tokens. Self-rotation and reuse detection are in self-rotate.test.ts.
 */
import {
  CREATE_PAT,
  day,
  expectInvalidToken,
  expectNotAvailable,
  expectPayloadErrors,
  expectTokenWorks,
  idOf,
  patGid,
  REVOKE_PAT,
  ROTATE_PAT,
  snapshot,
  tokenRow,
  useWorld,
} from './fixtures';

const MY_TOKENS = `query($state: AccessTokenState, $revoked: Boolean, $sort: AccessTokenSort) {
  currentUser { personalAccessTokens(state: $state, revoked: $revoked, sort: $sort) {
    count nodes { id name description active revoked granular expiresAt createdAt lastUsedAt
      scopes { __typename ... on AccessTokenLegacyScope { value } } } } } }`;
const USER_TOKENS = `query($u: String!) { user(username: $u) { personalAccessTokens { count nodes { id name } } } }`;

describe('personal access tokens', () => {
  const { h, w } = useWorld();

  const create = (secret: string | undefined, input: Record<string, unknown>) =>
    h.gql(CREATE_PAT, { input: { name: 'laptop', scopes: ['self_rotate'], ...input } }, secret ? { token: secret } : {});

  async function expectRefused(secret: string, input: Record<string, unknown>, messages: string[]) {
    const before = await snapshot(h);
    expectPayloadErrors(await create(secret, input), 'personalAccessTokenCreate', messages);
    expect(await snapshot(h)).toEqual(before);
  }

  describe('personalAccessTokenCreate', () => {
    it('creates a token for the caller (an administrator: any scope its token covers); the secret is returned once and works', async () => {
      const res = await create(w.pat.admin, { name: 'laptop', description: 'my laptop', scopes: ['read_api', 'read_user'], expiresAt: day(30), clientMutationId: 'c' });
      expect(res.errors).toBeUndefined();
      const payload = res.data.personalAccessTokenCreate;
      expect(payload).toMatchObject({ errors: [], clientMutationId: 'c' });
      expect(payload.token).toMatch(/^glpat-[A-Za-z0-9_-]{20,}$/);
      await expectTokenWorks(h, payload.token, w.admin.username);
      const list = await h.gql(MY_TOKENS, { sort: 'CREATED_DESC' }, { token: w.pat.admin });
      expect(list.data.currentUser.personalAccessTokens.nodes[0]).toMatchObject({
        name: 'laptop',
        description: 'my laptop',
        active: true,
        revoked: false,
        granular: false,
        expiresAt: day(30),
        scopes: [
          { __typename: 'AccessTokenLegacyScope', value: 'read_api' },
          { __typename: 'AccessTokenLegacyScope', value: 'read_user' },
        ],
      });
      expect(JSON.stringify(list.body)).not.toContain(payload.token);
    });

    it('the expiry defaults to a year; more than the maximum is refused', async () => {
      await create(w.pat.dev, { name: 'default' });
      const list = await h.gql(MY_TOKENS, { sort: 'CREATED_DESC' }, { token: w.pat.dev });
      expect(list.data.currentUser.personalAccessTokens.nodes[0]).toMatchObject({ name: 'default', expiresAt: day(365) });
      await expectRefused(w.pat.dev, { expiresAt: day(366) }, [`Expires at must be before ${day(365)}`]);
    });

    it('granularScopes and classic scopes together are refused (fine-grained tokens: granular.test.ts)', async () => {
      await expectRefused(
        w.pat.dev,
        { scopes: ['api'], granularScopes: [{ permissions: ['read_project'], access: 'PERSONAL_PROJECTS' }] },
        ['Give either scopes or granular scopes, not both'],
      );
    });

    it('scopes: required, known, and the admin scopes for administrators only', async () => {
      await expectRefused(w.pat.dev, { scopes: [] }, ["Scopes can't be blank"]);
      await expectRefused(w.pat.dev, { scopes: null }, ["Scopes can't be blank"]);
      await expectRefused(w.pat.dev, { scopes: ['nope'] }, ['Scopes can only contain available scopes']);
      for (const scope of ['sudo', 'admin_mode', 'read_service_ping']) {
        await expectRefused(w.pat.dev, { scopes: [scope] }, ['Scopes can only contain available scopes']);
      }
      // An administrator gives admin scopes only with a token that holds them (creator-bounds.test.ts).
      await expectRefused(w.pat.admin, { scopes: ['api', 'sudo', 'admin_mode'] }, ['Scopes of the token contain permissions not held by the creating token']);
      const { secret } = await h.createPat(w.admin, ['api', 'sudo', 'admin_mode']);
      const res = await create(secret, { scopes: ['api', 'sudo', 'admin_mode'] });
      expect(res.data.personalAccessTokenCreate.errors).toEqual([]);
    });

    it('a bot cannot create personal tokens', async () => {
      const bot = await h.createResourceToken({ project: w.project }, { scopes: ['api'], accessLevel: 50 });
      await expectRefused(bot.secret, {}, ['Not permitted to create']);
    });

    it('anonymous callers and read_api tokens get the not-available error', async () => {
      const { secret } = await h.createPat(w.dev, ['read_api']);
      const before = await snapshot(h);
      expectNotAvailable(await create(undefined, {}), 'personalAccessTokenCreate');
      expectNotAvailable(await create(secret, {}), 'personalAccessTokenCreate');
      expect(await snapshot(h)).toEqual(before);
    });

    it('a blank name is refused', async () => {
      await expectRefused(w.pat.dev, { name: ' ' }, ["Name can't be blank"]);
    });
  });

  describe('personalAccessTokenRevoke', () => {
    it('revokes one of your tokens; it stops working on the next request', async () => {
      const t = await h.createPat(w.dev, ['api']);
      const res = await h.gql(REVOKE_PAT, { input: { id: patGid(t.token.id), clientMutationId: 'x' } }, { token: w.pat.dev });
      expect(res.data.personalAccessTokenRevoke).toEqual({ errors: [], clientMutationId: 'x' });
      expect((await tokenRow(h, t.token.id))!.revoked).toBe(true);
      expectInvalidToken(await h.gql('{ currentUser { id } }', {}, { token: t.secret }));
    });

    it('a token may revoke itself', async () => {
      const t = await h.createPat(w.dev, ['api']);
      const res = await h.gql(REVOKE_PAT, { input: { id: patGid(t.token.id) } }, { token: t.secret });
      expect(res.data.personalAccessTokenRevoke.errors).toEqual([]);
      expectInvalidToken(await h.gql('{ currentUser { id } }', {}, { token: t.secret }));
    });

    it("someone else's token, or an unknown id, is not available; an administrator may revoke any", async () => {
      const t = await h.createPat(w.dev, ['api']);
      expectNotAvailable(await h.gql(REVOKE_PAT, { input: { id: patGid(t.token.id) } }, { token: w.pat.maint }), 'personalAccessTokenRevoke');
      expectNotAvailable(await h.gql(REVOKE_PAT, { input: { id: patGid(999999) } }, { token: w.pat.maint }), 'personalAccessTokenRevoke');
      expect((await tokenRow(h, t.token.id))!.revoked).toBe(false);
      const byAdmin = await h.gql(REVOKE_PAT, { input: { id: patGid(t.token.id) } }, { token: w.pat.admin });
      expect(byAdmin.data.personalAccessTokenRevoke.errors).toEqual([]);
      expect((await tokenRow(h, t.token.id))!.revoked).toBe(true);
    });

    it("a human cannot revoke a bot's token through the personal mutation", async () => {
      const bot = await h.createResourceToken({ project: w.project });
      expectNotAvailable(await h.gql(REVOKE_PAT, { input: { id: patGid(bot.token.id) } }, { token: w.pat.owner }), 'personalAccessTokenRevoke');
      expect((await tokenRow(h, bot.token.id))!.revoked).toBe(false);
    });

    it('revoking twice is not an error', async () => {
      const t = await h.createPat(w.dev, ['api']);
      await h.gql(REVOKE_PAT, { input: { id: patGid(t.token.id) } }, { token: w.pat.dev });
      const again = await h.gql(REVOKE_PAT, { input: { id: patGid(t.token.id) } }, { token: w.pat.dev });
      expect(again.data.personalAccessTokenRevoke.errors).toEqual([]);
    });

    it('an id of another type is refused by the PersonalAccessTokenID scalar', async () => {
      const res = await h.gql(REVOKE_PAT, { input: { id: `gid://gitlab/User/${w.dev.id}` } }, { token: w.pat.dev });
      expect(res.data).toBeUndefined();
      expect(res.errors![0].message).toMatch(/does not represent an instance of PersonalAccessToken/);
    });
  });

  describe('personalAccessTokenRotate', () => {
    it('rotates one of your tokens: new secret, same name, scopes and description, old revoked', async () => {
      const t = await h.createPat(w.dev, ['read_api', 'read_repository'], { name: 'ci', expiresAt: day(40) });
      const res = await h.gql(ROTATE_PAT, { input: { id: patGid(t.token.id) } }, { token: w.pat.dev });
      const secret = res.data.personalAccessTokenRotate.token;
      expect(res.data.personalAccessTokenRotate.errors).toEqual([]);
      expect(secret).toMatch(/^glpat-/);
      expect(secret).not.toBe(t.secret);
      expectInvalidToken(await h.gql('{ currentUser { id } }', {}, { token: t.secret }));
      await expectTokenWorks(h, secret, w.dev.username);
      const list = await h.gql(MY_TOKENS, { state: 'ACTIVE', sort: 'CREATED_DESC' }, { token: w.pat.dev });
      const fresh = list.data.currentUser.personalAccessTokens.nodes.find((n: any) => n.name === 'ci');
      expect(fresh).toMatchObject({ expiresAt: day(40), scopes: [{ value: 'read_api' }, { value: 'read_repository' }] });
      expect((await tokenRow(h, idOf(fresh.id)))!.previousPersonalAccessTokenId).toBe(t.token.id);
    });

    it('an explicit expiry is used and checked against the maximum', async () => {
      const t = await h.createPat(w.dev, ['api']);
      const before = await snapshot(h);
      expectPayloadErrors(await h.gql(ROTATE_PAT, { input: { id: patGid(t.token.id), expiresAt: day(366) } }, { token: w.pat.dev }), 'personalAccessTokenRotate', [
        `Expires at must be before ${day(365)}`,
      ]);
      expect(await snapshot(h)).toEqual(before);
      const ok = await h.gql(ROTATE_PAT, { input: { id: patGid(t.token.id), expiresAt: day(3) } }, { token: w.pat.dev });
      expect(ok.data.personalAccessTokenRotate.errors).toEqual([]);
    });

    it('a revoked token: "Token already revoked"', async () => {
      const t = await h.createPat(w.dev, ['api']);
      await h.gql(REVOKE_PAT, { input: { id: patGid(t.token.id) } }, { token: w.pat.dev });
      expectPayloadErrors(await h.gql(ROTATE_PAT, { input: { id: patGid(t.token.id) } }, { token: w.pat.dev }), 'personalAccessTokenRotate', ['Token already revoked']);
    });

    it("someone else's token is not available", async () => {
      const t = await h.createPat(w.dev, ['api']);
      const before = await snapshot(h);
      expectNotAvailable(await h.gql(ROTATE_PAT, { input: { id: patGid(t.token.id) } }, { token: w.pat.maint }), 'personalAccessTokenRotate');
      expect(await snapshot(h)).toEqual(before);
    });
  });

  describe('UserCore.personalAccessTokens', () => {
    it('shows your own tokens, filtered by state and revoked; hidden (null) from other users', async () => {
      const active = await h.createPat(w.dev, ['api'], { name: 'active' });
      const revoked = await h.createPat(w.dev, ['api'], { name: 'revoked' });
      await h.gql(REVOKE_PAT, { input: { id: patGid(revoked.token.id) } }, { token: w.pat.dev });
      const expired = await h.createPat(w.dev, ['api'], { name: 'expired', expiresAt: day(-2) });
      const all = await h.gql(MY_TOKENS, {}, { token: w.pat.dev });
      // The seeded `api` token is there too.
      expect(all.data.currentUser.personalAccessTokens.count).toBe(4);
      const names = (res: any) => res.data.currentUser.personalAccessTokens.nodes.map((n: any) => n.name).sort();
      expect(names(await h.gql(MY_TOKENS, { state: 'ACTIVE' }, { token: w.pat.dev }))).toEqual(['active', 'test token']);
      expect(names(await h.gql(MY_TOKENS, { state: 'INACTIVE' }, { token: w.pat.dev }))).toEqual(['expired', 'revoked']);
      expect(names(await h.gql(MY_TOKENS, { revoked: true }, { token: w.pat.dev }))).toEqual(['revoked']);
      // Default order: soonest expiry first.
      const ordered = all.data.currentUser.personalAccessTokens.nodes.map((n: any) => idOf(n.id));
      expect(ordered[0]).toBe(expired.token.id);
      expect(ordered).toContain(active.token.id);

      const other = await h.gql(USER_TOKENS, { u: w.dev.username }, { token: w.pat.maint });
      expect(other.data.user).toEqual({ personalAccessTokens: null });
      const admin = await h.gql(USER_TOKENS, { u: w.dev.username }, { token: w.pat.admin });
      expect(admin.data.user.personalAccessTokens.count).toBe(4);
    });

    it("a bot's tokens are not shown to the members of its project", async () => {
      const bot = await h.createResourceToken({ project: w.project });
      const res = await h.gql(USER_TOKENS, { u: bot.bot.username }, { token: w.pat.owner });
      expect(res.data.user).toEqual({ personalAccessTokens: null });
    });
  });
});
