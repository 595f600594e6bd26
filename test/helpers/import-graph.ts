import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

/**
 * The import graph of `src/` as the TypeScript compiler reads it, and the rules of docs/architecture.md
 * checked over it. Every import counts, type-only ones included: `import type`, `export ... from`,
 * `import('...')` in a type or a call, `require`, and the module a `declare module` block augments.
 */

/** One import: `from` names `to` (paths relative to the repository, with forward slashes). */
export interface Edge {
  from: string;
  to: string;
}

/** Every TypeScript file under `dir` (relative to `root`). */
function sourceFiles(root: string, dir: string): string[] {
  const found: string[] = [];
  const walk = (at: string) => {
    for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
      const full = path.join(at, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) found.push(full);
    }
  };
  walk(path.join(root, dir));
  return found.map((file) => path.relative(root, file).split(path.sep).join('/')).sort();
}

/** The imports between files of `src/`, resolved as the compiler resolves them with the project's options. */
export function readImportGraph(root: string): { files: string[]; edges: Edge[] } {
  const config = ts.readConfigFile(path.join(root, 'tsconfig.json'), ts.sys.readFile);
  const options = ts.parseJsonConfigFileContent(config.config, ts.sys, root).options;
  const files = sourceFiles(root, 'src');
  const known = new Set(files);
  const edges: Edge[] = [];
  for (const file of files) {
    const absolute = path.join(root, file);
    const info = ts.preProcessFile(fs.readFileSync(absolute, 'utf8'), true, true);
    for (const imported of info.importedFiles) {
      const resolved = ts.resolveModuleName(imported.fileName, absolute, options, ts.sys).resolvedModule;
      if (!resolved || resolved.isExternalLibraryImport) continue;
      const to = path.relative(root, resolved.resolvedFileName).split(path.sep).join('/');
      if (known.has(to) && to !== file) edges.push({ from: file, to });
    }
  }
  return { files, edges };
}

/** A layer: which files it holds, and (for transports) which family of transport. */
export interface Layer {
  name: string;
  /** Higher layers may import lower ones; never the reverse. */
  rank: number;
  /**
   * Transports are one layer, but one transport may not import another (GraphQL, REST, Git and the
   * registry each stand on the layers below, not on each other).
   */
  transport?: boolean;
  holds(file: string): boolean;
}

/** The layers of Labgate, top down (docs/architecture.md). The first that holds a file is its layer. */
export const LAYERS: readonly Layer[] = [
  { name: 'entry', rank: 6, holds: (f) => /^src\/(main|app)\.ts$/.test(f) || /^src\/(http|cli)\//.test(f) },
  { name: 'graphql', rank: 5, transport: true, holds: (f) => f.startsWith('src/graphql/') || /^src\/modules\/.+\.(resolver|types)\.ts$/.test(f) },
  { name: 'rest', rank: 5, transport: true, holds: (f) => f.startsWith('src/rest/') },
  { name: 'git', rank: 5, transport: true, holds: (f) => f.startsWith('src/git/') },
  { name: 'registry', rank: 5, transport: true, holds: (f) => f.startsWith('src/registry/') },
  { name: 'data', rank: 2, holds: (f) => /^src\/modules\/.+\.(entity|data)\.ts$/.test(f) },
  { name: 'services', rank: 4, holds: (f) => f.startsWith('src/modules/') || f === 'src/services.ts' },
  { name: 'policy', rank: 3, holds: (f) => f.startsWith('src/policy/') || f.startsWith('src/auth/') },
  { name: 'core', rank: 2, holds: (f) => f.startsWith('src/core/') || f.startsWith('src/db/') },
  { name: 'base', rank: 1, holds: (f) => /^src\/(config|clock|version|text|process-chain)\.ts$/.test(f) },
];

export function layerOf(file: string, layers: readonly Layer[] = LAYERS): Layer | null {
  return layers.find((layer) => layer.holds(file)) ?? null;
}

/** An edge allowed against the rules for now, and why. */
export interface KnownException extends Edge {
  reason: string;
}

export interface ArchitectureReport {
  /** Files no layer holds (every file must have a place). */
  unplaced: string[];
  /** Imports up or across layers, worded `from -> to (layer imports layer)`. */
  wrongWay: string[];
  /** Groups of files that import each other in a ring, larger than allowed or not listed. */
  cycles: string[];
  /** Listed exceptions and cycles that no longer occur (the list must shrink with the code). */
  stale: string[];
}

/**
 * The strongly connected groups of the graph with more than one file (Tarjan's algorithm): the files
 * of each group reach each other through imports, so each is a cycle or several.
 */
export function importCycles(edges: readonly Edge[]): string[][] {
  const next = new Map<string, string[]>();
  for (const { from, to } of edges) {
    if (!next.has(from)) next.set(from, []);
    if (!next.has(to)) next.set(to, []);
    next.get(from)!.push(to);
  }
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const groups: string[][] = [];
  let counter = 0;
  const visit = (node: string) => {
    index.set(node, counter);
    low.set(node, counter);
    counter += 1;
    stack.push(node);
    onStack.add(node);
    for (const target of next.get(node)!) {
      if (!index.has(target)) {
        visit(target);
        low.set(node, Math.min(low.get(node)!, low.get(target)!));
      } else if (onStack.has(target)) {
        low.set(node, Math.min(low.get(node)!, index.get(target)!));
      }
    }
    if (low.get(node) === index.get(node)) {
      const group: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        group.push(member);
      } while (member !== node);
      if (group.length > 1) groups.push(group.sort());
    }
  };
  for (const node of [...next.keys()].sort()) if (!index.has(node)) visit(node);
  return groups;
}

