import { createGroupLoaders } from '../modules/group/group.loaders';
import { createMemberLoaders } from '../modules/member/member.loaders';
import { createNamespaceLoaders } from '../modules/namespace/namespace.loaders';
import { createProjectLoaders } from '../modules/project/project.loaders';
import { createUserLoaders } from '../modules/user/user.loaders';
import { createAccessTokenLoaders } from '../modules/access-token/access-token.loaders';
import { createGroupLinkLoaders } from '../modules/group-link/group-link.loaders';
import type { RequestContext } from './context';

/** Every DataLoader of one request; made fresh per request so nothing is cached across viewers. */
export function createLoaders(ctx: RequestContext) {
  return {
    ...createUserLoaders(ctx),
    ...createNamespaceLoaders(ctx),
    ...createProjectLoaders(ctx),
    ...createGroupLoaders(ctx),
    ...createMemberLoaders(ctx),
    ...createAccessTokenLoaders(ctx),
    ...createGroupLinkLoaders(ctx),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;
