import type { RequestContext } from '../../graphql/context';
import { byIdLoader } from '../../db/loader-utils';
import { User } from './user.entity';

export function createUserLoaders(ctx: RequestContext) {
  return {
    users: byIdLoader(ctx.app.dataSource, User),
  };
}
