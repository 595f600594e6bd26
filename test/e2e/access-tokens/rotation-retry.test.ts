/**
 * Issue 18, item 6: a self-rotation sent twice at once must not lock its user out. The loser of the
 * race either finds the token already revoked by the winner's transaction ("Token already revoked")
 * or authenticates after the winner's commit and presents a revoked token; within
 * ROTATION_RETRY_WINDOW_MS of the rotation that is a retry, refused without revoking the family, so the
 * winner's new token keeps working. A genuinely later reuse of the old token still revokes the family.
 * Both GraphQL `personalAccessTokenRotate` and REST `POST /personal_access_tokens/self/rotate`.
 */
import { IsNull, Not } from 'typeorm';
import { ROTATION_RETRY_WINDOW_MS } from '../../../src/core/limits';
import { PersonalAccessToken } from '../../../src/modules/access-token/personal-access-token.entity';
import { TODAY } from '../../helpers/harness';
import { expectInvalidToken, expectTokenWorks, patGid, ROTATE_PAT, useWorld, WHO_AM_I } from './fixtures';

describe('retried self-rotation (issue 18)', () => {
  const { h, w } = useWorld({ clockAt: `${TODAY}T12:00:00.000Z` });
  const tokens = () => h.app.dataSource.getRepository(PersonalAccessToken);

  const rotateGraphql = (secret: string, id: number) => h.gql(ROTATE_PAT, { input: { id: patGid(id) } }, { token: secret });
  const rotateRest = (secret: string) => h.rest('POST', '/personal_access_tokens/self/rotate', secret, {});

  /** The family's rows: the old token and every successor. */
  async function family(rootId: number) {
    const successors = await tokens().find({ where: { previousPersonalAccessTokenId: rootId }, order: { id: 'ASC' } });
    return { old: (await tokens().findOneByOrFail({ id: rootId }))!, successors };
  }

  /** The secret a winning answer carries, or null for a losing one (which must be a clean refusal). */
  function graphqlOutcome(res: Awaited<ReturnType<typeof rotateGraphql>>): string | null {
    if (res.status === 401) {
      expectInvalidToken(res);
      return null;
    }
    const payload = res.data.personalAccessTokenRotate;
    if (payload.errors.length) {
      expect(payload).toEqual({ clientMutationId: null, errors: ['Token already revoked'], token: null });
      return null;
    }
    return payload.token;
  }

  function restOutcome(res: Awaited<ReturnType<typeof rotateRest>>): string | null {
    if (res.status === 200) return res.body.token;
    if (res.status === 401) expect(res.body).toMatchObject({ error: 'invalid_token' });
    else expect(res).toMatchObject({ status: 400, body: { message: '400 Bad request - Token already revoked' } });
    return null;
  }

  for (const [transport, send] of [
    ['GraphQL personalAccessTokenRotate', async (secret: string, id: number) => graphqlOutcome(await rotateGraphql(secret, id))],
    ['REST /personal_access_tokens/self/rotate', async (secret: string) => restOutcome(await rotateRest(secret))],
  ] as const) {
    describe(transport, () => {
      it('two concurrent rotations with one token: one new token, which keeps working (3 runs)', async () => {
        for (let run = 0; run < 3; run += 1) {
          const t = await h.createPat(w.dev, ['api'], { name: `retried ${run}` });
          const outcomes = await Promise.all([send(t.secret, t.token.id), send(t.secret, t.token.id)]);
          const winners = outcomes.filter((o): o is string => o !== null);
          expect(winners).toHaveLength(1);
          const { old, successors } = await family(t.token.id);
          expect(old.revoked).toBe(true);
          expect(successors.map((s) => s.revoked)).toEqual([false]);
          await expectTokenWorks(h, winners[0], w.dev.username);
        }
      });

      it('a retry right after the rotation is refused, and the new token stays', async () => {
        const t = await h.createPat(w.dev, ['api']);
        const secret = await send(t.secret, t.token.id);
        expect(secret).toMatch(/^glpat-/);
        h.clock.advance(ROTATION_RETRY_WINDOW_MS - 1);
        expect(await send(t.secret, t.token.id)).toBeNull();
        await expectTokenWorks(h, secret!, w.dev.username);
        expect(await tokens().countBy({ userId: w.dev.id, previousPersonalAccessTokenId: Not(IsNull()), revoked: false })).toBe(1);
      });

      it('a later reuse of the old token revokes the whole family, the new token included', async () => {
        const t = await h.createPat(w.dev, ['api']);
        const secret = await send(t.secret, t.token.id);
        // The new token is rotated again by its holder: a family of three, one active.
        const next = await send(secret!, (await family(t.token.id)).successors[0].id);
        expect(next).toMatch(/^glpat-/);
        h.clock.advance(ROTATION_RETRY_WINDOW_MS);
        expect(await send(t.secret, t.token.id)).toBeNull();
        expectInvalidToken(await h.gql(WHO_AM_I, {}, { token: next! }));
        expect(await tokens().countBy({ userId: w.dev.id, previousPersonalAccessTokenId: Not(IsNull()), revoked: false })).toBe(0);
      });
    });
  }
});
