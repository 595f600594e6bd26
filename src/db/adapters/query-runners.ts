import type { DataSource, EntityManager, QueryRunner } from 'typeorm';

/**
 * The one place that changes how TypeORM makes and keeps query runners.
 *
 * Relies on (TypeORM 0.3): every statement of a data source (its `query`, query builders, entity
 * managers, transactions) runs through a runner made by `driver.createQueryRunner(mode)`, and the
 * runner's `query` method; and a runner whose `isTransactionActive` is true and `transactionDepth` is
 * 1 treats the transaction as its own (nested transactions become savepoints; `commitTransaction`
 * and `rollbackTransaction` end it). test/unit/library-adapters.test.ts fails if either changes.
 */

type Query = (...args: unknown[]) => Promise<unknown>;

const wrapped = new WeakMap<QueryRunner, Set<string>>();

/**
 * Puts `around` around the `query` of every runner the data source makes from now on (`name` keeps
 * one wrapper of each kind per runner, however often runners are handed out again).
 */
export function aroundEachQuery(dataSource: DataSource, name: string, around: (query: Query, args: unknown[]) => Promise<unknown>): void {
  const driver = dataSource.driver as unknown as { createQueryRunner(mode: string): QueryRunner };
  const create = driver.createQueryRunner.bind(driver);
  driver.createQueryRunner = (mode: string) => {
    const runner = create(mode);
    let names = wrapped.get(runner);
    if (!names) wrapped.set(runner, (names = new Set()));
    if (!names.has(name)) {
      names.add(name);
      const query = runner.query.bind(runner) as Query;
      (runner as unknown as { query: Query }).query = (...args: unknown[]) => around(query, args);
    }
    return runner;
  };
}

const ROOT = Symbol('labgate.viewedDataSource');

/** The data source a view (`dataSourceView`) views; the data source itself when it is not a view. */
export function viewedDataSource(dataSource: DataSource): DataSource {
  return (dataSource as DataSource & { [ROOT]?: DataSource })[ROOT] ?? dataSource;
}

/**
 * A view of the data source: the same data source for everything (it inherits from it), except that
 * each query runner it hands out runs its statements through `around`, and its entity managers (its
 * own `manager`, and each runner's) make their runners from the view. The runners themselves are not
 * changed: SQLite shares one runner across the data source, so each is handed out behind a proxy that
 * answers `query` and `manager` and forwards everything else, state included, to the runner.
 *
 * Relies on (TypeORM 0.3), besides the above: `DataSource.createQueryRunner` and
 * `createEntityManager` make what they make for `this`, and `manager` is an own property set by the
 * constructor, which the view's getter shadows.
 */
export function dataSourceView(dataSource: DataSource, around: Around): DataSource {
  const view = Object.create(viewPrototype(viewedDataSource(dataSource))) as View;
  view[AROUND] = around;
  return view;
}

type Around = (query: Query, args: unknown[]) => Promise<unknown>;
const AROUND = Symbol('labgate.around');
const MANAGER = Symbol('labgate.viewManager');
const PROTOTYPE = Symbol('labgate.viewPrototype');
type View = DataSource & { [ROOT]: DataSource; [AROUND]: Around; [MANAGER]?: EntityManager };

/** What every view of a data source shares, made once per data source: a view itself is a small object. */
function viewPrototype(root: DataSource): DataSource {
  const kept = root as DataSource & { [PROTOTYPE]?: DataSource };
  if (kept[PROTOTYPE]) return kept[PROTOTYPE];
  const create = root.createQueryRunner;
  const prototype = Object.create(root) as View;
  prototype[ROOT] = root;
  Object.defineProperty(prototype, 'manager', {
    get(this: View) {
      return (this[MANAGER] ??= this.createEntityManager());
    },
  });
  prototype.createQueryRunner = function (this: View, mode) {
    return runnerOfView(create.call(this, mode), this);
  };
  kept[PROTOTYPE] = prototype;
  return prototype;
}

/** The runner as a view hands it out: its statements pass the view's `around`, its manager is the view's. */
function runnerOfView(runner: QueryRunner, view: View): QueryRunner {
  const query = runner.query.bind(runner) as Query;
  const around = view[AROUND];
  const wrapped = (...args: unknown[]) => around(query, args);
  let manager: EntityManager | undefined;
  // Methods run on the runner itself (the driver keeps its runners in a list and finds them by identity).
  const bound = new Map<PropertyKey, unknown>();
  const proxy: QueryRunner = new Proxy(runner, {
    get(target, key) {
      if (key === 'query') return wrapped;
      // A transaction's statements run through the runner's manager: the view's, so they pass `around` too.
      if (key === 'manager') return (manager ??= view.createEntityManager(proxy));
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function') return value;
      let method = bound.get(key);
      if (!method) bound.set(key, (method = (value as (...args: unknown[]) => unknown).bind(target)));
      return method;
    },
  });
  return proxy;
}

/**
 * Tells the runner that the transaction its connection just began by hand (`BEGIN IMMEDIATE` on
 * SQLite, which TypeORM cannot issue) is its own, as if `startTransaction` had begun it.
 */
export function adoptTransaction(runner: QueryRunner): void {
  Object.assign(runner, { isTransactionActive: true, transactionDepth: 1 });
}
