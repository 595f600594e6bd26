// The GraphQL explorer as a person uses it: open /-/graphql-explorer, paste a token, type a query,
// run it and read the result pane. Also: the page loads nothing from outside Labgate, the token is
// sent as `Authorization: Bearer` and kept in localStorage, and autocompletion comes from the schema.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import type { Harness } from '../helpers/harness';
import { startHarnessAndChromium, type Chromium } from './chromium';

const QUERY_EDITOR = '.graphiql-query-editor .CodeMirror';
const RESULT_PANE = '.graphiql-response';

/** Replaces the query editor's text by typing, as a person would (select all, then type). */
async function typeQuery(page: Page, query: string): Promise<void> {
  await page.click(QUERY_EDITOR);
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  // insertText puts the text in as one input, so the editor's auto-closing of brackets does not double them.
  await page.keyboard.insertText(query);
}

async function resultText(page: Page): Promise<string> {
  return (await page.locator(RESULT_PANE).innerText()).replace(/\u00a0/g, ' ');
}

describe('the GraphQL explorer at /-/graphql-explorer', () => {
  let h: Harness;
  let chrome: Chromium | undefined;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let labgate: string;
  let token: string;
  const requested: string[] = [];
  const graphqlAuthorization: Array<string | undefined> = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    ({ h, chrome } = await startHarnessAndChromium());
    browser = chrome.browser;
    const grace = await h.createUser('grace', { name: 'Grace Hopper' });
    token = (await h.createPat(grace, ['api'])).secret;
    const address = await h.app.listen(0, '127.0.0.1');
    labgate = `http://127.0.0.1:${address.port}`;

    context = await browser.newContext();
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(message.text());
    });
    page.on('request', (request) => {
      requested.push(request.url());
      if (request.url() === `${labgate}/api/graphql`) graphqlAuthorization.push(request.headers()['authorization']);
    });
  });

  afterAll(async () => {
    await context?.close();
    const left = (await chrome?.close()) ?? [];
    await h?.close();
    expect(left).toEqual([]);
  });

  it('runs a query with a pasted token and shows the result', async () => {
    const response = await page.goto(`${labgate}/-/graphql-explorer`);
    expect(response!.status()).toBe(200);
    expect(response!.headers()['cache-control']).toBe('no-store');
    await page.waitForSelector(QUERY_EDITOR);

    await page.fill('#lg-token', token);
    await typeQuery(page, '{ currentUser { username name } }');
    await page.click('.graphiql-execute-button');

    await page.locator(RESULT_PANE, { hasText: '"username"' }).waitFor({ timeout: 30_000 });
    const result = await resultText(page);
    expect(result).toContain('"username": "grace"');
    expect(result).toContain('"name": "Grace Hopper"');

    // The query went out with the pasted token; the schema's introspection went to the same endpoint.
    expect(graphqlAuthorization).toContain(`Bearer ${token}`);
  });

  it('keeps the token in this browser across a reload, and forgets it on request', async () => {
    await page.reload();
    await page.waitForSelector(QUERY_EDITOR);
    expect(await page.inputValue('#lg-token')).toBe(token);

    await page.click('button:has-text("Forget")');
    expect(await page.inputValue('#lg-token')).toBe('');
    expect(await page.evaluate("window.localStorage.getItem('labgate:explorer:token')")).toBeNull();

    // Anonymous now: currentUser is null, as GitLab answers a visitor without a token.
    await typeQuery(page, '{ currentUser { username } }');
    await page.click('.graphiql-execute-button');
    await page.locator(RESULT_PANE, { hasText: '"currentUser": null' }).waitFor({ timeout: 30_000 });
  });

  it('completes field names and shows docs from the schema', async () => {
    await typeQuery(page, '{ ');
    await page.keyboard.type('curr'); // key by key: the editor offers completions as one types
    const hint = page.locator('.CodeMirror-hints .CodeMirror-hint', { hasText: 'currentUser' });
    await hint.first().waitFor({ timeout: 30_000 });
    await page.keyboard.press('Escape');

    await page.click('[aria-label="Show Documentation Explorer"]');
    const docs = page.locator('.graphiql-doc-explorer');
    await docs.getByText('Root Types').waitFor({ timeout: 30_000 });
    await docs.getByText('Query', { exact: true }).first().click();
    await docs.getByText('currentUser', { exact: true }).first().waitFor({ timeout: 30_000 });
  });

  it.each([1400, 800])('shows the whole welcome text at %i px wide, no line cut off', async (width) => {
    // A fresh browser profile: GraphiQL shows its default text only when no query is stored.
    const fresh = await browser.newContext({ viewport: { width, height: 900 } });
    try {
      const view = await fresh.newPage();
      await view.goto(`${labgate}/-/graphql-explorer`);
      await view.waitForSelector(`${QUERY_EDITOR} .CodeMirror-line`);
      const cut = await view.evaluate(() => {
        // Runs in the page (the test's own TypeScript has no DOM types).
        const document = (globalThis as unknown as { document: { querySelector(s: string): any; querySelectorAll(s: string): any } }).document;
        const scroller = document.querySelector('.graphiql-query-editor .CodeMirror-scroll')!.getBoundingClientRect();
        const lines: any[] = [...document.querySelectorAll('.graphiql-query-editor .CodeMirror-line')];
        const comments = lines.filter((line) => (line.textContent ?? '').startsWith('#'));
        return {
          comments: comments.length,
          cut: comments
            .filter((line) => {
              const text = line.querySelector('span')?.getBoundingClientRect();
              return text !== undefined && text.right > scroller.right;
            })
            .map((line) => line.textContent),
        };
      });
      expect(cut.comments).toBeGreaterThan(5);
      expect(cut.cut).toEqual([]);
    } finally {
      await fresh.close();
    }
  });

  it('loaded nothing from outside Labgate, and raised no error (its content security policy included)', () => {
    expect(requested.length).toBeGreaterThan(3);
    const outside = requested.filter((url) => !url.startsWith(`${labgate}/`) && !url.startsWith('data:'));
    expect(outside).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
