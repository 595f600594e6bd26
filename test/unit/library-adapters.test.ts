import 'reflect-metadata';
import { getMetadataStorage } from 'type-graphql';
import { pgPool, sqliteDatabase } from '../../src/db/adapters/driver-connections';
import { checkColumnPositions, newEntity } from '../../src/db/adapters/entity-hydration';
import { forDriver, positional, shiftPlaceholders } from '../../src/db/adapters/placeholders';
import { singleEntityTarget } from '../../src/db/adapters/query-builder';
import { adoptTransaction, aroundEachQuery, dataSourceView, viewedDataSource } from '../../src/db/adapters/query-runners';
import { inTransaction } from '../../src/db/data-source';
import { findByIds, readRowArrays, hydrateArray, selectColumns } from '../../src/db/rows';
import { PerDataSource } from '../../src/db/timing';
import fs from 'node:fs';
import path from 'node:path';
import { builtMetadata, declaredTypeResolvers } from '../../src/graphql/adapters/type-graphql-metadata';
import { RESOLVERS } from '../../src/graphql/schema';
import { Namespace } from '../../src/modules/namespace/namespace.entity';
import { User } from '../../src/modules/user/user.entity';
import { useHarness } from '../helpers/harness';

/**
 * Each reach into a library's internals sits in one adapter (src/db/adapters/, src/graphql/adapters/)
 * that says what it relies on. These tests check exactly that, on the database the suite runs
 * against, so that an upgrade which changes it fails here, by name, rather than somewhere far away.
 */

const h = useHarness();
const ds = () => h.app.dataSource;
const postgres = () => ds().options.type === 'postgres';

describe('driver connections (TypeORM driver.databaseConnection / driver.master)', () => {
  it('reaches the database client under the driver', async () => {
    if (postgres()) {
      const pool = pgPool(ds())!;
      expect(sqliteDatabase(ds())).toBeNull();
      expect(typeof pool.query).toBe('function');
      expect([pool.totalCount, pool.idleCount, pool.waitingCount].every((n) => Number.isInteger(n))).toBe(true);
      const result = await pool.query({ name: 'labgate_adapter_probe', text: 'SELECT 1 AS one', values: [], rowMode: 'array' });
      expect(result.rows).toEqual([[1]]);
      expect(result.fields.map((f) => f.name)).toEqual(['one']);
    } else {
      const db = sqliteDatabase(ds())!;
      expect(pgPool(ds())).toBeNull();
      expect(db.prepare('SELECT 1 AS one').raw(true).all()).toEqual([[1]]);
      expect(db.prepare('SELECT 1 AS one').columns().map((c) => c.name)).toEqual(['one']);
      expect(db.inTransaction).toBe(false);
      await inTransaction(ds(), async () => {
        expect(db.inTransaction).toBe(true);
      });
    }
  });
});

describe('query runners (driver.createQueryRunner, QueryRunner.query, transaction flags)', () => {
  it('puts a wrapper around every statement of the data source, once per runner', async () => {
    const seen: string[] = [];
    aroundEachQuery(ds(), 'adapter-test', (query, args) => {
      seen.push(String(args[0]));
      return query(...args);
    });
    await ds().query('SELECT 41 + 1 AS answer');
    await ds().getRepository(User).findOneBy({ id: 1 });
    expect(seen).toContain('SELECT 41 + 1 AS answer');
    expect(seen.filter((s) => s === 'SELECT 41 + 1 AS answer')).toHaveLength(1);
    expect(seen.some((s) => /FROM "users"/.test(s))).toBe(true);
  });

  it('sets the same flags as TypeORM when it begins a transaction itself', async () => {
    const runner = ds().createQueryRunner();
    try {
      await runner.startTransaction();
      expect({ active: runner.isTransactionActive, depth: (runner as unknown as { transactionDepth: number }).transactionDepth }).toEqual({ active: true, depth: 1 });
      await runner.rollbackTransaction();
      expect(runner.isTransactionActive).toBe(false);
      await runner.query(postgres() ? 'BEGIN' : 'BEGIN IMMEDIATE');
      adoptTransaction(runner);
      // Nested work becomes a savepoint, and commit ends the adopted transaction.
      await runner.manager.transaction(async (inner) => inner.query('SELECT 1'));
      await runner.commitTransaction();
      expect(runner.isTransactionActive).toBe(false);
    } finally {
      await runner.release();
    }
  });

  it('commits an adopted transaction and rolls back a failed one', async () => {
    const user = await h.createUser('adapter-commit');
    await inTransaction(ds(), (m) => m.getRepository(User).update(user.id, { name: 'Committed' }));
    await expect(
      inTransaction(ds(), async (m) => {
        await m.getRepository(User).update(user.id, { name: 'Rolled back' });
        throw new Error('undo');
      }),
    ).rejects.toThrow('undo');
    expect((await ds().getRepository(User).findOneByOrFail({ id: user.id })).name).toBe('Committed');
  });
});

