// Apollo Client's persisted-query link in a real browser, against a running Labgate (issue 20). The page
// (test/browser/pages/persisted-query-page.js, bundled here with esbuild as the explorer is) sends a
// query's SHA-256 by GET, as the link does with `useGETForHashedQueries: true`; Labgate answers as
// Apollo Server does, so the link behaves as it would in front of Apollo Server: an unknown hash makes
// it send the text once (by POST), later GETs are answered from the hash alone, and a hash that does
// not match its text ends in Apollo Server's 400 "provided sha does not match query".
import { createHash } from 'node:crypto';
import http from 'node:http';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import * as esbuild from 'esbuild';
import type { BrowserContext, Page } from 'playwright-core';
import type { Harness } from '../helpers/harness';
import { startHarnessAndChromium, type Chromium } from './chromium';

/** What Labgate received from the page and answered, one entry per request to /api/graphql. */
interface Exchange {
  method: string;
  /** The query text, when the request carried it (query string or body). */
  query: string | null;
  sha256Hash: string | null;
  status: number;
  body: any;
}

interface PageOutcome {
  data?: any;
  error?: { name: string; message: string; statusCode?: number; bodyText?: string };
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

async function bundlePage(): Promise<string> {
  const result = await esbuild.build({
    entryPoints: [path.join(__dirname, 'pages', 'persisted-query-page.js')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['chrome100'],
    // Apollo Client picks its production build by this export condition (no development warnings).
    conditions: ['production'],
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: 'silent',
  });
  return result.outputFiles[0].text;
}

describe("Apollo Client's persisted-query link (GET for hashed queries) in Chromium", () => {
  let h: Harness;
  let chrome: Chromium | undefined;
  let context: BrowserContext;
  let page: Page;
  let site: http.Server | undefined;
  let settings: { endpoint: string; token: string };
  let exchanges: Exchange[] = [];
  const pageErrors: string[] = [];

  /** Runs a query through one of the page's clients; returns what the page saw and what went over the wire. */
  async function run(client: string, query: string, variables: Record<string, unknown> = {}, options: { wrongHash?: boolean; anonymous?: boolean } = {}) {
    exchanges = [];
    const clientSettings = { ...settings, token: options.anonymous ? '' : settings.token, wrongHash: options.wrongHash ?? false };
    const outcome: PageOutcome = await page.evaluate(
      ([name, s, q, v]) => (globalThis as any).labgateApollo.run(name, s, q, v),
      [client, clientSettings, query, variables] as const,
    );
    // Responses are recorded as they finish; the last one may be reported just after the page has it.
    for (let i = 0; i < 50 && exchanges.some((e) => e.body === undefined); i++) await new Promise((r) => setTimeout(r, 20));
    return { outcome, exchanges: exchanges.slice() };
  }

  beforeAll(async () => {
    const [started, script] = await Promise.all([startHarnessAndChromium(), bundlePage()]);
    ({ h, chrome } = started);
    const root = await h.createUser('root', { admin: true });
    await h.createGroup('acme', { visibility: 'public', owner: root });
    await h.createProject('web', 'acme', { visibility: 'public' });
    const ada = await h.createUser('ada');
    const token = (await h.createPat(ada, ['read_api'])).secret;
    const address = await h.app.listen(0, '127.0.0.1');
    const labgate = `http://127.0.0.1:${address.port}`;
    settings = { endpoint: `${labgate}/api/graphql`, token };

    // The page lives on another origin, as a frontend would: its GETs and POSTs are cross-origin.
    site = http.createServer((req, res) => {
      if (req.url === '/page.js') {
        res.writeHead(200, { 'content-type': 'text/javascript; charset=utf-8' });
        res.end(script);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><html><head><meta charset="utf-8"><title>apollo</title></head><body><p id="ready"></p><script src="/page.js"></script></body></html>');
    });
    await new Promise<void>((resolve) => site!.listen(0, '127.0.0.1', resolve));

    context = await chrome.browser.newContext();
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    page.on('response', (response) => {
      const request = response.request();
      if (!response.url().startsWith(settings.endpoint) || request.method() === 'OPTIONS') return;
      let query: string | null;
      let extensions: any;
      if (request.method() === 'GET') {
        const params = new URL(request.url()).searchParams;
        query = params.get('query');
        extensions = params.has('extensions') ? JSON.parse(params.get('extensions')!) : undefined;
      } else {
        const sent = JSON.parse(request.postData() ?? '{}');
        query = sent.query ?? null;
        extensions = sent.extensions;
      }
      const exchange: Exchange = { method: request.method(), query, sha256Hash: extensions?.persistedQuery?.sha256Hash ?? null, status: response.status(), body: undefined };
      exchanges.push(exchange);
      response.json().then(
        (body) => (exchange.body = body),
        () => (exchange.body = null),
      );
    });
    await page.goto(`http://127.0.0.1:${(site.address() as AddressInfo).port}/`);
    await page.locator('#ready:has-text("ready")').waitFor({ timeout: 30_000 });
  });

  afterAll(async () => {
    await context?.close();
    const left = (await chrome?.close()) ?? [];
    await new Promise((resolve) => (site ? site.close(resolve) : resolve(undefined)));
    await h?.close();
    expect(left).toEqual([]);
  });

  afterEach(() => expect(pageErrors).toEqual([]));

  const PROJECT = 'query ProjectPath($fullPath: ID!) { project(fullPath: $fullPath) { fullPath name } }';

  it('sends an unknown hash by GET, is told PersistedQueryNotFound, and sends the text once by POST', async () => {
    const { outcome, exchanges } = await run('main', PROJECT, { fullPath: 'acme/web' });
    expect(outcome).toEqual({ data: { project: { __typename: 'Project', fullPath: 'acme/web', name: 'web' } } });
    // The hash the browser computed is the SHA-256 of the text the link prints, which it sent on retry.
    expect(exchanges.map(({ method, query, status }) => ({ method, sentText: query !== null, status }))).toEqual([
      { method: 'GET', sentText: false, status: 200 },
      { method: 'POST', sentText: true, status: 200 },
    ]);
    const [ask, retry] = exchanges;
    expect(ask.body).toEqual({ errors: [{ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } }] });
    expect(retry.sha256Hash).toBe(ask.sha256Hash);
    expect(retry.sha256Hash).toBe(sha256(retry.query!));
  });

  it('is answered from the hash alone afterwards: one GET without the text, by this client and by a fresh one', async () => {
    for (const client of ['main', 'second']) {
      const { outcome, exchanges } = await run(client, PROJECT, { fullPath: 'acme/web' });
      expect(outcome).toEqual({ data: { project: { __typename: 'Project', fullPath: 'acme/web', name: 'web' } } });
      expect(exchanges.map(({ method, query, status }) => ({ method, query, status }))).toEqual([{ method: 'GET', query: null, status: 200 }]);
    }
  });

  it('runs the stored query with the variables and the token of each GET', async () => {
    const VIEWER = 'query Viewer($fullPath: ID!) { currentUser { username } project(fullPath: $fullPath) { fullPath } }';
    await run('main', VIEWER, { fullPath: 'acme/web' });
    const { outcome, exchanges } = await run('main', VIEWER, { fullPath: 'acme/nothing-here' });
    expect(exchanges.map(({ method, query }) => ({ method, query }))).toEqual([{ method: 'GET', query: null }]);
    expect(outcome).toEqual({ data: { currentUser: { __typename: 'CurrentUser', username: 'ada' }, project: null } });
    // The same hash from a page with no token: the stored query runs for an anonymous caller.
    const anonymous = await run('anonymous', VIEWER, { fullPath: 'acme/web' }, { anonymous: true });
    expect(anonymous.exchanges.map(({ method, query }) => ({ method, query }))).toEqual([{ method: 'GET', query: null }]);
    expect(anonymous.outcome).toEqual({ data: { currentUser: null, project: { __typename: 'Project', fullPath: 'acme/web' } } });
  });

  it('ends in Apollo Server’s 400 "provided sha does not match query" when the hash is not the text’s', async () => {
    const query = 'query Mismatched { currentUser { username } }';
    const { outcome, exchanges } = await run('wrong-hash', query, {}, { wrongHash: true });
    expect(exchanges.map(({ method, query: text, status }) => ({ method, sentText: text !== null, status }))).toEqual([
      { method: 'GET', sentText: false, status: 200 },
      { method: 'POST', sentText: true, status: 400 },
    ]);
    expect(exchanges[1].sha256Hash).not.toBe(sha256(exchanges[1].query!));
    expect(exchanges[1].body).toEqual({ errors: [{ message: 'provided sha does not match query', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
    // The link does not retry twice: the page gets the 400 with Labgate's body.
    expect(outcome.data).toBeUndefined();
    expect(outcome.error).toMatchObject({ name: 'ServerError', statusCode: 400 });
    expect(JSON.parse(outcome.error!.bodyText!)).toEqual(exchanges[1].body);
    // Nothing was stored under the wrong hash: asking for it again is still "not found".
    const again = await h.request({
      method: 'GET',
      url: `/api/graphql?${new URLSearchParams({ extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: exchanges[0].sha256Hash } }) })}`,
    });
    expect(again.body.errors[0].message).toBe('PersistedQueryNotFound');
  });
});
