// Browser entry of the GraphQL explorer at /-/graphql-explorer.
//
// This file runs in the browser, not in Node: scripts/build-explorer.js bundles it with esbuild into
// dist/explorer when `npm run build` runs, so the page needs nothing but Labgate itself (no CDN).
// The server's tsconfig only includes `*.ts`, so this `.tsx` file stays out of the server build;
// tsconfig.explorer.json type-checks it with the DOM library.
import { GraphiQL, type GraphiQLProps } from 'graphiql';
import 'graphiql/graphiql.css';
import { Kind, parse } from 'graphql';
import { useCallback, useMemo, useRef, useState, type ChangeEvent } from 'react';
import { createRoot } from 'react-dom/client';
import './explorer.css';

type Fetcher = GraphiQLProps['fetcher'];

/** Same origin as the page: the explorer only ever talks to the Labgate that served it. */
const ENDPOINT = '/api/graphql';
const TOKEN_KEY = 'labgate:explorer:token';

// Lines of at most 28 characters: the query editor shows about 30 when the window is 800 px wide
// (test/browser/explorer.test.ts checks 1400 and 800).
const DEFAULT_QUERY = `# Welcome to the Labgate
# GraphQL explorer.
#
# Paste an access token
# above: it is sent as
# "Authorization: Bearer".
# read_api or api can read;
# only api runs mutations.
# With no token you see
# what an anonymous
# visitor sees.
#
# Run: Ctrl-Enter, or the
# run button. Docs: the
# panel on the left.
# Completion: Ctrl-Space.

query whoAmI {
  currentUser {
    id
    username
    name
  }
}
`;

function readStoredToken(): string {
  try {
    return window.localStorage.getItem(TOKEN_KEY) ?? '';
  } catch {
    return ''; // storage disabled (private mode, policies): the field still works for this page
  }
}

function storeToken(token: string): void {
  try {
    if (token) window.localStorage.setItem(TOKEN_KEY, token);
    else window.localStorage.removeItem(TOKEN_KEY);
  } catch {
    // nothing to do: the token lives only in the page then
  }
}

/**
 * GraphiQL notes the operation name a moment after the text changes, so a query run right after an
 * edit can go out with the name of the previous one ("Unknown operation named ..."). The text itself
 * is always current: when the name is not in it and the text holds one operation, use that one.
 */
function currentOperationName(query: string, operationName: string | null | undefined): string | undefined {
  if (!operationName) return undefined;
  try {
    const operations = parse(query).definitions.filter((d) => d.kind === Kind.OPERATION_DEFINITION);
    if (operations.some((op) => op.name?.value === operationName)) return operationName;
    return operations.length === 1 ? operations[0].name?.value : operationName;
  } catch {
    return operationName; // a syntax error: the server reports it with its position
  }
}

/**
 * POSTs one operation as JSON. The token field wins over an Authorization header typed in GraphiQL's
 * header editor; other headers from that editor are sent as they are.
 */
function createFetcher(currentToken: () => string): Fetcher {
  return async (params, options) => {
    const headers: Record<string, string> = { accept: 'application/json', 'content-type': 'application/json' };
    for (const [name, value] of Object.entries(options?.headers ?? {})) {
      if (value !== undefined && value !== null) headers[name.toLowerCase()] = String(value);
    }
    const token = currentToken().trim();
    if (token) headers.authorization = `Bearer ${token}`;
    const response = await fetch(ENDPOINT, {
      method: 'POST',
      headers,
      body: JSON.stringify({ ...params, operationName: currentOperationName(params.query, params.operationName) }),
      credentials: 'omit', // Labgate authenticates by token only; cookies mean nothing to it
    });
    const text = await response.text();
    try {
      return JSON.parse(text);
    } catch {
      // Not JSON (a proxy's error page, say): show it in the result pane rather than failing silently.
      return { errors: [{ message: `HTTP ${response.status}: ${text.slice(0, 500)}` }] };
    }
  };
}

function TokenBar(props: { token: string; onChange: (token: string) => void }) {
  const [visible, setVisible] = useState(false);
  return (
    <form className="lg-token-bar" onSubmit={(event) => event.preventDefault()} autoComplete="off">
      <span className="lg-brand">Labgate GraphQL explorer</span>
      <label htmlFor="lg-token">Access token</label>
      <input
        id="lg-token"
        name="labgate-token"
        data-testid="token-input"
        type={visible ? 'text' : 'password'}
        placeholder="glpat-… (sent as Authorization: Bearer)"
        spellCheck={false}
        autoComplete="off"
        value={props.token}
        onChange={(event: ChangeEvent<HTMLInputElement>) => props.onChange(event.target.value)}
      />
      <button type="button" onClick={() => setVisible((v) => !v)} aria-pressed={visible}>
        {visible ? 'Hide' : 'Show'}
      </button>
      <button type="button" onClick={() => props.onChange('')} disabled={!props.token}>
        Forget
      </button>
      <span className="lg-token-note">{props.token ? 'Kept in this browser (localStorage)' : 'Anonymous'}</span>
    </form>
  );
}

function Explorer() {
  const [token, setToken] = useState(readStoredToken);
  // The fetcher reads the token through a ref, so it keeps its identity while the token is typed:
  // GraphiQL would otherwise introspect the schema again on every key stroke.
  const tokenRef = useRef(token);
  tokenRef.current = token;
  const fetcher = useMemo(() => createFetcher(() => tokenRef.current), []);
  const onTokenChange = useCallback((value: string) => {
    setToken(value);
    storeToken(value.trim());
  }, []);

  return (
    <div className="lg-explorer">
      <TokenBar token={token} onChange={onTokenChange} />
      <div className="lg-graphiql">
        <GraphiQL fetcher={fetcher} defaultQuery={DEFAULT_QUERY} shouldPersistHeaders={false} />
      </div>
    </div>
  );
}

createRoot(document.getElementById('explorer')!).render(<Explorer />);
