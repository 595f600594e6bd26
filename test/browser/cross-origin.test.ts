// A page on another origin (another loopback port) calls Labgate's /api/graphql with a token, as a
// frontend hosted elsewhere would. This needs CORS as GitLab answers it for /api/*: the browser sends
// a preflight for the Authorization / PRIVATE-TOKEN and JSON content-type headers, then the request.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser } from 'playwright-core';
import type { Harness } from '../helpers/harness';
import { startHarnessAndChromium, type Chromium } from './chromium';

/** The other origin's page: it runs two queries (Bearer, then PRIVATE-TOKEN) and prints the answers. */
function otherOriginPage(labgate: string, token: string): string {
  const settings = JSON.stringify({ endpoint: `${labgate}/api/graphql`, token }).replace(/</g, '\\u003c');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>another origin</title></head>
<body>
<pre id="bearer"></pre>
<pre id="private-token"></pre>
<script>
const settings = ${settings};
async function ask(headers) {
  try {
    const response = await fetch(settings.endpoint, {
      method: 'POST',
      headers: Object.assign({ 'Content-Type': 'application/json' }, headers),
      body: JSON.stringify({ query: 'query whoAmI { currentUser { username } }', operationName: 'whoAmI' }),
    });
    return JSON.stringify({ status: response.status, body: await response.json() });
  } catch (error) {
    return JSON.stringify({ failed: String(error) });
  }
}
(async () => {
  document.getElementById('bearer').textContent = await ask({ Authorization: 'Bearer ' + settings.token });
  document.getElementById('private-token').textContent = await ask({ 'PRIVATE-TOKEN': settings.token });
})();
</script>
</body></html>`;
}

describe('a page on another origin', () => {
  let h: Harness;
  let chrome: Chromium | undefined;
  let browser: Browser;
  let other: http.Server | undefined;
  let labgate: string;
  let token: string;

  beforeAll(async () => {
    ({ h, chrome } = await startHarnessAndChromium());
    browser = chrome.browser;
    const ada = await h.createUser('ada');
    token = (await h.createPat(ada, ['read_api'])).secret;
    const address = await h.app.listen(0, '127.0.0.1');
    labgate = `http://127.0.0.1:${address.port}`;

    other = http.createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(otherOriginPage(labgate, token));
    });
    await new Promise<void>((resolve) => other!.listen(0, '127.0.0.1', resolve));
  });

  afterAll(async () => {
    const left = (await chrome?.close()) ?? [];
    await new Promise((resolve) => (other ? other.close(resolve) : resolve(undefined)));
    await h?.close();
    expect(left).toEqual([]);
  });

  it('sends a query with a token to /api/graphql and reads the answer', async () => {
    const origin = `http://127.0.0.1:${(other!.address() as AddressInfo).port}`;
    expect(origin).not.toBe(labgate);
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const allowOrigins: Array<string | undefined> = [];
      page.on('response', (response) => {
        if (response.url().startsWith(`${labgate}/api/graphql`)) allowOrigins.push(response.headers()['access-control-allow-origin']);
      });

      await page.goto(`${origin}/`);
      await page.locator('#private-token:not(:empty)').waitFor({ timeout: 30_000 });
      const bearer = JSON.parse((await page.textContent('#bearer'))!);
      const privateToken = JSON.parse((await page.textContent('#private-token'))!);

      expect(bearer).toEqual({ status: 200, body: { data: { currentUser: { username: 'ada' } } } });
      expect(privateToken).toEqual({ status: 200, body: { data: { currentUser: { username: 'ada' } } } });
      // GitLab answers /api/* for any origin, without credentials.
      expect(allowOrigins.length).toBe(2);
      for (const allowed of allowOrigins) expect([origin, '*']).toContain(allowed);
    } finally {
      await context.close();
    }
  });

  it('sees a wrong token refused with 401, readable from the other origin', async () => {
    const context = await browser.newContext();
    try {
      const page = await context.newPage();
      const server = http.createServer((_req, res) => {
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(otherOriginPage(labgate, 'glpat-not-a-real-token'));
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      try {
        await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
        await page.locator('#bearer:not(:empty)').waitFor({ timeout: 30_000 });
        const bearer = JSON.parse((await page.textContent('#bearer'))!);
        // Not a network failure: the browser lets the page read Labgate's 401 answer.
        expect(bearer.status).toBe(401);
        expect(bearer.failed).toBeUndefined();
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    } finally {
      await context.close();
    }
  });
});
