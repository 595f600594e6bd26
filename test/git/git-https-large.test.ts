import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import https from 'node:https';
import path from 'node:path';
import { startHarness, type Harness } from '../helpers/harness';
import { cloneUrl, git, scratch, workTree } from './git-helpers';

/**
 * HTTPS served by Labgate itself (LABGATE_TLS_CERT / LABGATE_TLS_KEY), as the access-token page tests a
 * group token: "use the group token to clone a group's project using HTTPS", with a self-signed
 * certificate the client trusts through GIT_SSL_CAINFO. Then a 50 MB push and clone through the same
 * server, whose memory must not grow with the pack (bodies stream), and the push size limit.
 */

let h: Harness;
let base: string;
let work: ReturnType<typeof scratch>;
let cert: string;
let groupToken: string;

const tls = () => ({ GIT_SSL_CAINFO: cert });

beforeAll(async () => {
  work = scratch();
  cert = path.join(work.dir, 'cert.pem');
  const key = path.join(work.dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  h = await startHarness({ config: { tlsCert: cert, tlsKey: key } });
  base = `https://127.0.0.1:${(await h.app.listen(0, '127.0.0.1')).port}`;
  const owner = await h.createUser('owner');
  const group = await h.createGroup('acme', { visibility: 'private', owner });
  await h.createProject('api', 'acme', { visibility: 'private' });
  // GitLab's console example: a group token with api and write_repository for a Maintainer bot.
  groupToken = (await h.createResourceToken({ group }, { scopes: ['api', 'write_repository'], accessLevel: 40 })).secret;
});

afterAll(async () => {
  await h?.close();
  work?.cleanup();
});

it('serves the API over HTTPS', async () => {
  const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
    const req = https.request(`${base}/api/graphql`, { method: 'POST', ca: fs.readFileSync(cert), headers: { 'content-type': 'application/json', authorization: `Bearer ${groupToken}` } }, (res) => {
      let body = '';
      res.on('data', (d) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end(JSON.stringify({ query: '{ currentUser { bot } }' }));
  });
  expect(answer).toEqual({ status: 200, body: '{"data":{"currentUser":{"bot":true}}}' });
});

it('a group token pushes and clones a group project over HTTPS (certificate trusted through GIT_SSL_CAINFO)', async () => {
  const tree = await workTree(work.dir, 'api');
  expect(await git(['push', '-q', cloneUrl(base, 'acme/api', groupToken), 'main'], { cwd: tree, env: tls() })).toMatchObject({ code: 0 });
  const clone = path.join(work.dir, 'api-clone');
  expect(await git(['clone', '-q', cloneUrl(base, 'acme/api', groupToken), clone], { env: tls() })).toMatchObject({ code: 0 });
  expect(fs.readFileSync(path.join(clone, 'README.md'), 'utf8')).toBe('# api\n');
  // The post-receive hook reached the server over HTTPS too: the bot's push counts as a contribution.
  const contributed = await h.gql('{ currentUser { contributedProjects { nodes { fullPath } } } }', {}, { token: groupToken });
  expect(contributed.data.currentUser.contributedProjects.nodes).toEqual([{ fullPath: 'acme/api' }]);
  // Without the certificate, git refuses the server.
  const untrusted = await git(['ls-remote', cloneUrl(base, 'acme/api', groupToken)]);
  expect(untrusted.code).toBe(128);
  expect(untrusted.err).toMatch(/certificate/i);
});

it('a 50 MB push and clone pass through without the server holding them in memory', async () => {
  await h.createProject('big', 'acme', { visibility: 'private' });
  const tree = await workTree(work.dir, 'big');
  const file = fs.openSync(path.join(tree, 'blob.bin'), 'w');
  for (let i = 0; i < 50; i++) fs.writeSync(file, randomBytes(1024 * 1024));
  fs.closeSync(file);
  await git(['add', 'blob.bin'], { cwd: tree });
  await git(['commit', '-q', '-m', 'big'], { cwd: tree });

  global.gc?.();
  const before = process.memoryUsage();
  let peak = before.rss;
  const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  // Should the test time out, the sampler must not keep Jest's worker alive ("failed to exit gracefully").
  sampler.unref();
  try {
    expect(await git(['push', '-q', cloneUrl(base, 'acme/big', groupToken), 'main'], { cwd: tree, env: tls() })).toMatchObject({ code: 0 });
    const clone = path.join(work.dir, 'big-clone');
    expect(await git(['clone', '-q', cloneUrl(base, 'acme/big', groupToken), clone], { env: tls() })).toMatchObject({ code: 0 });
    expect(fs.statSync(path.join(clone, 'blob.bin')).size).toBe(50 * 1024 * 1024);
  } finally {
    clearInterval(sampler);
  }
  // The pack went through twice (about 100 MB); the server's process grew by far less than one pack.
  expect(peak - before.rss).toBeLessThan(30 * 1024 * 1024);
}, 300_000); // 100 MB through git and TLS: minutes beside a CPU-heavy job

it('a push larger than LABGATE_GIT_MAX_PUSH_BYTES is refused, and the repository is unchanged', async () => {
  await h.createProject('limited', 'acme', { visibility: 'private' });
  const tree = await workTree(work.dir, 'limited');
  fs.writeFileSync(path.join(tree, 'blob.bin'), randomBytes(2 * 1024 * 1024));
  await git(['add', 'blob.bin'], { cwd: tree });
  await git(['commit', '-q', '-m', 'too big'], { cwd: tree });
  const limit = h.config.gitMaxPushBytes;
  h.config.gitMaxPushBytes = 1024 * 1024;
  try {
    const refused = await git(['push', cloneUrl(base, 'acme/limited', groupToken), 'main'], { cwd: tree, env: tls() });
    expect(refused.code).not.toBe(0);
    // Git sends a large pack in chunks: the server cuts it off at the limit (a 413 when it can still say so).
    expect(refused.err).toMatch(/413|unpack/);
  } finally {
    h.config.gitMaxPushBytes = limit;
  }
  const heads = await git(['ls-remote', '--heads', cloneUrl(base, 'acme/limited', groupToken)], { env: tls() });
  expect(heads).toMatchObject({ code: 0, out: '' });
});
