import DataLoader from 'dataloader';
import { In } from 'typeorm';
import type { RequestContext } from '../../core/context';
import { byIdLoader } from '../../db/loader-utils';
import { oneOf, sql } from '../../policy/sql-conditions';
import { GranularScope } from './granular-scope.entity';
import { PersonalAccessToken } from './personal-access-token.entity';

export function createAccessTokenLoaders(ctx: RequestContext) {
  const ds = ctx.app.dataSource;
  return {
    tokens: byIdLoader(ds, PersonalAccessToken),
    /** The granular scopes of each token, in the order they were written. */
    granularScopes: new DataLoader<number, GranularScope[]>(async (tokenIds) => {
      const rows = await ds.getRepository(GranularScope).find({ where: { personalAccessTokenId: In([...tokenIds]) }, order: { id: 'ASC' } });
      return tokenIds.map((id) => rows.filter((row) => row.personalAccessTokenId === id));
    }),
    /** The addresses each token was last used from (`lastUsedIps`), in the order they were first seen. */
    lastUsedIps: new DataLoader<number, string[]>(async (tokenIds) => {
      const statement = sql`SELECT ip.personal_access_token_id AS token_id, ip.ip_address AS ip_address FROM personal_access_token_last_used_ips ip
        WHERE ${oneOf('ip.personal_access_token_id', tokenIds)} ORDER BY ip.id`;
      const [text, values] = ds.driver.escapeQueryWithParameters(statement.sql, statement.params, {});
      const rows = (await ds.query(text, values)) as Array<{ token_id: number; ip_address: string }>;
      return tokenIds.map((id) => rows.filter((row) => Number(row.token_id) === id).map((row) => row.ip_address));
    }),
  };
}
