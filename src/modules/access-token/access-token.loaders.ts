import type { RequestContext } from '../../graphql/context';
import { byIdLoader } from '../../db/loader-utils';
import { PersonalAccessToken } from './personal-access-token.entity';

export function createAccessTokenLoaders(ctx: RequestContext) {
  return {
    tokens: byIdLoader(ctx.app.dataSource, PersonalAccessToken),
  };
}