/**
 * Checks a graph against the layers: no import up a layer or from one transport into another, unless
 * listed; no cycle of more than `maxCycle` files; each smaller cycle listed in `allowedCycles`.
 */
export function checkArchitecture(
  graph: { files: readonly string[]; edges: readonly Edge[] },
  rules: { layers?: readonly Layer[]; exceptions?: readonly KnownException[]; allowedCycles?: ReadonlyArray<readonly string[]>; maxCycle?: number } = {},
): ArchitectureReport {
  const layers = rules.layers ?? LAYERS;
  const exceptions = rules.exceptions ?? [];
  const allowedCycles = (rules.allowedCycles ?? []).map((group) => [...group].sort().join(' '));
  const maxCycle = rules.maxCycle ?? 3;
  const report: ArchitectureReport = { unplaced: [], wrongWay: [], cycles: [], stale: [] };
  for (const file of graph.files) if (!layerOf(file, layers)) report.unplaced.push(file);
  const usedExceptions = new Set<KnownException>();
  for (const edge of graph.edges) {
    const from = layerOf(edge.from, layers);
    const to = layerOf(edge.to, layers);
    if (!from || !to) continue;
    const up = to.rank > from.rank;
    const across = !up && to.rank === from.rank && from.name !== to.name && (from.transport || to.transport);
    if (!up && !across) continue;
    const known = exceptions.find((e) => e.from === edge.from && e.to === edge.to);
    if (known) {
      usedExceptions.add(known);
      continue;
    }
    report.wrongWay.push(`${edge.from} -> ${edge.to} (${from.name} imports ${to.name}${up ? ', a layer above it' : ', another transport'})`);
  }
  for (const known of exceptions) if (!usedExceptions.has(known)) report.stale.push(`exception ${known.from} -> ${known.to} no longer occurs`);
  const seenCycles = new Set<string>();
  for (const group of importCycles(graph.edges)) {
    const key = group.join(' ');
    seenCycles.add(key);
    if (group.length > maxCycle) report.cycles.push(`${group.length} files import each other in a ring: ${group.join(', ')}`);
    else if (!allowedCycles.includes(key)) report.cycles.push(`cycle not listed as allowed: ${group.join(', ')}`);
  }
  for (const key of allowedCycles) if (!seenCycles.has(key)) report.stale.push(`allowed cycle ${key.split(' ').join(', ')} no longer occurs`);
  return report;
}

/**
 * Reaches into libraries' internals, which belong in the adapters (`src/db/adapters/`,
 * `src/graphql/adapters/`): found in the syntax tree of each file, not in its text, so a comment or a
 * string that names them does not count.
 */
const INTERNALS: ReadonlyArray<{ what: string; matches(node: ts.Node): boolean }> = [
  { what: 'TypeORM driver.databaseConnection', matches: (n) => ts.isPropertyAccessExpression(n) && n.name.text === 'databaseConnection' },
  { what: 'TypeORM driver.master', matches: (n) => ts.isPropertyAccessExpression(n) && n.name.text === 'master' },
  { what: 'TypeORM query builder expressionMap', matches: (n) => ts.isPropertyAccessExpression(n) && n.name.text === 'expressionMap' },
  {
    what: 'TypeORM driver.createQueryRunner replaced',
    matches: (n) => ts.isBinaryExpression(n) && n.operatorToken.kind === ts.SyntaxKind.EqualsToken && ts.isPropertyAccessExpression(n.left) && n.left.name.text === 'createQueryRunner',
  },
  {
    what: 'TypeORM query runner transaction flags set by hand',
    matches: (n) => (ts.isPropertyAssignment(n) || ts.isShorthandPropertyAssignment(n)) && ['isTransactionActive', 'transactionDepth'].includes(n.name.getText()),
  },
  { what: 'TypeORM EntityMetadata.create()', matches: (n) => ts.isCallExpression(n) && ts.isPropertyAccessExpression(n.expression) && n.expression.name.text === 'create' && /metadata$/i.test(n.expression.expression.getText()) },
  { what: "type-graphql's metadata storage", matches: (n) => ts.isIdentifier(n) && n.text === 'getMetadataStorage' },
];

const INTERNAL_NAMES = ['databaseConnection', 'master', 'expressionMap', 'createQueryRunner', 'isTransactionActive', 'transactionDepth', '.create(', 'getMetadataStorage'];

export function isAdapter(file: string): boolean {
  return file.startsWith('src/db/adapters/') || file.startsWith('src/graphql/adapters/');
}

/** Each reach into a library's internals outside the adapters, as `file:line what`. */
export function internalsOutsideAdapters(root: string, files: readonly string[]): string[] {
  const found: string[] = [];
  for (const file of files) {
    if (isAdapter(file)) continue;
    const text = fs.readFileSync(path.join(root, file), 'utf8');
    // Only files that name one of them at all are parsed (the names decide nothing by themselves).
    if (!INTERNAL_NAMES.some((name) => text.includes(name))) continue;
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true, file.endsWith('.tsx') ? ts.ScriptKind.TSX : ts.ScriptKind.TS);
    const visit = (node: ts.Node) => {
      for (const internal of INTERNALS) {
        if (internal.matches(node)) found.push(`${file}:${source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1} ${internal.what}`);
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}
