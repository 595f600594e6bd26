import { createHash, randomBytes } from 'node:crypto';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Config } from '../../config';

const run = promisify(execFile);

/** The branch a new repository's HEAD names (GitLab's instance default, `main`). */
export const DEFAULT_BRANCH = 'main';

/** Git's all-zero object name: the old side of a created ref, the new side of a deleted one. */
export const ZERO_SHA = /^0+$/;

/**
 * Where the bare repositories live: `LABGATE_REPOSITORIES_PATH`, else `repositories` beside the SQLite
 * file (`data/repositories` by default). An in-memory database keeps its repositories in a temporary
 * directory of its own (null here), removed with it; with PostgreSQL the default is `data/repositories`.
 */
export function repositoriesRoot(config: Pick<Config, 'repositoriesPath' | 'databaseUrl'>): string | null {
  if (config.repositoriesPath) return path.resolve(config.repositoriesPath);
  if (config.databaseUrl.startsWith('sqlite:')) {
    const file = config.databaseUrl.slice('sqlite:'.length);
    return file === ':memory:' ? null : path.resolve(path.dirname(file), 'repositories');
  }
  return path.resolve('data', 'repositories');
}

/**
 * GitLab's hashed storage: `@hashed/ab/cd/<sha256 of the project id>.git`, a path that stays the same
 * when the project or its group is renamed or moved.
 */
export function hashedPath(projectId: number): string {
  const hash = createHash('sha256').update(String(projectId)).digest('hex');
  return path.join('@hashed', hash.slice(0, 2), hash.slice(2, 4), `${hash}.git`);
}

/** Temporary roots still on disk, removed when the process exits. */
const temporaryRoots = new Set<string>();
let exitCleanup = false;

/** What the API shows of a repository (`Project.repository`, REST `empty_repo`, `default_branch`). */
export interface RepositoryInfo {
  exists: boolean;
  empty: boolean;
  /** The branch HEAD names, when the repository has it (null for an empty repository). */
  rootRef: string | null;
}

