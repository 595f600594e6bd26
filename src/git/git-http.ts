import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { PassThrough, Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { basicCredentials } from '../auth/client-credentials';
import { authenticateClient } from '../auth/pipeline';
import type { AppCore } from '../core/context';
import { RequestContext } from '../core/context';
import type { GitActor, GitCommand, RefChange } from '../modules/repository/git-access.service';
import { GIT_MESSAGES } from '../modules/repository/git-access.service';
import { hashedPath } from '../modules/repository/repository-storage';
import { hookSecretFile, secretMatches, writeHooks } from './hook';

/** The deepest project path served: GitLab's 20 levels of groups and the project. */
const MAX_PATH_DEPTH = 21;

/** Bytes of the internal API's JSON body accepted from the hook (the ref updates of one push). */
const MAX_HOOK_BODY_BYTES = 10_000_000;

export const INTERNAL_ALLOWED_PATH = '/api/v4/internal/allowed';
export const INTERNAL_POST_RECEIVE_PATH = '/api/v4/internal/post_receive';

/** GitLab's answer to Git clients whose credentials are missing or wrong (`git_http_client_controller.rb`). */
function accessDenied(externalUrl: string): string {
  return (
    "HTTP Basic: Access denied. If a password was provided for Git authentication, the password was incorrect or you're required to use a token instead of a password. " +
    `If a token was provided, it was either incorrect, expired, or improperly scoped. See ${externalUrl}/help/topics/git/troubleshooting_git.md#error-on-git-fetch-http-basic-access-denied`
  );
}

function text(reply: FastifyReply, status: number, body: string, headers: Record<string, string> = {}): FastifyReply {
  return reply.code(status).headers(headers).type('text/plain; charset=utf-8').send(body);
}

/** The parts of a Git smart-HTTP path: the project's full path (without `.git`) and what is asked. */
interface GitPath {
  fullPath: string;
  dotGit: boolean;
  action: 'info/refs' | 'git-upload-pack' | 'git-receive-pack' | 'ssh-upload-pack' | 'ssh-receive-pack';
}

function parseGitPath(url: string): GitPath | null {
  const pathname = url.split('?')[0];
  const match = /^\/(.+?)\/(info\/refs|git-upload-pack|git-receive-pack|ssh-upload-pack|ssh-receive-pack)$/.exec(pathname);
  if (!match) return null;
  let repo: string;
  try {
    repo = decodeURIComponent(match[1]);
  } catch {
    return null;
  }
  const dotGit = repo.endsWith('.git');
  return { fullPath: dotGit ? repo.slice(0, -4) : repo, dotGit, action: match[2] as GitPath['action'] };
}

/**
 * Splits a CGI answer into its status, headers and the body that follows, without reading the body:
 * the rest of the program's output streams on to the client.
 */
function cgiResponse(stdout: Readable): Promise<{ status: number; headers: Record<string, string>; body: Readable }> {
  return new Promise((resolve, reject) => {
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const crlf = head.indexOf('\r\n\r\n');
      const lf = head.indexOf('\n\n');
      const end = crlf >= 0 && (lf < 0 || crlf < lf) ? crlf + 4 : lf >= 0 ? lf + 2 : -1;
      if (end < 0) {
        if (head.length > 64 * 1024) fail(new Error('git http-backend sent no end of headers'));
        return;
      }
      stdout.off('data', onData);
      stdout.off('end', onEnd);
      stdout.off('error', fail);
      stdout.pause();
      const headers: Record<string, string> = {};
      let status = 200;
      for (const line of head.subarray(0, end).toString('latin1').split(/\r?\n/)) {
        const colon = line.indexOf(':');
        if (colon <= 0) continue;
        const name = line.slice(0, colon).trim().toLowerCase();
        const value = line.slice(colon + 1).trim();
        if (name === 'status') status = parseInt(value, 10) || 500;
        else headers[name] = value;
      }
      const body = new PassThrough();
      body.write(head.subarray(end));
      stdout.pipe(body);
      resolve({ status, headers, body });
    };
    const onEnd = () => fail(new Error('git http-backend ended before its headers'));
    function fail(error: Error) {
      stdout.off('data', onData);
      reject(error);
    }
    stdout.on('data', onData);
    stdout.once('end', onEnd);
    stdout.once('error', fail);
  });
}

