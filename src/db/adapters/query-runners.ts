import type { DataSource, QueryRunner } from 'typeorm';

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

/**
 * Tells the runner that the transaction its connection just began by hand (`BEGIN IMMEDIATE` on
 * SQLite, which TypeORM cannot issue) is its own, as if `startTransaction` had begun it.
 */
export function adoptTransaction(runner: QueryRunner): void {
  Object.assign(runner, { isTransactionActive: true, transactionDepth: 1 });
}