/** Every branch of a repository, read from its files (loose refs and `packed-refs`) without running Git. */
function branchNames(dir: string): Set<string> {
  const names = new Set<string>();
  const heads = path.join(dir, 'refs', 'heads');
  const walk = (sub: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(path.join(heads, sub), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const name = sub ? `${sub}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(name);
      else if (!entry.name.endsWith('.lock')) names.add(name);
    }
  };
  walk('');
  try {
    for (const line of fs.readFileSync(path.join(dir, 'packed-refs'), 'utf8').split('\n')) {
      const match = /^[0-9a-f]{40,64} refs\/heads\/(.+)$/.exec(line);
      if (match) names.add(match[1]);
    }
  } catch {
    // no packed refs
  }
  return names;
}

/**
 * The projects' bare Git repositories on disk. Git's own programs create, copy and serve them; this
 * class only knows where each one is and answers what the API shows about it.
 */
export class RepositoryStorage {
  readonly root: string;
  /** A temporary directory this storage made for an in-memory database, removed by `dispose`. */
  private readonly temporary: boolean;

  constructor(config: Pick<Config, 'repositoriesPath' | 'databaseUrl'>) {
    const root = repositoriesRoot(config);
    this.temporary = root === null;
    this.root = root ?? fs.mkdtempSync(path.join(os.tmpdir(), 'labgate-repositories-'));
    if (this.temporary) {
      if (!exitCleanup) process.once('exit', () => temporaryRoots.forEach((dir) => fs.rmSync(dir, { recursive: true, force: true })));
      exitCleanup = true;
      temporaryRoots.add(this.root);
    }
  }

  /** Removes the repositories of an in-memory database (they go with it); other storage stays. */
  dispose(): void {
    if (!this.temporary) return;
    fs.rmSync(this.root, { recursive: true, force: true });
    temporaryRoots.delete(this.root);
  }

  /** Absolute path of a project's repository. */
  pathOf(projectId: number): string {
    return path.join(this.root, hashedPath(projectId));
  }

  exists(projectId: number): boolean {
    return fs.existsSync(path.join(this.pathOf(projectId), 'HEAD'));
  }

  /** Creates an empty bare repository whose HEAD names `main`, unless the project has one. */
  async create(projectId: number): Promise<void> {
    if (this.exists(projectId)) return;
    const dir = this.pathOf(projectId);
    await fs.promises.mkdir(path.dirname(dir), { recursive: true });
    // Built beside its place and renamed into it, so that a half-made repository never shows.
    const building = `${dir}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await run('git', ['init', '--quiet', '--bare', '--template=', `--initial-branch=${DEFAULT_BRANCH}`, building]);
      await fs.promises.rename(building, dir);
    } catch (error) {
      await fs.promises.rm(building, { recursive: true, force: true });
      // Another process made it first.
      if (!this.exists(projectId)) throw error;
    }
  }

  /** Makes the fork's repository a copy of the source's (every ref and object; HEAD kept). */
  async copy(fromProjectId: number, toProjectId: number): Promise<void> {
    await this.create(fromProjectId);
    const target = this.pathOf(toProjectId);
    await fs.promises.rm(target, { recursive: true, force: true });
    await fs.promises.mkdir(path.dirname(target), { recursive: true });
    const building = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await run('git', ['clone', '--quiet', '--bare', '--no-hardlinks', '--template=', this.pathOf(fromProjectId), building]);
      await run('git', ['-C', building, 'remote', 'remove', 'origin']);
      await fs.promises.rename(building, target);
    } catch (error) {
      await fs.promises.rm(building, { recursive: true, force: true });
      throw error;
    }
  }

  /** Removes a project's repository (when its deletion is carried out). */
  async remove(projectId: number): Promise<void> {
    await fs.promises.rm(this.pathOf(projectId), { recursive: true, force: true });
  }

  /** The branch HEAD names (whether or not it exists yet). */
  headBranch(projectId: number): string {
    try {
      const head = fs.readFileSync(path.join(this.pathOf(projectId), 'HEAD'), 'utf8').trim();
      const match = /^ref: refs\/heads\/(.+)$/.exec(head);
      return match ? match[1] : DEFAULT_BRANCH;
    } catch {
      return DEFAULT_BRANCH;
    }
  }

  branches(projectId: number): Set<string> {
    return branchNames(this.pathOf(projectId));
  }

  info(projectId: number): RepositoryInfo {
    if (!this.exists(projectId)) return { exists: false, empty: true, rootRef: null };
    const branches = this.branches(projectId);
    const head = this.headBranch(projectId);
    return { exists: true, empty: branches.size === 0, rootRef: branches.has(head) ? head : null };
  }

  /**
   * Whether `ancestor` is an ancestor of `descendant`, reading objects a push has not yet made
   * permanent (Git's quarantine directory, given by the hook) as well as the repository's own.
   */
  async isAncestor(projectId: number, ancestor: string, descendant: string, objectDirs: { objects?: string; alternates?: string }): Promise<boolean> {
    const env: NodeJS.ProcessEnv = { ...process.env };
    if (objectDirs.objects) env.GIT_OBJECT_DIRECTORY = objectDirs.objects;
    if (objectDirs.alternates) env.GIT_ALTERNATE_OBJECT_DIRECTORIES = objectDirs.alternates;
    try {
      await run('git', ['--git-dir', this.pathOf(projectId), 'merge-base', '--is-ancestor', ancestor, descendant], { env });
      return true;
    } catch (error) {
      if ((error as { code?: number }).code === 1) return false;
      throw error;
    }
  }

  /**
   * What an accepted ref update brought, for its push event (read after the refs moved): the number
   * of commits and the first line of the newest one's message. As GitLab counts them: a tag carries its
   * one commit; an updated branch the commits between its old and new tips; a created branch the
   * commits no other ref holds (every commit of the branch when it is the default branch, first
   * pushed); at most `limit` except for that first push. `createdRefs` are the refs this push created,
   * none of which counts as already holding a commit.
   */
  async pushedCommits(
    projectId: number,
    change: { oldrev: string; newrev: string; ref: string },
    createdRefs: readonly string[],
    limit: number,
  ): Promise<{ count: number; title: string | null }> {
    if (ZERO_SHA.test(change.newrev)) return { count: 0, title: null };
    const gitDir = ['--git-dir', this.pathOf(projectId)];
    const git = async (args: string[]) => (await run('git', [...gitDir, ...args], { maxBuffer: 16 * 1024 * 1024 })).stdout;
    let count: number;
    if (change.ref.startsWith('refs/tags/')) {
      count = 1;
    } else if (!ZERO_SHA.test(change.oldrev)) {
      count = Number((await git(['rev-list', '--count', `--max-count=${limit}`, `${change.oldrev}..${change.newrev}`])).trim());
    } else {
      const first = change.ref === `refs/heads/${this.headBranch(projectId)}`;
      const others = first ? [] : [...createdRefs.map((ref) => `--exclude=${ref}`), '--all'];
      const max = first ? [] : [`--max-count=${limit}`];
      count = Number((await git(['rev-list', '--count', ...max, change.newrev, ...(others.length ? ['--not', ...others] : [])])).trim());
    }
    const message = await git(['log', '-1', '--format=%B', `${change.newrev}^{commit}`]).catch(() => '');
    const line = message.split('\n')[0].trim();
    return { count, title: line === '' ? null : line.length > 70 ? `${line.slice(0, 67)}...` : line };
  }

  /** Whether a directory a hook names lies inside this project's repository (never trust a path blindly). */
  inside(projectId: number, dir: string): boolean {
    const base = this.pathOf(projectId) + path.sep;
    return dir.split(path.delimiter).every((part) => part === '' || path.resolve(this.pathOf(projectId), part).startsWith(base));
  }
}
