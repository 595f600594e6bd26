/**
 * Issue 3, docs/reference/gitlab-access-tokens.md §10 "Rotate" (#53-#62): `projectAccessTokenRotate` /
 * `groupAccessTokenRotate` by id.
 * #63 (no expiry required) is in lifecycle.test.ts with the other instance settings.
 *
 * REST to GraphQL: 200 is a payload with the new `token` and `accessToken`; a 400 is a payload
 * error with nothing changed; the 401 (and the administrators' 404) for a token the caller may not
 * rotate, or that does not exist, is the top-level not-available error.
 * #55: the current GitLab text is used ("Not eligible to rotate tokens with permissions not held by the user").
 */
import { PersonalAccessToken } from '../../../src/modules/access-token/personal-access-token.entity';
import { Member } from '../../../src/modules/member/member.entity';
import { User } from '../../../src/modules/user/user.entity';
import {
  day,
  expectInvalidToken,
  expectNotAvailable,
  expectPayloadErrors,
  expectTokenWorks,
  idOf,
  membershipsOf,
  patGid,
  PROJECT_TOKENS,
  ROTATE_GROUP_TOKEN,
  ROTATE_PROJECT_TOKEN,
  snapshot,
  tokenRow,
  useWorld,
} from './fixtures';

const NOT_ELIGIBLE = 'Not eligible to rotate tokens with permissions not held by the user';

