// The GraphQL explorer: GraphiQL at /-/graphql-explorer, served from the bundle that
// scripts/build-explorer.js writes into dist/explorer at build time. Nothing is fetched from a CDN:
// the page, its script and its stylesheet (fonts and images inlined) all come from Labgate, and the
// page talks to /api/graphql on its own origin.
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

export const EXPLORER_PATH = '/-/graphql-explorer';
/** Hashed assets live under the page's own path, so one prefix covers the whole explorer. */
export const EXPLORER_ASSETS_PATH = `${EXPLORER_PATH}/assets`;

/** Hashed file names never change content, so browsers and proxies may keep them for a year. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

export interface ExplorerOptions {
  /** Folder holding manifest.json and the bundle; defaults to dist/explorer of this package. */
  assetsDir?: string;
}

interface Asset {
  body: Buffer;
  /**
   * Compressed once, off the event loop, on the first request that accepts gzip, not at start-up
   * (the tests start many servers that never serve the explorer).
   */
  gzip: () => Promise<Buffer>;
  contentType: string;
}

const gzip = promisify(zlib.gzip);

function asset(body: Buffer, contentType: string): Asset {
  let gzipped: Promise<Buffer> | undefined;
  return { body, contentType, gzip: () => (gzipped ??= gzip(body, { level: 9 })) };
}

interface Manifest {
  js: string;
  css: string;
}

/** The folder of this package's package.json: src/http in a checkout, dist/src/http once built. */
function packageRoot(): string {
  let dir = __dirname;
  while (!fs.existsSync(path.join(dir, 'package.json'))) {
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find package.json above ${__dirname}`);
    dir = parent;
  }
  return dir;
}

export function defaultExplorerAssetsDir(): string {
  return path.join(packageRoot(), 'dist', 'explorer');
}

function missing(dir: string, detail: string): Error {
  return new Error(`explorer assets not built; run npm run build (${detail} in ${dir})`);
}

function loadManifest(dir: string): Manifest {
  const file = path.join(dir, 'manifest.json');
  let manifest: Partial<Manifest>;
  try {
    manifest = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw missing(dir, (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no manifest.json' : `unreadable manifest.json: ${(error as Error).message}`);
  }
  for (const key of ['js', 'css'] as const) {
    // The names go into URLs and file paths: accept only what the build script writes.
    if (typeof manifest[key] !== 'string' || !/^explorer-[A-Za-z0-9]+\.(js|css)$/.test(manifest[key]!)) {
      throw missing(dir, `manifest.json names no ${key} file`);
    }
  }
  return manifest as Manifest;
}

function loadAsset(dir: string, name: string, contentType: string): Asset {
  let body: Buffer;
  try {
    body = fs.readFileSync(path.join(dir, name));
  } catch {
    throw missing(dir, `no ${name}`);
  }
  return asset(body, contentType);
}

function escapeAttribute(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
}

function renderPage(manifest: Manifest): string {
  const js = escapeAttribute(`${EXPLORER_ASSETS_PATH}/${manifest.js}`);
  const css = escapeAttribute(`${EXPLORER_ASSETS_PATH}/${manifest.css}`);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>GraphQL explorer · Labgate</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${css}">
</head>
<body>
<div id="explorer"><noscript>The GraphQL explorer needs JavaScript.</noscript></div>
<script src="${js}"></script>
</body>
</html>
`;
}

/**
 * The page may load and call only its own origin. Styles allow 'unsafe-inline' because GraphiQL and
 * CodeMirror set inline styles on the elements they draw; images and fonts come inlined as data: URLs.
 */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** `gzip` in Accept-Encoding, unless refused with `q=0`. */
function acceptsGzip(request: FastifyRequest): boolean {
  const header = request.headers['accept-encoding'];
  if (typeof header !== 'string') return false;
  return header.split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    if (coding.trim() !== 'gzip' && coding.trim() !== '*') return false;
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return q === undefined || Number(q.slice(2)) > 0;
  });
}

async function sendAsset(request: FastifyRequest, reply: FastifyReply, asset: Asset, cacheControl: string): Promise<FastifyReply> {
  reply.header('content-type', asset.contentType);
  reply.header('cache-control', cacheControl);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('vary', 'Accept-Encoding');
  // The script is over a megabyte and gzip takes it to about a third.
  if (acceptsGzip(request)) {
    reply.header('content-encoding', 'gzip');
    return reply.send(await asset.gzip());
  }
  return reply.send(asset.body);
}

/**
 * Registers GET (and HEAD) routes for the explorer page and its two hashed assets. The bundle is read
 * into memory here, once: a missing build fails at start-up, not on the first visit.
 */
export function registerExplorer(server: FastifyInstance, options: ExplorerOptions = {}): void {
  const dir = options.assetsDir ?? defaultExplorerAssetsDir();
  const manifest = loadManifest(dir);
  const page = asset(Buffer.from(renderPage(manifest), 'utf8'), 'text/html; charset=utf-8');
  const assets = new Map<string, Asset>([
    [manifest.js, loadAsset(dir, manifest.js, 'text/javascript; charset=utf-8')],
    [manifest.css, loadAsset(dir, manifest.css, 'text/css; charset=utf-8')],
  ]);

  server.get(EXPLORER_PATH, async (request, reply) => {
    reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    reply.header('x-frame-options', 'DENY');
    reply.header('referrer-policy', 'no-referrer');
    // The page names the current hashed assets, so it must never be served stale.
    return sendAsset(request, reply, page, 'no-store');
  });

  server.get<{ Params: { file: string } }>(`${EXPLORER_ASSETS_PATH}/:file`, async (request, reply) => {
    const asset = assets.get(request.params.file);
    if (!asset) {
      // A page of an earlier build asking for its assets, or a guess: the server's usual 404.
      return reply.callNotFound();
    }
    return sendAsset(request, reply, asset, IMMUTABLE);
  });
}
