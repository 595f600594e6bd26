import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { checkArchitecture, importCycles, internalsOutsideAdapters, layerOf, readImportGraph, type KnownException } from '../helpers/import-graph';

/**
 * The layers of docs/architecture.md, checked on the real import graph of `src/` (type-only imports
 * included): nothing imports a layer above its own, no transport imports another, and no import
 * cycle spans more than three files.
 */

/** Imports against the rules that stay for now. Each names who removes it. */
const KNOWN_EXCEPTIONS: KnownException[] = [];

/** Small cycles that may stay, each with its reason. */
const ALLOWED_CYCLES: ReadonlyArray<readonly string[]> = [
  // The schema's own type triangle: a user lists its memberships and tokens, each of which names its user.
  ['src/modules/access-token/access-token.types.ts', 'src/modules/member/member.types.ts', 'src/modules/user/user.types.ts'],
  // The OpenAPI document is made by registering the REST plugin on a bare server; the plugin loads it
  // lazily (`import('./openapi')`) the first time a client asks for it.
  ['src/rest/openapi.ts', 'src/rest/plugin.ts'],
];

const root = path.resolve(__dirname, '../..');

describe('import direction', () => {
  const graph = readImportGraph(root);

  it('reads the real graph, type-only imports and module augmentations included', () => {
    const has = (from: string, to: string) => graph.edges.some((e) => e.from === from && e.to === to);
    expect(graph.files.length).toBeGreaterThan(150);
    // `import type { Principal } from './principal'`
    expect(has('src/core/context.ts', 'src/core/principal.ts')).toBe(true);
    // `declare module '../core/context'`
    expect(has('src/modules/loaders.ts', 'src/core/context.ts')).toBe(true);
  });

  it('places every file of src/ in a layer', () => {
    expect(checkArchitecture(graph, { exceptions: KNOWN_EXCEPTIONS, allowedCycles: ALLOWED_CYCLES }).unplaced).toEqual([]);
  });

  it('has no import up a layer or across transports, except those listed', () => {
    expect(checkArchitecture(graph, { exceptions: KNOWN_EXCEPTIONS, allowedCycles: ALLOWED_CYCLES }).wrongWay).toEqual([]);
  });

  it('has no import cycle of more than three files, and the smaller ones are listed', () => {
    expect(checkArchitecture(graph, { exceptions: KNOWN_EXCEPTIONS, allowedCycles: ALLOWED_CYCLES }).cycles).toEqual([]);
  });

  it('lists no exception or cycle that is gone', () => {
    expect(checkArchitecture(graph, { exceptions: KNOWN_EXCEPTIONS, allowedCycles: ALLOWED_CYCLES }).stale).toEqual([]);
  });

  it('keeps the core free of modules, policies and transports', () => {
    const core = graph.edges.filter((e) => e.from.startsWith('src/core/'));
    expect(core.filter((e) => !['core', 'data', 'base'].includes(layerOf(e.to)!.name)).map((e) => `${e.from} -> ${e.to}`)).toEqual([]);
  });
});

describe('library internals', () => {
  it('are reached only from the adapters (src/db/adapters/, src/graphql/adapters/)', () => {
    expect(internalsOutsideAdapters(root, readImportGraph(root).files)).toEqual([]);
  });

  it('are found in code, not in comments or strings', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'labgate-internals-'));
    try {
      fs.mkdirSync(path.join(dir, 'src/db/adapters'), { recursive: true });
      const planted = [
        '// driver.databaseConnection in a comment does not count',
        "const text = 'driver.master';",
        'const db = (ds.driver as any).databaseConnection;',
        'Object.assign(runner, { isTransactionActive: true });',
        'const entity = reader.metadata.create();',
      ].join('\n');
      fs.writeFileSync(path.join(dir, 'src/db/reach.ts'), planted);
      fs.writeFileSync(path.join(dir, 'src/db/adapters/door.ts'), 'const db = (ds.driver as any).databaseConnection;');
      expect(internalsOutsideAdapters(dir, ['src/db/reach.ts', 'src/db/adapters/door.ts'])).toEqual([
        'src/db/reach.ts:3 TypeORM driver.databaseConnection',
        'src/db/reach.ts:4 TypeORM query runner transaction flags set by hand',
        'src/db/reach.ts:5 TypeORM EntityMetadata.create()',
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the checker', () => {
  const files = ['src/core/context.ts', 'src/policy/policy.ts', 'src/modules/project/project.service.ts', 'src/rest/routes/users.ts', 'src/graphql/schema.ts'];

  it('names a planted upward edge', () => {
    const report = checkArchitecture({ files, edges: [{ from: 'src/core/context.ts', to: 'src/policy/policy.ts' }] });
    expect(report.wrongWay).toEqual(['src/core/context.ts -> src/policy/policy.ts (core imports policy, a layer above it)']);
  });

  it('names an import from one transport into another', () => {
    const report = checkArchitecture({ files, edges: [{ from: 'src/rest/routes/users.ts', to: 'src/graphql/schema.ts' }] });
    expect(report.wrongWay).toEqual(['src/rest/routes/users.ts -> src/graphql/schema.ts (rest imports graphql, another transport)']);
  });

  it('lets a layer import the ones below it', () => {
    const edges = [
      { from: 'src/graphql/schema.ts', to: 'src/modules/project/project.service.ts' },
      { from: 'src/modules/project/project.service.ts', to: 'src/policy/policy.ts' },
      { from: 'src/policy/policy.ts', to: 'src/core/context.ts' },
    ];
    expect(checkArchitecture({ files, edges })).toEqual({ unplaced: [], wrongWay: [], cycles: [], stale: [] });
  });

  it('accepts a listed exception and reports it once it is gone', () => {
    const edge = { from: 'src/core/context.ts', to: 'src/policy/policy.ts' };
    const exceptions = [{ ...edge, reason: 'test' }];
    expect(checkArchitecture({ files, edges: [edge] }, { exceptions }).wrongWay).toEqual([]);
    expect(checkArchitecture({ files, edges: [] }, { exceptions }).stale).toEqual(['exception src/core/context.ts -> src/policy/policy.ts no longer occurs']);
  });

  it('finds a cycle of four files even when each import points down or sideways, and an unlisted small one', () => {
    const ring = ['src/db/a.ts', 'src/db/b.ts', 'src/db/c.ts', 'src/db/d.ts'];
    const edges = ring.map((from, i) => ({ from, to: ring[(i + 1) % ring.length] }));
    expect(importCycles(edges)).toEqual([ring]);
    const report = checkArchitecture({ files: ring, edges }, { allowedCycles: [ring] });
    expect(report.cycles).toEqual([`4 files import each other in a ring: ${ring.join(', ')}`]);
    const pair = [
      { from: 'src/db/a.ts', to: 'src/db/b.ts' },
      { from: 'src/db/b.ts', to: 'src/db/a.ts' },
    ];
    expect(checkArchitecture({ files: ring, edges: pair }).cycles).toEqual(['cycle not listed as allowed: src/db/a.ts, src/db/b.ts']);
    expect(checkArchitecture({ files: ring, edges: pair }, { allowedCycles: [['src/db/b.ts', 'src/db/a.ts']] }).cycles).toEqual([]);
  });

  it('reports a file no layer holds', () => {
    expect(checkArchitecture({ files: ['src/somewhere.ts'], edges: [] }).unplaced).toEqual(['src/somewhere.ts']);
  });
});
