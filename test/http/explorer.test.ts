// The explorer's routes on a bare Fastify instance: page, hashed assets, caching, and a clear failure
// when the bundle was never built. The browser tests (test/browser) drive the page itself.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import Fastify, { type FastifyInstance } from 'fastify';
import { defaultExplorerAssetsDir, EXPLORER_ASSETS_PATH, EXPLORER_PATH, registerExplorer } from '../../src/http/explorer';

interface Raw {
  statusCode: number;
  headers: http.IncomingHttpHeaders;
  rawPayload: Buffer;
  body: string;
}

describe('GraphQL explorer routes', () => {
  let server: FastifyInstance;
  let port: number;
  const manifest = JSON.parse(fs.readFileSync(path.join(defaultExplorerAssetsDir(), 'manifest.json'), 'utf8'));

  // Over a real socket with node:http, which leaves gzip bodies as they are sent. (Fastify's inject()
  // cannot run under Jest on Node 20: light-my-request requires the ESM-only cookie package.)
  function request(options: { method?: string; url: string; headers?: Record<string, string> }): Promise<Raw> {
    return new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method: options.method ?? 'GET', path: options.url, headers: options.headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const rawPayload = Buffer.concat(chunks);
          resolve({ statusCode: res.statusCode!, headers: res.headers, rawPayload, body: rawPayload.toString('utf8') });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  }

  beforeAll(async () => {
    server = Fastify();
    registerExplorer(server);
    await server.listen({ port: 0, host: '127.0.0.1' });
    port = (server.server.address() as AddressInfo).port;
  });
  afterAll(() => server.close());

  it('serves the page, uncached, naming its hashed assets under its own path', async () => {
    const res = await request({ method: 'GET', url: EXPLORER_PATH });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.body).toContain(`<script src="${EXPLORER_ASSETS_PATH}/${manifest.js}"></script>`);
    expect(res.body).toContain(`<link rel="stylesheet" href="${EXPLORER_ASSETS_PATH}/${manifest.css}">`);
    // Nothing outside Labgate: no absolute URL in the page, and the policy allows only 'self'.
    expect(res.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toMatch(/https?:/);
  });

  it('serves the script and stylesheet with their types and a long cache, gzipped when asked', async () => {
    for (const [file, type] of [
      [manifest.js, 'text/javascript; charset=utf-8'],
      [manifest.css, 'text/css; charset=utf-8'],
    ]) {
      const plain = await request({ method: 'GET', url: `${EXPLORER_ASSETS_PATH}/${file}` });
      expect(plain.statusCode).toBe(200);
      expect(plain.headers['content-type']).toBe(type);
      expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.rawPayload.equals(fs.readFileSync(path.join(defaultExplorerAssetsDir(), file)))).toBe(true);

      const gzipped = await request({ method: 'GET', url: `${EXPLORER_ASSETS_PATH}/${file}`, headers: { 'accept-encoding': 'gzip, br' } });
      expect(gzipped.headers['content-encoding']).toBe('gzip');
      expect(gzipped.headers.vary).toBe('Accept-Encoding');
      expect(zlib.gunzipSync(gzipped.rawPayload).equals(plain.rawPayload)).toBe(true);
      expect(gzipped.rawPayload.length).toBeLessThan(plain.rawPayload.length);

      const refused = await request({ method: 'GET', url: `${EXPLORER_ASSETS_PATH}/${file}`, headers: { 'accept-encoding': 'gzip;q=0, identity' } });
      expect(refused.headers['content-encoding']).toBeUndefined();
    }
  });

  it('answers HEAD, and 404 for anything else under the assets path', async () => {
    const head = await request({ method: 'HEAD', url: `${EXPLORER_ASSETS_PATH}/${manifest.js}` });
    expect(head.statusCode).toBe(200);
    expect(head.body).toBe('');
    for (const url of [`${EXPLORER_ASSETS_PATH}/explorer-OLD.js`, `${EXPLORER_ASSETS_PATH}/..%2Fmanifest.json`, `${EXPLORER_ASSETS_PATH}/manifest.json`]) {
      expect((await request({ method: 'GET', url })).statusCode).toBe(404);
    }
  });

  it('refuses to start without a built bundle, saying what to run', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'labgate-explorer-'));
    try {
      expect(() => registerExplorer(Fastify(), { assetsDir: empty })).toThrow(/^explorer assets not built; run npm run build/);
      fs.writeFileSync(path.join(empty, 'manifest.json'), JSON.stringify({ js: 'explorer-A.js', css: 'explorer-B.css' }));
      expect(() => registerExplorer(Fastify(), { assetsDir: empty })).toThrow(/explorer assets not built; run npm run build \(no explorer-A\.js/);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});
