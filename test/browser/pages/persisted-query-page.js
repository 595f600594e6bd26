// The browser side of test/browser/persisted-queries.test.ts, bundled by esbuild inside that test.
// A page as a frontend built on Apollo Client would have it: the persisted-query link in front of the
// HTTP link, hashing with the browser's own SHA-256 (crypto.subtle), queries sent by GET with only
// their hash until the server asks for the text. Plain JavaScript (not TypeScript) because the
// project's type-check knows no DOM; the test drives it through `window.labgateApollo`.
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
// PersistedQueryLink is what `createPersistedQueryLink(options)` makes (Apollo Client 4 keeps that
// function as a deprecated alias of the class).
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';

async function sha256(text) {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (byte) => byte.toString(16).padStart(2, '0')).join('');
}

/** One Apollo Client; `wrongHash` makes its link send, for every query, the hash of another text. */
function makeClient({ endpoint, token, wrongHash }) {
  const persisted = new PersistedQueryLink({
    sha256: wrongHash ? () => sha256('query NotThisOne { __typename }') : sha256,
    useGETForHashedQueries: true,
  });
  const http = new HttpLink({ uri: endpoint, headers: token ? { Authorization: `Bearer ${token}` } : {} });
  return new ApolloClient({ link: persisted.concat(http), cache: new InMemoryCache() });
}

const clients = new Map();

window.labgateApollo = {
  /** Runs one query through the named client (made on first use) and reports what the page saw. */
  async run(name, settings, queryText, variables) {
    if (!clients.has(name)) clients.set(name, makeClient(settings));
    try {
      const result = await clients.get(name).query({ query: gql(queryText), variables, fetchPolicy: 'network-only' });
      return { data: result.data ?? null };
    } catch (error) {
      return { error: { name: error.name, message: error.message, statusCode: error.statusCode, bodyText: error.bodyText } };
    }
  },
};
document.getElementById('ready').textContent = 'ready';