describe('data source views (DataSource.createQueryRunner / createEntityManager run for `this`, `manager` an own property)', () => {
  /** A view whose statements are recorded, as the request log's timer sees them. */
  function recordingView() {
    const seen: string[] = [];
    const view = dataSourceView(ds(), (query, args) => {
      seen.push(String(args[0]));
      return query(...args);
    });
    return { view, seen };
  }

  it('runs every kind of statement through the view, and none of the data source’s own', async () => {
    const user = await h.createUser('adapter-view');
    const { view, seen } = recordingView();
    // The driver keeps the runners it lent in a list (PostgreSQL) and takes each back by identity.
    const lent = () => (ds().driver as unknown as { connectedQueryRunners?: unknown[] }).connectedQueryRunners?.length ?? 0;
    const lentBefore = lent();
    await view.query('SELECT 42 AS answer');
    await view.getRepository(User).findOneBy({ id: user.id });
    await view.createQueryBuilder(User, 'u').where('u.id = :id', { id: user.id }).getOne();
    await view.manager.findOneBy(Namespace, { id: 1 });
    const kinds = seen.length;
    expect(kinds).toBe(4);
    expect(lent()).toBe(lentBefore);
    // The data source itself is not affected by the view.
    await ds().query('SELECT 43 AS answer');
    expect(seen).toHaveLength(kinds);
    expect(seen[0]).toBe('SELECT 42 AS answer');
  });

  it('runs a transaction’s statements through the view, and its state stays on the runner', async () => {
    const user = await h.createUser('adapter-view-tx');
    const { view, seen } = recordingView();
    await inTransaction(view, (m) => m.getRepository(User).update(user.id, { name: 'Through the view' }));
    await view.transaction((m) => m.getRepository(User).update(user.id, { name: 'Twice through the view' }));
    expect(seen.filter((s) => /UPDATE "users"/.test(s))).toHaveLength(2);
    expect((await ds().getRepository(User).findOneByOrFail({ id: user.id })).name).toBe('Twice through the view');
    // No transaction is left open on the data source's own runner (SQLite shares one).
    const runner = ds().createQueryRunner();
    try {
      expect(runner.isTransactionActive).toBe(false);
    } finally {
      await runner.release();
    }
    await expect(inTransaction(view, async (m) => {
      await m.getRepository(User).update(user.id, { name: 'Rolled back' });
      throw new Error('undo');
    })).rejects.toThrow('undo');
    expect((await ds().getRepository(User).findOneByOrFail({ id: user.id })).name).toBe('Twice through the view');
  });

  it('shares what is kept per data source with the data source it views', () => {
    const { view } = recordingView();
    expect(view).not.toBe(ds());
    expect(viewedDataSource(view)).toBe(ds());
    expect(viewedDataSource(dataSourceView(view, (query, args) => query(...args)))).toBe(ds());
    const kept = new PerDataSource<string>();
    kept.set(view, 'kept');
    expect(kept.get(ds())).toBe('kept');
    expect(kept.has(view)).toBe(true);
  });

  it('is the only way src/ keeps anything per data source (a WeakMap keyed by one would miss every view)', () => {
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const file = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (file.endsWith('.ts') && /\b(?:Weak)?(?:Map|Set)<\s*DataSource\b/.test(fs.readFileSync(file, 'utf8'))) offenders.push(path.relative(process.cwd(), file));
      }
    };
    walk(path.join(__dirname, '..', '..', 'src'));
    expect(offenders).toEqual([]);
  });
});

