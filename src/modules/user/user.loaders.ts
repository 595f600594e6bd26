import DataLoader from 'dataloader';
import type { RequestContext } from '../../core/context';
import { byIdLoader } from '../../db/loader-utils';
import { User } from './user.entity';
import type { AutocompleteKey } from './user.service';

export function createUserLoaders(ctx: RequestContext) {
  return {
    users: byIdLoader(ctx.app.dataSource, User),
    /** `autocompleteUsers` of many projects and groups: one statement per distinct search text. */
    autocompleteUsers: new DataLoader<AutocompleteKey, User[], string>((keys) => ctx.services.users.autocompleteMany(ctx, keys), {
      cacheKeyFn: (key) => `${key.parent}\u0000${key.search ?? ''}`,
    }),
  };
}
