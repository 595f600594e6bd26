import type { RequestContext } from '../core/context';
import { createAccessTokenLoaders } from './access-token/access-token.loaders';
import { createGroupLinkLoaders } from './group-link/group-link.loaders';
import { createGroupLoaders } from './group/group.loaders';
import { createMemberLoaders } from './member/member.loaders';
import { createNamespaceLoaders } from './namespace/namespace.loaders';
import { createProjectLoaders } from './project/project.loaders';
import { createUserLoaders } from './user/user.loaders';

/**
 * Every DataLoader of one request; made fresh per request so nothing is cached across viewers. The
 * composition root gives this factory to the application core (`AppCore.createLoaders`).
 */
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

type ModuleLoaders = ReturnType<typeof createLoaders>;

declare module '../core/context' {
  // The request context's `loaders` are the modules' loaders.
  interface Loaders extends ModuleLoaders {}
}
