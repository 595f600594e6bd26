import { RequestContext, type AppCore } from '../core/context';
import { RequestTimeoutError } from '../core/errors';
import type { Principal } from '../core/principal';
import type { RequestTrace } from '../core/trace';
import { NodeBudget } from './complexity';

/**
 * The context of one GraphQL operation: the request context every transport has, and what only the
 * GraphQL endpoint keeps per request (the complexity score, the node budget a batch shares, the
 * time budget that stops resolvers).
 */
export class GraphQLContext extends RequestContext {
  /** Set by the complexity check; read by `Query.queryComplexity`. */
  complexity: { score: number; limit: number } | null = null;
  /** Nodes already allowed to earlier operations of the same HTTP request (a batch shares one limit). */
  readonly nodeBudget: NodeBudget;
  /**
   * Whether the request's time budget has passed: resolvers stop at the next field. Kept in an object
   * that copies of this context share, because Apollo runs each operation on a shallow copy of the
   * context it is given, while the HTTP layer's timer marks the original.
   */
  private readonly deadline = { expired: false };

  constructor(app: AppCore, principal: Principal | null, options: { system?: boolean; nodeBudget?: NodeBudget; trace?: RequestTrace } = {}) {
    super(app, principal, options);
    this.nodeBudget = options.nodeBudget ?? new NodeBudget();
  }

  get expired(): boolean {
    return this.deadline.expired;
  }

  set expired(value: boolean) {
    this.deadline.expired = value;
  }

  /** Throws GitLab's timeout error once the request's time budget has passed. */
  checkDeadline(): void {
    if (this.expired) throw new RequestTimeoutError();
  }
}