describe('entity hydration (EntityMetadata.create, prepareHydratedValue, column order)', () => {
  it('makes an empty instance of the entity class', () => {
    const entity = newEntity(ds().getMetadata(User));
    expect(entity).toBeInstanceOf(User);
    expect(Object.keys(entity).filter((k) => entity[k] !== undefined)).toEqual([]);
  });

  it('hydrates the rows TypeORM itself would return', async () => {
    const user = await h.createUser('adapter-hydrate', { admin: true });
    const [fast] = await findByIds(ds(), User, [user.id]);
    const slow = await ds().getRepository(User).findOneByOrFail({ id: user.id });
    expect(fast).toBeInstanceOf(User);
    expect(fast).toEqual(slow);
  });

  it('refuses a row whose columns are not where the positions say', async () => {
    const user = await h.createUser('adapter-positions');
    const good = forDriver(ds(), `SELECT ${selectColumns(ds(), User, 'u')} FROM users u WHERE u.id = ?`);
    const [row] = await readRowArrays(ds(), good, [user.id]);
    expect(hydrateArray(ds(), User, row).username).toBe('adapter-positions');
    // The same columns, the first two swapped: read by position, `id` would get the username.
    const names = ds()
      .getMetadata(User)
      .columns.map((c) => `u."${c.databaseName}" AS "u_${c.databaseName}"`);
    [names[0], names[1]] = [names[1], names[0]];
    const swapped = forDriver(ds(), `SELECT ${names.join(', ')} FROM users u WHERE u.id = ?`);
    const [bad] = await readRowArrays(ds(), swapped, [user.id]);
    expect(() => hydrateArray(ds(), User, bad)).toThrow(/Positional read of User: column 0 is "u_\w+", expected "u_id"/);
  });

  it('checks names against the entity columns from an offset on', () => {
    const metadata = ds().getMetadata(Namespace);
    const names = ['t_x', ...metadata.columns.map((c) => `n_${c.databaseName}`)];
    expect(() => checkColumnPositions(names, 1, metadata)).not.toThrow();
    expect(() => checkColumnPositions(names, 0, metadata)).toThrow(/column 0 is "t_x"/);
    expect(() => checkColumnPositions(names.slice(0, 3), 1, metadata)).toThrow(/returns 3 columns/);
  });

  it('tells a query over one entity from one with joins (expressionMap)', () => {
    const plain = ds().getRepository(User).createQueryBuilder('u').where('u.id = 1');
    expect(singleEntityTarget(plain)).toBe(User);
    expect(singleEntityTarget(plain.clone().innerJoin(Namespace, 'n', 'n.owner_id = u.id'))).toBeNull();
  });
});

describe('placeholders (the drivers’ syntax, as TypeORM escapes it)', () => {
  it('matches what TypeORM makes of named parameters', () => {
    // Texts: TypeORM's SQLite driver pastes numbers into the text instead.
    const [text, values] = ds().driver.escapeQueryWithParameters('a = :a AND b IN (:...b)', { a: 'x', b: ['y', 'z'] }, {});
    expect(values).toEqual(['x', 'y', 'z']);
    expect(text).toBe(postgres() ? 'a = $1 AND b IN ($2, $3)' : 'a = ? AND b IN (?, ?)');
    const own = positional({ sql: 'a = :a AND b IN (:...b)', params: { a: 'x', b: ['y', 'z'] } });
    expect(own).toEqual({ text: 'a = ? AND b IN (?, ?)', values: ['x', 'y', 'z'] });
    expect(forDriver(ds(), own.text)).toBe(text);
  });

  it('renumbers PostgreSQL placeholders outside quoted literals', () => {
    expect(shiftPlaceholders("x = $1 AND y = '$2' AND z = $12", 3)).toBe("x = $4 AND y = '$2' AND z = $15");
  });
});

describe('type-graphql metadata (the storage behind getMetadataStorage)', () => {
  it('copies and builds the storage in the shapes the direct resolvers read', () => {
    expect(typeof (getMetadataStorage() as unknown as { clone?: unknown }).clone).toBe('function');
    const built = builtMetadata(RESOLVERS as unknown as Function[]);
    const project = built.objectTypes.find((t) => t.name === 'Project');
    expect(project?.target).toEqual(expect.any(Function));
    expect(project?.fields?.find((f) => f.schemaName === 'fullPath')).toMatchObject({ name: 'fullPath', target: project!.target });
    const external = built.fieldResolvers.filter((r) => r.kind === 'external');
    expect(external.length).toBeGreaterThan(10);
    const withParams = external.find((r) => r.params?.some((p) => p.kind === 'root') && r.getObjectType?.() !== undefined);
    expect(withParams?.params?.every((p) => typeof p.index === 'number' && typeof p.kind === 'string')).toBe(true);
  });

  it('keeps the resolveType each interface was declared with', () => {
    const declared = declaredTypeResolvers<unknown[]>();
    expect(declared.get('GroupInterface')?.()).toBe('Group');
    expect(declared.get('MemberInterface')?.({ sourceType: 'Project' })).toBe('ProjectMember');
  });
});
