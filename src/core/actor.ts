import type { Caller } from './principal';

/**
 * Who asks, as the policy sees it: facts about the viewer, worked out once per request. The rules
 * that read them are in `policy/`.
 */

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

/** The administrator facts used by the `labgate` command when it acts without `--as`. */
export const SYSTEM_ACTOR: ActorFacts = {
  userId: null,
  signedIn: true,
  admin: true,
  external: false,
  projectBot: false,
  human: true,
};

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
