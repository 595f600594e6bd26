import DataLoader from 'dataloader';
import { In } from 'typeorm';
import type { RequestContext } from '../../graphql/context';
import { byIdLoader } from '../../db/loader-utils';
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
  };
}
