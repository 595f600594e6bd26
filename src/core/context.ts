import type { DataSource } from 'typeorm';
import { utcDate, type Clock } from '../clock';
import type { Config } from '../config';
import { BatchedConnections } from '../db/batched-pagination';
import { timedDataSource } from '../db/timing';
import { writeCount } from '../db/write-count';
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
export interface AppServices {}

/**
 * Every DataLoader of one request. Empty here: the modules' loaders are added to it where they are
 * put together (`src/modules/loaders.ts`).
 */
export interface Loaders {}

const TRACE = Symbol('labgate.trace');
const TIMED_SOURCE = Symbol('labgate.timedDataSource');
const CORE = Symbol('labgate.requestCore');
type TimedCore = AppCore & { [TRACE]: RequestTrace; [TIMED_SOURCE]?: DataSource };

/** Per application, the prototype of its timed cores: the application, with a data source per request. */
const timedPrototypes = new WeakMap<AppCore, AppCore>();

function timedPrototype(app: AppCore): AppCore {
  let prototype = timedPrototypes.get(app);
  if (!prototype) {
    prototype = Object.create(app) as AppCore;
    Object.defineProperty(prototype, 'dataSource', {
      get(this: TimedCore) {
        return (this[TIMED_SOURCE] ??= timedDataSource(app.dataSource, this[TRACE]));
      },
    });
    timedPrototypes.set(app, prototype);
  }
  return prototype;
}

/**
 * The application as one request sees it: when its trace counts database time (the request log is
 * on), the same application whose data source is the request's timed view (db/timing.ts), made when
 * the request first reads the database. The request's contexts and its authentication share it.
 * (A small object on a prototype made once per application: this runs for every request.)
 */
export function requestCore(app: AppCore, trace: RequestTrace | undefined): AppCore {
  if (trace?.dbMs === undefined) return app;
  const kept = trace as RequestTrace & { [CORE]?: AppCore };
  if (kept[CORE]) return kept[CORE];
  const core = Object.create(timedPrototype(app)) as TimedCore;
  core[TRACE] = trace;
  kept[CORE] = core;
  return core;
}

/**
 * One request (or one CLI command), whatever the transport: who asks, per-request DataLoaders and
 * values computed once per request. Services take it as their first argument; nothing in it outlives
 * the request. State only the GraphQL endpoint has (complexity, node budget, deadline) is in
 * `GraphQLContext`, which extends this class in `graphql/context.ts`.
 */
export class RequestContext {
  readonly app: AppCore;
  readonly actor: ActorFacts;
  /** The HTTP request's trace (operation names, error codes), when it has one. */
  readonly trace: RequestTrace | undefined;
  private loaderSet: Loaders | null = null;
  private batchSet: BatchedConnections | null = null;
  /**
   * Values computed once per request (`memo`), those of them that have settled (`memoValue`), and the
   * data source's write count they were computed under: any write since makes them doubtful. One
   * object, shared by the copies Apollo makes of a context.
   */
  private readonly computed: { memos: Map<string, Promise<unknown>>; settled: Map<string, unknown>; writes: number };
  private readonly fixedNow: Date;
  private fixedToday: string | undefined;

  constructor(
    app: AppCore,
    readonly principal: Principal | null,
    options: { system?: boolean; trace?: RequestTrace } = {},
  ) {
    this.app = requestCore(app, options.trace);
    this.trace = options.trace;
    this.actor = options.system && !principal ? SYSTEM_ACTOR : actorFacts(principal?.user ?? null);
    this.fixedNow = app.clock.now();
    this.computed = { memos: new Map(), settled: new Map(), writes: writeCount(app.dataSource) };
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
    const memos = this.memos();
    let value = memos.get(key) as Promise<T> | undefined;
    if (!value) {
      value = compute();
      memos.set(key, value);
    }
    return value;
  }

  /**
   * `memo`, answering with the value itself, not a promise, once it has settled: for a value asked for
   * on every row of a long list (a bot's visible name), where a promise per row would make every row,
   * and the list, wait.
   */
  memoValue<T>(key: string, compute: () => Promise<T>): T | Promise<T> {
    const memos = this.memos();
    const { settled } = this.computed;
    if (settled.has(key)) return settled.get(key) as T;
    let value = memos.get(key) as Promise<T> | undefined;
    if (!value) {
      const computing = compute();
      memos.set(key, computing);
      // Kept only while still the memo: a write in between clears the memos, and this value with them.
      computing.then(
        (result) => memos.get(key) === computing && settled.set(key, result),
        () => undefined,
      );
      value = computing;
    }
    return value;
  }

  /**
   * Whether `memo` would answer `key` without computing it: a read that can fetch the value along
   * with its own (in the same statement) does so only when it is not known yet.
   */
  isMemoised(key: string): boolean {
    return this.memos().has(key);
  }

  /** The memoised values, forgotten first if there was a write since they were computed. */
  private memos(): Map<string, Promise<unknown>> {
    const { computed } = this;
    // A write since (by any service, whichever transport): what was computed may no longer hold.
    const writes = writeCount(this.app.dataSource);
    if (writes !== computed.writes) {
      computed.memos.clear();
      computed.settled.clear();
      computed.writes = writes;
    }
    return computed.memos;
  }

  /** Forgets what was computed so far (a write does this by itself: see `memo`). */
  forgetComputed(): void {
    this.computed.memos.clear();
    this.computed.settled.clear();
  }
}