describe('projectAccessTokenRotate / groupAccessTokenRotate by id', () => {
  const { h, w } = useWorld();

  const rotate = (secret: string | undefined, id: number, extra: Record<string, unknown> = {}, projectPath = w.project.fullPath) =>
    h.gql(ROTATE_PROJECT_TOKEN, { input: { projectPath, id: patGid(id), ...extra } }, secret ? { token: secret } : {});
  const rotateGroup = (secret: string, id: number, extra: Record<string, unknown> = {}) =>
    h.gql(ROTATE_GROUP_TOKEN, { input: { groupPath: w.group.fullPath, id: patGid(id), ...extra } }, { token: secret });

  async function expectUnchanged(run: () => Promise<void>) {
    const before = await snapshot(h);
    await run();
    expect(await snapshot(h)).toEqual(before);
  }

  it('#53 the Owner rotates a Maintainer token: new secret, a week, same bot, name, scopes and description; old revoked', async () => {
    const old = await h.createResourceToken({ project: w.project }, { accessLevel: 40, scopes: ['api', 'read_repository'], name: 'ci' });
    await h.app.dataSource.getRepository(PersonalAccessToken).update({ id: old.token.id }, { description: 'for CI' });
    const res = await rotate(w.pat.owner, old.token.id, { clientMutationId: 'rot' });
    expect(res.errors).toBeUndefined();
    const payload = res.data.projectAccessTokenRotate;
    expect(payload).toMatchObject({ errors: [], clientMutationId: 'rot' });
    expect(payload.token).toMatch(/^glpat-/);
    expect(payload.token).not.toBe(old.secret);
    expect(payload.accessToken).toMatchObject({
      name: 'ci',
      description: 'for CI',
      scopes: ['api', 'read_repository'],
      expiresAt: day(7),
      active: true,
      revoked: false,
      accessLevel: { integerValue: 40 },
      user: { id: `gid://gitlab/User/${old.bot.id}` },
    });
    const newId = idOf(payload.accessToken.id);
    expect(newId).not.toBe(old.token.id);
    const oldRow = (await tokenRow(h, old.token.id))!;
    const newRow = (await tokenRow(h, newId))!;
    expect(oldRow.revoked).toBe(true);
    expect(newRow.userId).toBe(old.bot.id);
    expect(newRow.previousPersonalAccessTokenId).toBe(old.token.id);
    // Both stay listed: the old one as inactive.
    const list = await h.gql(PROJECT_TOKENS, { path: w.project.fullPath, sort: 'ID_ASC' }, { token: w.pat.owner });
    expect(list.data.project.accessTokens.nodes.map((n: any) => [idOf(n.id), n.active])).toEqual([
      [old.token.id, false],
      [newId, true],
    ]);
  });

  it('#54 an explicit expiry is used', async () => {
    const old = await h.createResourceToken({ project: w.project });
    const res = await rotate(w.pat.owner, old.token.id, { expiresAt: day(30) });
    expect(res.data.projectAccessTokenRotate.accessToken.expiresAt).toBe(day(30));
  });

  it('#54 the new expiry obeys the same maximum as creation (inferred); nothing changes when it does not', async () => {
    const old = await h.createResourceToken({ project: w.project });
    await expectUnchanged(async () => {
      expectPayloadErrors(await rotate(w.pat.owner, old.token.id, { expiresAt: day(366) }), 'projectAccessTokenRotate', [
        `Expires at must be before ${day(365)}`,
      ]);
    });
    expect((await tokenRow(h, old.token.id))!.revoked).toBe(false);
    await expectTokenWorks(h, old.secret);
  });

  it('#55 a Maintainer may not rotate an Owner token', async () => {
    const old = await h.createResourceToken({ project: w.project }, { accessLevel: 50 });
    await expectUnchanged(async () => {
      expectPayloadErrors(await rotate(w.pat.maint, old.token.id), 'projectAccessTokenRotate', [NOT_ELIGIBLE]);
    });
    expect((await tokenRow(h, old.token.id))!.revoked).toBe(false);
  });

  it('#55 nor a Planner token (the encompass table, inferred)', async () => {
    const old = await h.createResourceToken({ project: w.project }, { accessLevel: 15 });
    expectPayloadErrors(await rotate(w.pat.maint, old.token.id), 'projectAccessTokenRotate', [NOT_ELIGIBLE]);
    expect((await rotate(w.pat.owner, old.token.id)).data.projectAccessTokenRotate.errors).toEqual([]);
  });

  it('#56 a Maintainer rotates a Maintainer project token: a week', async () => {
    const old = await h.createResourceToken({ project: w.project }, { accessLevel: 40 });
    const res = await rotate(w.pat.maint, old.token.id);
    expect(res.data.projectAccessTokenRotate).toMatchObject({ errors: [], accessToken: { expiresAt: day(7) } });
  });

  it('#57 a group Maintainer cannot rotate a group token', async () => {
    const gm = await h.createUser(`gm${w.group.id}`);
    await h.addMember({ group: w.group }, gm, 'maintainer');
    const { secret } = await h.createPat(gm, ['api']);
    const old = await h.createResourceToken({ group: w.group }, { accessLevel: 30 });
    await expectUnchanged(async () => expectNotAvailable(await rotateGroup(secret, old.token.id), 'groupAccessTokenRotate'));
    const byOwner = await rotateGroup(w.pat.owner, old.token.id);
    expect(byOwner.data.groupAccessTokenRotate).toMatchObject({ errors: [], accessToken: { expiresAt: day(7), accessLevel: { integerValue: 30 } } });
  });

  it('#58 a Developer cannot rotate', async () => {
    const old = await h.createResourceToken({ project: w.project }, { accessLevel: 10 });
    await expectUnchanged(async () => expectNotAvailable(await rotate(w.pat.dev, old.token.id), 'projectAccessTokenRotate'));
  });

  it('#59 an unknown id: not available to a Developer and to an administrator', async () => {
    expectNotAvailable(await rotate(w.pat.dev, 999999), 'projectAccessTokenRotate');
    expectNotAvailable(await rotate(w.pat.admin, 999999), 'projectAccessTokenRotate');
    expectNotAvailable(await rotate(w.pat.owner, 999999), 'projectAccessTokenRotate');
  });

  it("#59 another resource's token, a human's personal token: not available", async () => {
    const q = await h.createProject('q', w.group.fullPath);
    const qBot = await h.createResourceToken({ project: q });
    const human = await h.createPat(w.maint, ['api']);
    await expectUnchanged(async () => {
      expectNotAvailable(await rotate(w.pat.owner, qBot.token.id), 'projectAccessTokenRotate');
      expectNotAvailable(await rotate(w.pat.owner, human.token.id), 'projectAccessTokenRotate');
    });
  });

  it('#60 a revoked token cannot be rotated: "Token already revoked"', async () => {
    const old = await h.createResourceToken({ project: w.project });
    await h.app.dataSource.getRepository(PersonalAccessToken).update({ id: old.token.id }, { revoked: true });
    await expectUnchanged(async () => {
      expectPayloadErrors(await rotate(w.pat.owner, old.token.id), 'projectAccessTokenRotate', ['Token already revoked']);
    });
  });

  it('#60 the rotated-away token cannot be rotated again', async () => {
    const old = await h.createResourceToken({ project: w.project });
    await rotate(w.pat.owner, old.token.id);
    expectPayloadErrors(await rotate(w.pat.owner, old.token.id), 'projectAccessTokenRotate', ['Token already revoked']);
  });

  it('#61 the bot membership never expires after a rotation', async () => {
    const old = await h.createResourceToken({ project: w.project });
    await h.app.dataSource.getRepository(Member).update({ userId: old.bot.id }, { expiresAt: day(3) });
    await rotate(w.pat.owner, old.token.id);
    expect((await membershipsOf(h, old.bot.id)).map((m) => m.expiresAt)).toEqual([null]);
  });

  it("#61 the bot takes the rotating user's external flag (current GitLab)", async () => {
    const ext = await h.createUser(`ext${w.project.id}`, { external: true });
    await h.addMember({ project: w.project }, ext, 'maintainer');
    const { secret } = await h.createPat(ext, ['api']);
    const old = await h.createResourceToken({ project: w.project });
    await rotate(secret, old.token.id);
    expect((await h.app.dataSource.getRepository(User).findOneBy({ id: old.bot.id }))!.external).toBe(true);
  });

  it('#62 the old secret is dead at once; the new one works', async () => {
    const old = await h.createResourceToken({ project: w.project }, { scopes: ['read_api'] });
    const res = await rotate(w.pat.owner, old.token.id);
    const fresh = res.data.projectAccessTokenRotate.token;
    expectInvalidToken(await h.gql(`{ project(fullPath: "${w.project.fullPath}") { id } }`, {}, { token: old.secret }));
    const ok = await h.gql(`{ project(fullPath: "${w.project.fullPath}") { fullPath } }`, {}, { token: fresh });
    expect(ok.status).toBe(200);
    expect(ok.data.project.fullPath).toBe(w.project.fullPath);
  });

  it('two rotations of one token at the same time: exactly one succeeds', async () => {
    const old = await h.createResourceToken({ project: w.project });
    const results = await Promise.all([rotate(w.pat.owner, old.token.id), rotate(w.pat.maint, old.token.id), rotate(w.pat.admin, old.token.id)]);
    const payloads = results.map((r) => r.data.projectAccessTokenRotate);
    expect(payloads.filter((p) => p.errors.length === 0)).toHaveLength(1);
    expect(payloads.filter((p) => p.errors.length > 0).map((p) => p.errors)).toEqual([['Token already revoked'], ['Token already revoked']]);
    const list = await h.gql(PROJECT_TOKENS, { path: w.project.fullPath }, { token: w.pat.owner });
    expect(list.data.project.accessTokens.count).toBe(2);
  });

  it('a read_api token cannot rotate; anonymous callers neither', async () => {
    const old = await h.createResourceToken({ project: w.project });
    const { secret } = await h.createPat(w.owner, ['read_api']);
    expectNotAvailable(await rotate(secret, old.token.id), 'projectAccessTokenRotate');
    expectNotAvailable(await rotate(undefined, old.token.id), 'projectAccessTokenRotate');
    expect((await tokenRow(h, old.token.id))!.revoked).toBe(false);
  });
});
