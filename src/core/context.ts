import type { DataSource } from 'typeorm';
import { utcDate, type Clock } from '../clock';
import type { Config } from '../config';
import { BatchedConnections } from '../db/batched-pagination';
import { observeWrites } from '../db/write-scope';
import { actorFacts, SYSTEM_ACTOR, type ActorFacts } from './actor';
import type { Principal } from './principal';
import type { RequestTrace } from './trace';

/**
 * What every service needs from the running application. The core declares the parts it knows;
 * the layers above add theirs to this interface where they are put together (`src/services.ts`
 * adds the policy, the services and the repositories), so nothing here imports a layer above.
 */
export interface AppCore {
  config: Config;
  clock: Clock;
  dataSource: DataSource;
  services: AppServices;
  /**
   * Makes the DataLoaders of one request. Given by the composition root (`src/app.ts`), so that the
   * core imports no module.
   */
  createLoaders(ctx: RequestContext): Loaders;
}

/** The application's services: declared in `src/services.ts`, which adds them to this interface. */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface AppServices {}

/**
 * Every DataLoader of one request. Empty here: the modules' loaders are added to it where they are
 * put together (`src/modules/loaders.ts`).
 */
// eslint-disable-next-line @typescript-eslint/no-empty-interface
export interface Loaders {}

/**
 * One request (or one CLI command), whatever the transport: who asks, per-request DataLoaders and
 * values computed once per request. Services take it as their first argument; nothing in it outlives
 * the request. State only the GraphQL endpoint has (complexity, node budget, deadline) is in
 * `GraphQLContext`, which extends this class in `graphql/context.ts`.
 */
export class RequestContext {
  readonly actor: ActorFacts;
  /** The HTTP request's trace (operation names, error codes), when it has one. */
  readonly trace: RequestTrace | undefined;
  private loaderSet: Loaders | null = null;
  private batchSet: BatchedConnections | null = null;
  private readonly memos = new Map<string, Promise<unknown>>();
  private readonly fixedNow: Date;
  private fixedToday: string | undefined;

  constructor(
    readonly app: AppCore,
    readonly principal: Principal | null,
    options: { system?: boolean; trace?: RequestTrace } = {},
  ) {
    this.trace = options.trace;
    this.actor = options.system && !principal ? SYSTEM_ACTOR : actorFacts(principal?.user ?? null);
    this.fixedNow = app.clock.now();
  }

  /** The request's DataLoaders, made when a resolver first needs one (`{ __typename }` needs none). */
  get loaders(): Loaders {
    return (this.loaderSet ??= this.app.createLoaders(this));
  }

  /** Nested connections of one request, batched across their parents. */
  get batches(): BatchedConnections {
    return (this.batchSet ??= new BatchedConnections(this.app.dataSource));
  }

  get user() {
    return this.principal?.user ?? null;
  }

  get services(): AppServices {
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
   * Computes a value once per request under a key (such as the viewer's abilities on one project, or
   * the viewer's memberships): the schema's declared checks and the services then ask the same
   * question at no extra cost.
   */
  memo<T>(key: string, compute: () => Promise<T>): Promise<T> {
    let value = this.memos.get(key) as Promise<T> | undefined;
    if (!value) {
      value = compute();
      this.memos.set(key, value);
    }
    return value;
  }

  /** After a write: what was computed before it (abilities, memberships) may no longer hold. */
  forgetComputed(): void {
    this.memos.clear();
  }

  /** Told by the data layer of every write made inside `run` (db/write-scope.ts). */
  afterWrite(): void {
    this.forgetComputed();
  }

  /**
   * Runs the request's work (a GraphQL operation, a REST handler, a command): any write made inside
   * it, by whatever service and whichever transport, makes the context forget what it computed before
   * (`forgetComputed`). The memos are one map that the copies Apollo makes of a context share.
   */
  run<T>(work: () => T): T {
    return observeWrites(this, work);
  }
}
