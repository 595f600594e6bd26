import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal';
import { utcDate, type Clock } from '../clock';
import type { Config } from '../config';
import { actorFacts, type ActorFacts } from '../policy/abilities';
import { loadMembershipIndex, MembershipIndex } from '../policy/membership-index';
import { noLinkReaches, reachesThroughLinks } from '../policy/group-links';
import type { RequestTrace } from '../http/trace';
import type { Policy } from '../policy/policy';
import type { Services } from '../services';
import { BatchedConnections } from './batched-pagination';
import { NodeBudget } from './complexity';
import { observeWrites } from '../db/write-scope';
import { RequestTimeoutError } from './errors';
import { createLoaders, type Loaders } from './loaders';

/** What every service needs from the running application. */
export interface AppCore {
  config: Config;
  clock: Clock;
  dataSource: DataSource;
  policy: Policy;
  services: Services;
  /** The projects' bare Git repositories. */
  repositories: import('../modules/repository/repository-storage').RepositoryStorage;
  /** Failed-authentication ban per client address (HTTP server only; null when disabled). */
  authThrottle?: import('../auth/auth-throttle').AuthThrottle | null;
}

/** The administrator facts used by the `labgate` command when it acts without `--as`. */
const SYSTEM_ACTOR: ActorFacts = {
  userId: null,
  signedIn: true,
  admin: true,
  external: false,
  projectBot: false,
  human: true,
};

/**
 * One request (or one CLI command): who asks, per-request DataLoaders and the viewer's memberships.
 * Services take it as their first argument; nothing in it outlives the request.
 */
export class RequestContext {
  readonly actor: ActorFacts;
  /** Set by the complexity check; read by `Query.queryComplexity`. */
  complexity: { score: number; limit: number } | null = null;
  /** Nodes already allowed to earlier operations of the same HTTP request (a batch shares one limit). */
  readonly nodeBudget: NodeBudget;
  /** The HTTP request's trace (operation names, error codes), when it has one. */
  readonly trace: RequestTrace | undefined;
  /**
   * Whether the request's time budget has passed: resolvers stop at the next field. Kept in an object
   * that copies of this context share, because Apollo runs each operation on a shallow copy of the
   * context it is given, while the HTTP layer's timer marks the original.
   */
  private readonly deadline = { expired: false };

  get expired(): boolean {
    return this.deadline.expired;
  }

  set expired(value: boolean) {
    this.deadline.expired = value;
  }
  /**
   * What was computed for this request (abilities and other memos, the viewer's memberships), until
   * a write makes it doubtful. Shared, like `deadline`, by the copies Apollo makes of the context.
   */
  private readonly computed: { memos: Map<string, Promise<unknown>>; membershipIndex: Promise<MembershipIndex> | null } = {
    memos: new Map(),
    membershipIndex: null,
  };
  private loaderSet: Loaders | null = null;
  private batchSet: BatchedConnections | null = null;
  private readonly fixedNow: Date;
  private fixedToday: string | undefined;

  constructor(
    readonly app: AppCore,
    readonly principal: Principal | null,
    options: { system?: boolean; nodeBudget?: NodeBudget; trace?: RequestTrace } = {},
  ) {
    this.trace = options.trace;
    this.nodeBudget = options.nodeBudget ?? new NodeBudget();
    this.actor = options.system && !principal ? SYSTEM_ACTOR : actorFacts(principal?.user ?? null);
    this.fixedNow = app.clock.now();
  }

  /** The request's DataLoaders, made when a resolver first needs one (`{ __typename }` needs none). */
  get loaders(): Loaders {
    return (this.loaderSet ??= createLoaders(this));
  }

  /** Nested connections of one request, batched across their parents. */
  get batches(): BatchedConnections {
    return (this.batchSet ??= new BatchedConnections(this.app.dataSource));
  }

  get user() {
    return this.principal?.user ?? null;
  }

  get services(): Services {
    return this.app.services;
  }

  /** One "now" per request, so that every rule in it agrees on the time. */
  now(): Date {
    return new Date(this.fixedNow.getTime());
  }

  today(): string {
    return (this.fixedToday ??= utcDate(this.fixedNow));
  }

  /**
   * Computes a value once per request under a key (such as the viewer's abilities on one project):
   * the schema's declared checks and the services then ask the same question at no extra cost.
   */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T> {
    let value = this.computed.memos.get(key) as Promise<T> | undefined;
    if (!value) {
      value = compute();
      this.computed.memos.set(key, value);
    }
    return value;
  }

  /** After a write: what was computed before it (abilities, memberships) may no longer hold. */
  forgetComputed(): void {
    this.computed.memos.clear();
    this.computed.membershipIndex = null;
  }

  /** Told by the data layer of every write made inside `run` (db/write-scope.ts). */
  afterWrite(): void {
    this.forgetComputed();
  }

  /**
   * Runs the request's work (a GraphQL operation, a REST handler, a command): any write made inside
   * it, by whatever service, makes the context forget what it computed before (`forgetComputed`).
   */
  run<T>(work: () => T): T {
    return observeWrites(this, work);
  }

  /** Throws GitLab's timeout error once the request's time budget has passed. */
  checkDeadline(): void {
    if (this.expired) throw new RequestTimeoutError();
  }

  /** The viewer's active memberships (and the group links that reach them), loaded once per request. */
  memberships(): Promise<MembershipIndex> {
    if (!this.actor.signedIn || this.actor.userId === null) return Promise.resolve(MembershipIndex.EMPTY);
    return (this.computed.membershipIndex ??= loadMembershipIndex(this.app.dataSource, this.actor.userId, this.today(), {
      links: reachesThroughLinks(this.actor),
    }).then((index) => {
      if (!index.linked) noLinkReaches(this.actor);
      return index;
    }));
  }
}
