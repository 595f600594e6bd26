import type { Caller } from '../auth/principal';
import { INTERNAL, PUBLIC } from './visibility';

/** What the policy needs to know about the viewer. */
export interface ActorFacts {
  userId: number | null;
  /** Signed in with an active (not blocked, not deactivated) account. */
  signedIn: boolean;
  /** Administrator: Labgate behaves as GitLab in admin mode. */
  admin: boolean;
  external: boolean;
  /** The bot user behind a project or group access token. */
  projectBot: boolean;
  human: boolean;
}

export const ANONYMOUS: ActorFacts = {
  userId: null,
  signedIn: false,
  admin: false,
  external: false,
  projectBot: false,
  human: false,
};

export function actorFacts(
  user: { id: number; admin: boolean; external: boolean; state: string; userType: string } | null,
): ActorFacts {
  if (!user || user.state !== 'active') return ANONYMOUS;
  return {
    userId: user.id,
    signedIn: true,
    admin: user.admin,
    external: user.external,
    projectBot: user.userType === 'project_bot',
    human: user.userType === 'human',
  };
}

/**
 * The facts of any caller: a user's from their account; a deploy token is no user and holds no role
 * (what it may do comes from its scopes, policy/deploy-token-policy.ts), so as a viewer it sees what an
 * anonymous one sees; nobody is anonymous.
 */
export function actorFactsOf(caller: Caller): ActorFacts {
  switch (caller.kind) {
    case 'user':
      return actorFacts(caller.principal.user);
    case 'deploy-token':
    case 'anonymous':
      return ANONYMOUS;
  }
}

/** May the viewer see internal resources at all? (External users see only public ones and their own.) */
export function seesInternal(actor: ActorFacts): boolean {
  return actor.signedIn && !actor.external;
}

/** Whether the viewer sees a resource of this visibility without any role on it. */
export function visibleByLevel(actor: ActorFacts, visibilityLevel: number): boolean {
  if (visibilityLevel >= PUBLIC) return true;
  return visibilityLevel >= INTERNAL && seesInternal(actor);
}