/** Counts a request body as it streams, failing past a limit (the largest push accepted). */
function byteLimit(limit: number): Transform & { exceeded: boolean } {
  let seen = 0;
  const stream = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      seen += chunk.length;
      if (seen > limit) {
        (stream as Transform & { exceeded: boolean }).exceeded = true;
        done(new Error('push too large'));
        return;
      }
      done(null, chunk);
    },
  }) as Transform & { exceeded: boolean };
  stream.exceeded = false;
  return stream;
}

/**
 * Git over HTTP at GitLab's URLs (`/<full/path>.git/info/refs`, `git-upload-pack`, `git-receive-pack`),
 * served by Git's own `git http-backend` as a CGI program: Labgate authenticates the client and applies
 * GitLab's access checks, then streams the request body into the program and its answer back, so a
 * pack of any size passes through without being held in memory. Pushes are judged ref by ref by the
 * pre-receive hook, which asks `INTERNAL_ALLOWED_PATH` with a secret only the hook knows; once the
 * refs moved, the post-receive hook reports them to `INTERNAL_POST_RECEIVE_PATH` (push events).
 */
export async function gitHttp(server: FastifyInstance, options: { core: AppCore }): Promise<void> {
  const { core } = options;
  const { config } = core;
  const storage = core.repositories;
  const hooksDir = writeHooks();
  const secretFile = hookSecretFile(storage.root);
  server.addHook('onClose', async () => fs.rmSync(hooksDir, { recursive: true, force: true }));

  // Bodies are packs: nothing is parsed or buffered here; the handler streams the request itself.
  server.removeAllContentTypeParsers();
  server.addContentTypeParser('*', (_req: FastifyRequest, _payload: unknown, done: (error: Error | null, body?: unknown) => void) => done(null));

  const handler = (req: FastifyRequest, reply: FastifyReply) => serve(req, reply);
  for (let depth = 1; depth <= MAX_PATH_DEPTH; depth++) {
    const prefix = Array.from({ length: depth }, (_, i) => `/:p${i}`).join('');
    server.route({ method: ['GET', 'HEAD'], url: `${prefix}/info/refs`, handler });
    for (const action of ['git-upload-pack', 'git-receive-pack', 'ssh-upload-pack', 'ssh-receive-pack']) {
      server.route({ method: 'POST', url: `${prefix}/${action}`, handler });
    }
  }

  async function serve(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    const target = parseGitPath(req.url);
    if (!target) {
      reply.callNotFound();
      return reply;
    }
    if (target.action === 'ssh-upload-pack' || target.action === 'ssh-receive-pack') return text(reply, 404, 'Not found');
    if (target.action === 'info/refs') {
      if (req.method === 'HEAD') return reply.code(403).send();
      if (!target.dotGit) {
        // GitLab sends clients of the path without `.git` to the path with it, query string kept.
        const query = req.url.indexOf('?');
        const base = req.url.slice(0, query >= 0 ? query : undefined).replace(/\/info\/refs$/, '');
        return reply.redirect(`${base}.git/info/refs${query >= 0 ? req.url.slice(query) : ''}`, 302);
      }
    }
    const service = target.action === 'info/refs' ? (req.query as Record<string, unknown>).service : target.action;
    if (service !== 'git-upload-pack' && service !== 'git-receive-pack') {
      return text(reply, 403, "The command you're trying to execute is not allowed.");
    }
    const command = service as GitCommand;

    const trace = req.labgateTrace;
    const outcome = await authenticateClient(core, basicCredentials(req.headers.authorization), req.ip, trace);
    if (outcome.status === 'banned') return text(reply, 403, 'Too many failed authentication attempts from this IP');
    const challenge = () => text(reply, 401, accessDenied(config.externalUrl), { 'www-authenticate': 'Basic realm="GitLab"' });
    // A blocked account's token fails like a wrong one: GitLab's token check refuses users who cannot sign in.
    if (outcome.status === 'invalid' || outcome.status === 'forbidden') return challenge();

    let ctx: RequestContext;
    let actor: GitActor;
    let glId: string;
    if (outcome.status === 'anonymous') {
      ctx = new RequestContext(core, null, { trace });
      actor = { kind: 'anonymous' };
      glId = '';
    } else if (outcome.actor.kind === 'user') {
      ctx = new RequestContext(core, outcome.actor.principal, { trace });
      actor = { kind: 'user', scopes: outcome.actor.principal.scopes };
      glId = `user-${outcome.actor.principal.user.id}`;
    } else {
      ctx = new RequestContext(core, null, { trace });
      actor = { kind: 'deploy-token', deployToken: outcome.actor.deployToken };
      glId = `deploy-token-${outcome.actor.deployToken.id}`;
    }

    const access = await core.services.gitAccess.check(ctx, actor, target.fullPath, command, storage);
    if (!access.ok) {
      if (access.code === 'unauthorized') return challenge();
      return text(reply, access.code === 'forbidden' ? 403 : 404, access.message);
    }
    return runBackend(req, reply, { projectId: access.project.id, command, glId });
  }

  async function runBackend(req: FastifyRequest, reply: FastifyReply, run: { projectId: number; command: GitCommand; glId: string }): Promise<FastifyReply> {
    const query = req.url.indexOf('?') >= 0 ? req.url.slice(req.url.indexOf('?') + 1) : '';
    const suffix = req.url.split('?')[0].match(/\/(info\/refs|git-upload-pack|git-receive-pack)$/)![1];
    const settings: Array<[string, string]> = [
      ['http.receivepack', 'true'],
      ['core.hooksPath', hooksDir],
      ['uploadpack.allowFilter', 'true'],
      ['uploadpack.allowAnySHA1InWant', 'true'],
      ['receive.maxInputSize', String(config.gitMaxPushBytes)],
    ];
    const local = req.socket.localAddress ?? '127.0.0.1';
    const host = local.includes(':') ? `[${local}]` : local;
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      GIT_PROJECT_ROOT: storage.root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: `/${hashedPath(run.projectId)}/${suffix}`,
      REQUEST_METHOD: req.method,
      QUERY_STRING: query,
      CONTENT_TYPE: req.headers['content-type'] ?? '',
      REMOTE_ADDR: req.ip,
      REMOTE_USER: run.glId || undefined,
      GIT_CONFIG_COUNT: String(settings.length),
      GL_ID: run.glId,
      GL_REPOSITORY: `project-${run.projectId}`,
      GL_PROTOCOL: 'http',
      LABGATE_HOOK_URL: `${config.tlsCert ? 'https' : 'http'}://${host}:${req.socket.localPort}${INTERNAL_ALLOWED_PATH}`,
      LABGATE_HOOK_SECRET_FILE: secretFile,
    };
    settings.forEach(([key, value], i) => {
      env[`GIT_CONFIG_KEY_${i}`] = key;
      env[`GIT_CONFIG_VALUE_${i}`] = value;
    });
    if (req.headers['content-length']) env.CONTENT_LENGTH = String(req.headers['content-length']);
    if (req.headers['content-encoding']) env.HTTP_CONTENT_ENCODING = String(req.headers['content-encoding']);
    if (req.headers['git-protocol']) env.GIT_PROTOCOL = String(req.headers['git-protocol']);

    // A push that announces its size is refused before anything runs; one sent in chunks is counted as it
    // streams (git http-backend answers its headers at once, so past the limit the push is cut off).
    if (run.command === 'git-receive-pack' && Number(req.headers['content-length'] ?? 0) > config.gitMaxPushBytes) {
      return text(reply, 413, 'Request Entity Too Large');
    }
    const child = spawn('git', ['http-backend'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
    child.on('error', () => undefined);
    const limit = byteLimit(run.command === 'git-receive-pack' ? config.gitMaxPushBytes : Number.MAX_SAFE_INTEGER);
    let upload: Promise<void> = Promise.resolve();
    if (req.method === 'POST') {
      upload = pipeline(req.raw, limit, child.stdin).catch(() => {
        child.kill('SIGKILL');
      });
    } else {
      child.stdin.end();
    }
    // The client going away stops the program.
    reply.raw.on('close', () => {
      if (child.exitCode === null) child.kill('SIGKILL');
    });

    let answer: Awaited<ReturnType<typeof cgiResponse>>;
    try {
      answer = await cgiResponse(child.stdout);
    } catch (error) {
      await upload;
      if (limit.exceeded) return text(reply, 413, 'Request Entity Too Large');
      req.log.error({ err: error, stderr }, 'git http-backend failed');
      return text(reply, 500, 'Internal server error');
    }
    reply.header('cache-control', 'no-cache, max-age=0, must-revalidate');
    return reply.code(answer.status).headers(answer.headers).send(answer.body);
  }

  // The hooks' question (GitLab's internal `allowed` API): may this push update these refs?
  server.post(INTERNAL_ALLOWED_PATH, async (req, reply) => {
    if (!secretMatches(req.headers['gitlab-shared-secret'], secretFile)) return reply.code(401).send({ message: '401 Unauthorized' });
    const read = await readHookBody<{ gl_id?: string; gl_repository?: string; changes?: string; env?: { GIT_OBJECT_DIRECTORY?: string; GIT_ALTERNATE_OBJECT_DIRECTORIES?: string } }>(req);
    if (read === 'too large') return reply.code(413).send({ status: false, message: 'Request entity too large' });
    if (read === 'invalid') return reply.code(400).send({ status: false, message: 'Bad Request' });
    const body = read;
    const projectId = Number(/^project-(\d+)$/.exec(body.gl_repository ?? '')?.[1]);
    const userId = Number(/^user-(\d+)$/.exec(body.gl_id ?? '')?.[1]);
    const notFound = () => reply.code(404).send({ status: false, message: GIT_MESSAGES.projectNotFound });
    if (!projectId) return notFound();
    // Only users push (deploy tokens were refused before any pack was read).
    if (!userId) return reply.code(401).send({ status: false, message: GIT_MESSAGES.uploadForProject });
    const user = await core.services.users.findById(new RequestContext(core, null, { system: true }), userId);
    const ctx = new RequestContext(core, user ? { user, token: null, scopes: null } : null);
    const project = await core.services.projects.findById(ctx, projectId);
    if (!project) return notFound();
    const objects = { objects: body.env?.GIT_OBJECT_DIRECTORY, alternates: body.env?.GIT_ALTERNATE_OBJECT_DIRECTORIES };
    // The object directories must be the repository's own (its quarantine and objects), nothing else.
    if (!storage.inside(projectId, objects.objects ?? '') || !storage.inside(projectId, objects.alternates ?? '')) {
      return reply.code(400).send({ status: false, message: 'Bad Request' });
    }
    const changes = parseChanges(body.changes);
    const result = await core.services.gitAccess.checkChanges(ctx, project, changes, objects, storage);
    // GitLab answers a refusal with 401 on purpose, so that the hook shows the message.
    if (!result.ok) return reply.code(401).send({ status: false, message: result.message });
    return reply.send({ status: true, gl_repository: `project-${project.id}`, gl_project_path: project.fullPath, gl_id: body.gl_id });
  });

  // The post-receive hook's report (GitLab's internal `post_receive` API): these refs moved. The push
  // events are recorded here, for pushes by users (GitLab's `PostReceive` worker does it afterwards).
  server.post(INTERNAL_POST_RECEIVE_PATH, async (req, reply) => {
    if (!secretMatches(req.headers['gitlab-shared-secret'], secretFile)) return reply.code(401).send({ message: '401 Unauthorized' });
    const body = await readHookBody<{ gl_repository?: string; identifier?: string; changes?: string }>(req);
    if (body === 'too large') return reply.code(413).send({ message: 'Request entity too large' });
    if (body === 'invalid') return reply.code(400).send({ message: 'Bad Request' });
    const projectId = Number(/^project-(\d+)$/.exec(body.gl_repository ?? '')?.[1]);
    const userId = Number(/^user-(\d+)$/.exec(body.identifier ?? '')?.[1]);
    const system = new RequestContext(core, null, { system: true });
    if (!projectId || !(await core.services.projects.findById(system, projectId))) return reply.code(404).send({ message: GIT_MESSAGES.projectNotFound });
    if (userId && (await core.services.users.findById(system, userId))) {
      await core.services.events.recordPush(system, userId, projectId, parseChanges(body.changes), storage);
    }
    return reply.send({ messages: [], reference_counter_decreased: true });
  });
}

/** The JSON body a hook sent, read up to `MAX_HOOK_BODY_BYTES`. */
async function readHookBody<T>(req: FastifyRequest): Promise<T | 'too large' | 'invalid'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req.raw as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_HOOK_BODY_BYTES) return 'too large';
    chunks.push(chunk);
  }
  try {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    return body !== null && typeof body === 'object' ? (body as T) : 'invalid';
  } catch {
    return 'invalid';
  }
}

/** The ref updates a hook read from Git (`<old> <new> <ref>` per line). */
function parseChanges(text: string | undefined): RefChange[] {
  return (typeof text === 'string' ? text : '')
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((parts) => parts.length === 3)
    .map(([oldrev, newrev, ref]) => ({ oldrev, newrev, ref }));
}
