import type { DataSource } from 'typeorm';
import { PerDataSource } from '../db/timing';
import { utcDate } from '../clock';
import { columnCount, forDriver, hydrateArray, readRowArrays, selectColumns } from '../db/rows';
import type { AppCore } from '../core/context';
import { LAST_USED_AT_INTERVAL_MS, LAST_USED_IPS_KEPT } from './limits';
import { isTokenExpired, PersonalAccessToken } from '../modules/access-token/personal-access-token.entity';
import { User } from '../modules/user/user.entity';
import { GRANULAR_EQUIVALENT_SCOPES, loadGranularScopes } from './granular';
import type { Principal } from '../core/principal';
import { digestToken, looksLikeToken } from './token-secret';

export type AuthOutcome =
  | { status: 'anonymous' }
  | { status: 'authenticated'; principal: Principal }
  /**
   * HTTP 401 `Invalid token`. `revokedToken` is set when the token exists but was revoked; `expired`
   * when it exists, is not revoked, and has expired.
   */
  | { status: 'invalid'; revokedToken?: PersonalAccessToken; expired?: true }
  /** HTTP 403 `API not accessible for user`: a blocked or deactivated account (`state` says which). */
  | { status: 'forbidden'; state?: string };

export interface TokenSource {
  header(name: string): string | undefined;
  query: URLSearchParams;
}

/**
 * The token of a request, looked for where GitLab looks: `Authorization: Bearer`, the `PRIVATE-TOKEN`
 * header, then the `private_token` and `access_token` query parameters. Undefined when there is none.
 */
export function tokenFromRequest(source: TokenSource): string | undefined {
  const bearer = /^Bearer\s+(.*)$/i.exec(source.header('authorization')?.trim() ?? '')?.[1];
  // Blank values are ignored, as GitLab's finders ignore them: the request is then anonymous.
  const candidates = [bearer, source.header('private-token'), source.query.get('private_token'), source.query.get('access_token')];
  return candidates.map((value) => value?.trim()).find((value): value is string => !!value);
}

const tokenLookups = new PerDataSource<string>();

/** The token with a digest, and its user, in one statement (made once per data source). */
function tokenLookupSql(ds: DataSource): string {
  let text = tokenLookups.get(ds);
  if (!text) {
    text = forDriver(
      ds,
      `SELECT ${selectColumns(ds, PersonalAccessToken, 't')}, ${selectColumns(ds, User, 'u')} ` +
        'FROM personal_access_tokens t INNER JOIN users u ON u.id = t.user_id WHERE t.token_digest = ?',
    );
    tokenLookups.set(ds, text);
  }
  return text;
}

/**
 * Resolves a token to a principal. Unknown, revoked and expired tokens are "invalid" (the token stops
 * working at 00:00 UTC on its expiry date); a valid token of a blocked or deactivated user is
 * "forbidden" and is not revoked. Nothing is written here: see `recordUse`.
 */
export async function authenticate(app: AppCore, secret: string | undefined): Promise<AuthOutcome> {
  if (secret === undefined) return { status: 'anonymous' };
  if (!looksLikeToken(secret)) return { status: 'invalid' };
  // The token and its user in one statement: this runs on every request that carries a token.
  const ds = app.dataSource;
  const [row] = await readRowArrays(ds, tokenLookupSql(ds), [digestToken(secret)]);
  if (!row) return { status: 'invalid' };
  const token = hydrateArray(ds, PersonalAccessToken, row);
  if (token.revoked) return { status: 'invalid', revokedToken: token };
  const now = app.clock.now();
  if (isTokenExpired(token, utcDate(now))) return { status: 'invalid', expired: true };
  const user = hydrateArray(ds, User, row, columnCount(ds, PersonalAccessToken));
  if (user.state !== 'active') return { status: 'forbidden', state: user.state };
  if (!token.granular) return { status: 'authenticated', principal: { user, token, scopes: token.scopes } };
  // A fine-grained token passes scope checks as a classic `api` token would (GitLab skips the legacy
  // scope check for them); what it reaches is then narrowed by its granular scopes, field by field.
  const granularScopes = await loadGranularScopes(app.dataSource, token.id);
  const principal: Principal = { user, token, scopes: GRANULAR_EQUIVALENT_SCOPES, granularScopes };
  return { status: 'authenticated', principal };
}

/**
 * Records that a token was used: `lastUsedAt` at most every ten minutes, the user's activity once a
 * day. Called only once the request is accepted, so a request refused with 401 writes nothing.
 * Conditional updates, so that several processes sharing the database write each at most once.
 */
export async function recordUse(app: AppCore, principal: Principal, address?: string): Promise<void> {
  const { token, user } = principal;
  if (!token) return;
  const ds = app.dataSource;
  const now = app.clock.now();
  const threshold = new Date(now.getTime() - LAST_USED_AT_INTERVAL_MS);
  if (!token.lastUsedAt || token.lastUsedAt <= threshold) {
    const written = await ds
      .createQueryBuilder()
      .update(PersonalAccessToken)
      .set({ lastUsedAt: now })
      .where('id = :id AND (last_used_at IS NULL OR last_used_at <= :threshold)', { id: token.id, threshold })
      .execute();
    token.lastUsedAt = now;
    // The address goes with the same throttled write: only the request that wrote `lastUsedAt` records it.
    if (address && written.affected) await recordAddress(app, token.id, address, now);
  }
  const today = utcDate(now);
  if (user.lastActivityOn !== today) {
    await ds
      .createQueryBuilder()
      .update(User)
      .set({ lastActivityOn: today })
      .where('id = :id AND (last_activity_on IS NULL OR last_activity_on < :today)', { id: user.id, today })
      .execute();
    user.lastActivityOn = today;
  }
}

/**
 * Keeps `address` among the token's last used addresses (`PersonalAccessToken.lastUsedIps`, REST
 * `last_used_ips`): added when not already there, then the oldest beyond `LAST_USED_IPS_KEPT` removed,
 * as GitLab's `PersonalAccessTokens::LastUsedService` does. Runs at most once per token and ten minutes.
 */
async function recordAddress(app: AppCore, tokenId: number, address: string, now: Date): Promise<void> {
  const ds = app.dataSource;
  const run = async (text: string, params: Record<string, unknown>): Promise<unknown[]> => {
    const [query, values] = ds.driver.escapeQueryWithParameters(text, params, {});
    return ds.query(query, values);
  };
  // Only the request that won the conditional `lastUsedAt` write gets here, so no other one races it.
  const known = await run(
    `SELECT 1 AS known FROM personal_access_token_last_used_ips WHERE personal_access_token_id = :tokenId AND ip_address = :address`,
    { tokenId, address },
  );
  if (known.length) return;
  await run(
    `INSERT INTO personal_access_token_last_used_ips (personal_access_token_id, ip_address, created_at) VALUES (:tokenId, :address, :now)`,
    { tokenId, address, now },
  );
  await run(
    `DELETE FROM personal_access_token_last_used_ips WHERE personal_access_token_id = :tokenId AND id NOT IN (
       SELECT id FROM personal_access_token_last_used_ips WHERE personal_access_token_id = :tokenId ORDER BY id DESC LIMIT ${LAST_USED_IPS_KEPT})`,
    { tokenId },
  );
}
