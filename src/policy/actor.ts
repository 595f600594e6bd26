import type { ActorFacts } from '../core/actor';
import { INTERNAL, PUBLIC } from './visibility';

export { actorFacts, actorFactsOf, ANONYMOUS, type ActorFacts } from '../core/actor';

/** May the viewer see internal resources at all? (External users see only public ones and their own.) */
export function seesInternal(actor: ActorFacts): boolean {
  return actor.signedIn && !actor.external;
}

/** Whether the viewer sees a resource of this visibility without any role on it. */
export function visibleByLevel(actor: ActorFacts, visibilityLevel: number): boolean {
  if (visibilityLevel >= PUBLIC) return true;
  return visibilityLevel >= INTERNAL && seesInternal(actor);
}
