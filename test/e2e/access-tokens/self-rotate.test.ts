/**
 * Issue 3, docs/reference/gitlab-access-tokens.md §10 "Self-rotate" (#64-#69): a token with `api` or
 * `self_rotate` rotating itself,
 * through `projectAccessTokenRotate` / `groupAccessTokenRotate` (GitLab's `/access_tokens/self/rotate`)
 * and `personalAccessTokenRotate` (GitLab's `/personal_access_tokens/self/rotate`), and token-family
 * reuse detection.
 *
 * REST to GraphQL: the self routes are the rotate mutations given the presenting token's own id.
 * 401 for a token that does not authenticate (revoked, expired) is HTTP 401 `Invalid token`; the 403
 * of a token without `api`/`self_rotate` is the top-level not-available error (the scope directive);
 * the 405 of #66 (a human's token on a resource's self route) and the 401 of #67 (another resource's
 * token) are the not-available error too, since such a token is not one of the resource's tokens.
 */
import { inTransaction } from '../../../src/db/data-source';
import { ROTATION_RETRY_WINDOW_MS } from '../../../src/core/limits';
import { TODAY } from '../../helpers/harness';
import { PersonalAccessToken } from '../../../src/modules/access-token/personal-access-token.entity';
import {
  day,
  expectInvalidToken,
  expectNotAvailable,
  expectTokenWorks,
  idOf,
  patGid,
  ROTATE_GROUP_TOKEN,
  ROTATE_PAT,
  ROTATE_PROJECT_TOKEN,
  seedWorld,
  snapshot,
  tokenRow,
  useWorld,
  WHO_AM_I,
} from './fixtures';

