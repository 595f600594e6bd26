import 'reflect-metadata';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { RequestContext } from '../../src/core/context';
import { ResourceNotAvailableError, ServiceError } from '../../src/core/errors';
import { ResourceAccessTokenService, type ResourceAccessTokenServiceDeps } from '../../src/modules/access-token/resource-access-token.service';
import type { Namespace } from '../../src/modules/namespace/namespace.entity';
import type { Project } from '../../src/modules/project/project.entity';
import { ProjectService, type ProjectServiceDeps } from '../../src/modules/project/project.service';
import { DEVELOPER, MAINTAINER } from '../../src/policy/access-level';

/**
 * Services take what they use in their constructor, so their rules can be tested with stand-ins:
 * nothing here touches a database. Each stand-in records what the service asked of it.
 */
const viewer = { actor: { admin: false, userId: 7, signedIn: true }, principal: null } as unknown as RequestContext;
const project = { id: 1, name: 'Web', fullPath: 'acme/web' } as Project;

function resourceTokens(options: { abilities: string[]; level: number }) {
  const calls: string[] = [];
  const refuse = (name: string) => () => {
    calls.push(name);
    throw new Error(`${name} must not be reached`);
  };
  const deps = {
    projects: { abilities: async () => new Set(options.abilities), accessLevel: async () => options.level },
    groups: {},
    users: { createBot: refuse('users.createBot') },
    members: { insert: refuse('members.insert') },
    lifecycle: { validateNewToken: () => null, issue: refuse('lifecycle.issue') },
  } as unknown as ResourceAccessTokenServiceDeps;
  return { service: new ResourceAccessTokenService(deps), calls };
}

describe('ResourceAccessTokenService with stand-ins', () => {
  const input = { name: 'ci', scopes: ['api'], expiresAt: '2026-02-01' };

  it('refuses a caller without create_resource_access_tokens before writing anything', async () => {
    const { service, calls } = resourceTokens({ abilities: ['read_project', 'admin_project'], level: MAINTAINER });
    await expect(service.create(viewer, { kind: 'project', project }, input)).rejects.toEqual(
      new ServiceError('User does not have permission to create project access token'),
    );
    expect(calls).toEqual([]);
  });

  it('refuses a role above the caller\'s own before writing anything', async () => {
    const { service, calls } = resourceTokens({ abilities: ['create_resource_access_tokens'], level: DEVELOPER });
    await expect(service.create(viewer, { kind: 'project', project }, { ...input, accessLevel: MAINTAINER })).rejects.toEqual(
      new ServiceError('Access level of the token contains permissions not held by the creating user'),
    );
    expect(calls).toEqual([]);
  });
});

describe('ProjectService with stand-ins', () => {
  it('creates no project in a namespace where the policy refuses create_projects', async () => {
    const asked: string[] = [];
    const namespace = { id: 3, fullPath: 'acme', type: 'Group' } as Namespace;
    const deps = {
      namespaces: { lookupByFullPath: async () => namespace },
      policy: {
        can: async (_ctx: RequestContext, kind: string, subject: Namespace, ability: string) => {
          asked.push(`${kind}:${subject.fullPath}:${ability}`);
          return false;
        },
      },
    } as unknown as ProjectServiceDeps;
    await expect(new ProjectService(deps).create(viewer, { path: 'new', namespace: 'acme' })).rejects.toBeInstanceOf(ResourceNotAvailableError);
    expect(asked).toEqual(['namespace:acme:create_projects']);
  });
});

describe('layering', () => {
  const src = path.join(__dirname, '../../src');
  const files = (dir: string): string[] =>
    readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(path.join(dir, e.name)) : [path.join(dir, e.name)]));
  const all = files(src).filter((f) => f.endsWith('.ts'));
  const offending = (suffix: RegExp, pattern: RegExp) =>
    all.filter((f) => suffix.test(f) && pattern.test(readFileSync(f, 'utf8'))).map((f) => path.relative(src, f));

  it('services and policies reach other services only through their constructor', () => {
    expect(offending(/(\.service|policy|-policy)\.ts$/, /ctx\.services\b/)).toEqual([]);
  });

  it('no resolver decides who may read what: no policy call, no ability check, no unchecked lookup', () => {
    expect(offending(/\.resolver\.ts$/, /\.policy\b|\.can\(|[a-z]Abilities\(ctx\.actor|lookupByFullPath|Unchecked/)).toEqual([]);
  });
});
