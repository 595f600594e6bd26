import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Config } from '../../src/config';
import { ensureRegistryKey, registryConfigYaml } from '../../src/cli/registry-config';

/** Helpers of the tests that run Debian's `docker-registry` and drive it with `skopeo`. */

export const REGISTRY_BINARY = '/usr/bin/docker-registry';
export const SKOPEO = '/usr/bin/skopeo';

export function registryToolsInstalled(): boolean {
  return existsSync(REGISTRY_BINARY) && existsSync(SKOPEO);
}

/** A port nobody listens on right now (the registry is then told to take it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

export interface RunningRegistry {
  /** `127.0.0.1:PORT`, as skopeo's `docker://` references name it. */
  host: string;
  dir: string;
  stop(): Promise<void>;
}

/** A temporary directory with the signing key and certificate, written as `labgate registry config` writes them. */
export function registryWorkDir(): { dir: string; keyPath: string } {
  const dir = mkdtempSync(path.join(tmpdir(), 'labgate-registry-'));
  const keyPath = path.join(dir, 'registry.key');
  ensureRegistryKey(keyPath);
  return { dir, keyPath };
}

/**
 * Starts the registry from its binary with the configuration `labgate registry config` prints, storage
 * in `dir`, on a free port, and waits until it answers (`/v2/` refuses with 401 until a token is
 * shown). Should another process take the port first, it starts again on another one.
 */
export async function startRegistry(config: Config, dir: string): Promise<RunningRegistry> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      return await startRegistryOn(config, dir, await freePort());
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

async function startRegistryOn(config: Config, dir: string, port: number): Promise<RunningRegistry> {
  const certPath = path.join(dir, 'registry.crt');
  const configPath = path.join(dir, 'registry.yml');
  writeFileSync(configPath, registryConfigYaml(config, certPath, { listen: `127.0.0.1:${port}`, storage: path.join(dir, 'storage') }));
  let output = '';
  const child: ChildProcess = spawn(REGISTRY_BINARY, ['serve', configPath], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  child.stderr!.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4000)));
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  let ready = false;
  for (let attempt = 0; attempt < 300 && !ready && child.exitCode === null; attempt++) {
    try {
      const response = await fetch(`http://127.0.0.1:${port}/v2/`);
      ready = response.status === 401;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  if (!ready) {
    child.kill('SIGKILL');
    await exited;
    throw new Error(`docker-registry did not start:\n${output}`);
  }
  return {
    host: `127.0.0.1:${port}`,
    dir,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

function sha256(data: Buffer): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

/**
 * A small image in an OCI layout directory (`oci:DIR:latest`): one uncompressed tar layer holding one
 * file, its config and its manifest, made here byte by byte.
 */
export function buildOciImage(parent: string, content = 'hello from labgate\n'): string {
  const dir = path.join(parent, 'image');
  const work = path.join(parent, 'layer');
  mkdirSync(work, { recursive: true });
  writeFileSync(path.join(work, 'hello.txt'), content);
  const layer = execFileSync('tar', ['--create', '--file=-', '--owner=0', '--group=0', '--numeric-owner', '--mtime=@0', '-C', work, 'hello.txt']);
  const blobs = path.join(dir, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (data: Buffer) => {
    const digest = sha256(data);
    writeFileSync(path.join(blobs, digest.slice('sha256:'.length)), data);
    return { digest, size: data.length };
  };
  const layerBlob = put(layer);
  const config = Buffer.from(
    JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: [layerBlob.digest] }, history: [{ created_by: 'labgate test' }] }),
  );
  const configBlob = put(config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...configBlob },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layerBlob }],
    }),
  );
  const manifestBlob = put(manifest);
  writeFileSync(path.join(dir, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    path.join(dir, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [{ mediaType: 'application/vnd.oci.image.manifest.v1+json', ...manifestBlob, annotations: { 'org.opencontainers.image.ref.name': 'latest' } }],
    }),
  );
  rmSync(work, { recursive: true, force: true });
  return dir;
}

export interface SkopeoResult {
  ok: boolean;
  output: string;
}

/** Credentials for skopeo: `user:token`, or null for an anonymous client. */
export type Creds = string | null;

function skopeo(args: string[], authFile: string): Promise<SkopeoResult> {
  return new Promise((resolve) => {
    execFile(SKOPEO, ['--insecure-policy', ...args], { env: { ...process.env, REGISTRY_AUTH_FILE: authFile }, timeout: 60_000 }, (error, stdout, stderr) =>
      resolve({ ok: !error, output: `${stdout}${stderr}` }),
    );
  });
}

/** A skopeo client working against one registry over plain HTTP. */
export class SkopeoClient {
  private count = 0;
  constructor(
    private readonly registry: RunningRegistry,
    private readonly image: string,
  ) {}

  private authFile(): string {
    // An empty auth file of its own, so that no login stored on the machine is ever used.
    const file = path.join(this.registry.dir, 'auth.json');
    if (!existsSync(file)) writeFileSync(file, '{}');
    return file;
  }

  push(repository: string, creds: Creds, tag = 'v1'): Promise<SkopeoResult> {
    const credArgs = creds === null ? ['--dest-no-creds'] : ['--dest-creds', creds];
    return skopeo(['copy', '--dest-tls-verify=false', ...credArgs, `oci:${this.image}:latest`, `docker://${this.registry.host}/${repository}:${tag}`], this.authFile());
  }

  pull(repository: string, creds: Creds, tag = 'v1'): Promise<SkopeoResult> {
    const out = path.join(this.registry.dir, `pulled-${++this.count}`);
    const credArgs = creds === null ? ['--src-no-creds'] : ['--src-creds', creds];
    return skopeo(['copy', '--src-tls-verify=false', ...credArgs, `docker://${this.registry.host}/${repository}:${tag}`, `dir:${out}`], this.authFile()).then((result) => {
      rmSync(out, { recursive: true, force: true });
      return result;
    });
  }

  /** Deletes a tag's manifest (the `delete` action). */
  delete(repository: string, creds: Creds, tag = 'v1'): Promise<SkopeoResult> {
    const credArgs = creds === null ? ['--no-creds'] : ['--creds', creds];
    return skopeo(['delete', '--tls-verify=false', ...credArgs, `docker://${this.registry.host}/${repository}:${tag}`], this.authFile());
  }
}