describe('self-rotation and token families', () => {
  // Some tests move the clock past the retry window; each starts at noon again.
  const { h, w } = useWorld({ clockAt: `${TODAY}T12:00:00.000Z` });

  const rotateProject = (secret: string, id: number, extra: Record<string, unknown> = {}, projectPath = w.project.fullPath) =>
    h.gql(ROTATE_PROJECT_TOKEN, { input: { projectPath, id: patGid(id), ...extra } }, { token: secret });
  const rotatePat = (secret: string, id: number, extra: Record<string, unknown> = {}) =>
    h.gql(ROTATE_PAT, { input: { id: patGid(id), ...extra } }, { token: secret });
  const tokens = () => h.app.dataSource.getRepository(PersonalAccessToken);

  it('#64 a project token with api rotates itself: new token, old revoked, a week', async () => {
    const bot = await h.createResourceToken({ project: w.project }, { scopes: ['api'], accessLevel: 30 });
    const res = await rotateProject(bot.secret, bot.token.id);
    expect(res.errors).toBeUndefined();
    const payload = res.data.projectAccessTokenRotate;
    expect(payload.errors).toEqual([]);
    expect(payload.token).toMatch(/^glpat-/);
    expect(payload.accessToken).toMatchObject({ expiresAt: day(7), active: true, scopes: ['api'], accessLevel: { integerValue: 30 } });
    expect((await tokenRow(h, bot.token.id))!.revoked).toBe(true);
    expectInvalidToken(await h.gql(WHO_AM_I, {}, { token: bot.secret }));
    await expectTokenWorks(h, payload.token, bot.bot.username);
  });

  it('#64 self-rotation needs no role: a Guest bot, and an explicit expiry', async () => {
    const bot = await h.createResourceToken({ project: w.project }, { scopes: ['api'], accessLevel: 10 });
    const res = await rotateProject(bot.secret, bot.token.id, { expiresAt: day(60) });
    expect(res.data.projectAccessTokenRotate).toMatchObject({ errors: [], accessToken: { expiresAt: day(60) } });
  });

  it('#64 a group token rotates itself through groupAccessTokenRotate', async () => {
    const bot = await h.createResourceToken({ group: w.group }, { scopes: ['self_rotate'], accessLevel: 20 });
    const res = await h.gql(ROTATE_GROUP_TOKEN, { input: { groupPath: w.group.fullPath, id: patGid(bot.token.id) } }, { token: bot.secret });
    expect(res.data.groupAccessTokenRotate).toMatchObject({ errors: [], accessToken: { expiresAt: day(7), scopes: ['self_rotate'] } });
  });

  it('#64 a project token with only self_rotate rotates itself through projectAccessTokenRotate', async () => {
    const bot = await h.createResourceToken({ project: w.project }, { scopes: ['read_repository', 'self_rotate'] });
    const res = await rotateProject(bot.secret, bot.token.id);
    expect(res.data.projectAccessTokenRotate).toMatchObject({ errors: [], accessToken: { scopes: ['read_repository', 'self_rotate'] } });
  });

  it('#65 a bot token with read_repository + self_rotate rotates itself through personalAccessTokenRotate', async () => {
    const bot = await h.createResourceToken({ project: w.project }, { scopes: ['read_repository', 'self_rotate'], expiresAt: day(90) });
    const res = await rotatePat(bot.secret, bot.token.id, { clientMutationId: 'self' });
    expect(res.errors).toBeUndefined();
    expect(res.data.personalAccessTokenRotate).toMatchObject({ errors: [], clientMutationId: 'self' });
    const fresh = await tokens().findOneBy({ previousPersonalAccessTokenId: bot.token.id });
    expect(fresh).toMatchObject({ userId: bot.bot.id, scopes: ['read_repository', 'self_rotate'], revoked: false });
    // GitLab's mutation passes the old expiry date on when none is given.
    expect(fresh!.expiresAt).toBe(day(90));
    expect((await tokenRow(h, bot.token.id))!.revoked).toBe(true);
  });

  it('#65 with read_api alone a bot token may not rotate itself (403: not available), and nothing changes', async () => {
    const bot = await h.createResourceToken({ project: w.project }, { scopes: ['read_api'] });
    const before = await snapshot(h);
    expectNotAvailable(await rotatePat(bot.secret, bot.token.id), 'personalAccessTokenRotate');
    expectNotAvailable(await rotateProject(bot.secret, bot.token.id), 'projectAccessTokenRotate');
    expect(await snapshot(h)).toEqual(before);
    await expectTokenWorks(h, bot.secret);
  });

  it('#65 nor with write_repository alone (the token opens no GraphQL field at all: 401)', async () => {
    const bot = await h.createResourceToken({ project: w.project }, { scopes: ['write_repository'] });
    const res = await rotatePat(bot.secret, bot.token.id);
    expect(res.status).toBe(401);
    expect((await tokenRow(h, bot.token.id))!.revoked).toBe(false);
  });

  it("#66 a human's personal token on the resource mutation is not one of the resource's tokens (405: not available) (inferred)", async () => {
    const human = await h.createPat(w.maint, ['api']);
    const before = await snapshot(h);
    expectNotAvailable(await rotateProject(human.secret, human.token.id), 'projectAccessTokenRotate');
    expect(await snapshot(h)).toEqual(before);
  });

  it("#67 another resource's bot token cannot rotate itself through P (inferred)", async () => {
    const open = await seedWorld(h, { groupVisibility: 'public', projectVisibility: 'public' });
    const q = await h.createProject('q', open.group.fullPath, { visibility: 'public' });
    const qBot = await h.createResourceToken({ project: q }, { scopes: ['api'] });
    const before = await snapshot(h);
    // P is private: Q's bot cannot see it. The other public project it can see, but its token is not that project's.
    expectNotAvailable(await rotateProject(qBot.secret, qBot.token.id), 'projectAccessTokenRotate');
    expectNotAvailable(await rotateProject(qBot.secret, qBot.token.id, {}, open.project.fullPath), 'projectAccessTokenRotate');
    expect(await snapshot(h)).toEqual(before);
  });

  it('a self_rotate-only token cannot rotate another token', async () => {
    const a = await h.createResourceToken({ project: w.project }, { scopes: ['self_rotate'], accessLevel: 40 });
    const b = await h.createResourceToken({ project: w.project }, { scopes: ['api'], accessLevel: 10 });
    const before = await snapshot(h);
    expectNotAvailable(await rotateProject(a.secret, b.token.id), 'projectAccessTokenRotate');
    // A human's self_rotate token and another of that human's tokens.
    const own = await h.createPat(w.dev, ['self_rotate']);
    const other = await h.createPat(w.dev, ['api']);
    const mid = await snapshot(h);
    expectNotAvailable(await rotatePat(own.secret, other.token.id), 'personalAccessTokenRotate');
    expect(await snapshot(h)).toEqual(mid);
    expect((await tokenRow(h, b.token.id))!.revoked).toBe(false);
    expect(mid.tokens).toBe(before.tokens + 2);
    // But it rotates itself.
    const self = await rotatePat(own.secret, own.token.id);
    expect(self.data.personalAccessTokenRotate.errors).toEqual([]);
  });

  it('a bot with api and the Maintainer role still cannot rotate another token by id', async () => {
    const a = await h.createResourceToken({ project: w.project }, { scopes: ['api'], accessLevel: 40 });
    const b = await h.createResourceToken({ project: w.project }, { scopes: ['api'], accessLevel: 10 });
    expectNotAvailable(await rotateProject(a.secret, b.token.id), 'projectAccessTokenRotate');
    expect((await tokenRow(h, b.token.id))!.revoked).toBe(false);
  });

  it('#68 a revoked token presented for a rotation revokes its active descendants (reuse detection)', async () => {
    const t = await h.createResourceToken({ project: w.project }, { scopes: ['api'] });
    // T rotated into C, C into D: a family of three, only D active.
    const c = await rotateProject(t.secret, t.token.id);
    const cId = idOf(c.data.projectAccessTokenRotate.accessToken.id);
    const d = await rotateProject(c.data.projectAccessTokenRotate.token, cId);
    const dId = idOf(d.data.projectAccessTokenRotate.accessToken.id);
    const dSecret = d.data.projectAccessTokenRotate.token;
    await expectTokenWorks(h, dSecret);
    // Someone replays the stolen T on the rotation endpoint, later than a retry would come.
    h.clock.advance(ROTATION_RETRY_WINDOW_MS);
    expectInvalidToken(await rotatePat(t.secret, t.token.id));
    expect((await tokenRow(h, dId))!.revoked).toBe(true);
    expectInvalidToken(await h.gql(WHO_AM_I, {}, { token: dSecret }));
  });

  it('#68 the same through the resource mutation, and with a human personal token family', async () => {
    const t = await h.createResourceToken({ project: w.project }, { scopes: ['api'] });
    const c = await rotateProject(t.secret, t.token.id);
    const cId = idOf(c.data.projectAccessTokenRotate.accessToken.id);
    h.clock.advance(ROTATION_RETRY_WINDOW_MS);
    expectInvalidToken(await rotateProject(t.secret, t.token.id));
    expect((await tokenRow(h, cId))!.revoked).toBe(true);

    const p = await h.createPat(w.dev, ['api']);
    const child = await rotatePat(p.secret, p.token.id);
    const childSecret = child.data.personalAccessTokenRotate.token;
    await expectTokenWorks(h, childSecret, w.dev.username);
    h.clock.advance(ROTATION_RETRY_WINDOW_MS);
    expectInvalidToken(await rotatePat(p.secret, p.token.id));
    expectInvalidToken(await h.gql(WHO_AM_I, {}, { token: childSecret }));
  });

  it('#68 a revoked token used for anything but a rotation is refused without touching its family', async () => {
    const t = await h.createResourceToken({ project: w.project }, { scopes: ['api'] });
    const c = await rotateProject(t.secret, t.token.id);
    const cId = idOf(c.data.projectAccessTokenRotate.accessToken.id);
    expectInvalidToken(await h.gql(WHO_AM_I, {}, { token: t.secret }));
    expectInvalidToken(await h.gql(`mutation { projectAccessTokenRevoke(input: { projectPath: "${w.project.fullPath}", id: "${patGid(cId)}" }) { errors } }`, {}, { token: t.secret }));
    expect((await tokenRow(h, cId))!.revoked).toBe(false);
  });

  it('#68 reuse of a revoked token that was never rotated revokes nothing else', async () => {
    const t = await h.createResourceToken({ project: w.project }, { scopes: ['api'] });
    const sibling = await h.createResourceToken({ project: w.project }, { scopes: ['api'] });
    await inTransaction(h.app.dataSource, (em) => h.app.services.tokenLifecycle.revoke(h.system(), em, t.token.id));
    expectInvalidToken(await rotatePat(t.secret, t.token.id));
    expect((await tokenRow(h, sibling.token.id))!.revoked).toBe(false);
  });

  it('#69 an expired token cannot rotate itself', async () => {
    const bot = await h.createResourceToken({ project: w.project }, { scopes: ['api'], expiresAt: day(2) });
    h.clock.advanceDays(3);
    try {
      const before = await snapshot(h);
      expectInvalidToken(await rotatePat(bot.secret, bot.token.id));
      expectInvalidToken(await rotateProject(bot.secret, bot.token.id));
      expect(await snapshot(h)).toEqual(before);
    } finally {
      h.clock.set('2026-01-15T12:00:00.000Z');
    }
  });

  it('personalAccessTokenRotate keeps the old expiry date unless one is given', async () => {
    const p = await h.createPat(w.dev, ['api'], { expiresAt: day(100) });
    const kept = await rotatePat(p.secret, p.token.id);
    const fresh = (await tokens().findOneBy({ previousPersonalAccessTokenId: p.token.id }))!;
    expect(fresh.expiresAt).toBe(day(100));
    const explicit = await rotatePat(kept.data.personalAccessTokenRotate.token, fresh.id, { expiresAt: day(5) });
    expect(explicit.data.personalAccessTokenRotate.errors).toEqual([]);
    expect((await tokens().findOneBy({ previousPersonalAccessTokenId: fresh.id }))!.expiresAt).toBe(day(5));
  });
});
