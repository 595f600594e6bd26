/**
 * Shared seeding and GraphQL documents for the access token tests (issue 3). Not a test file itself.
 *
 * The actors of docs/reference/gitlab-access-tokens.md §10: `owner` (U_o, Owner of the top-level
 * group G and so of P), `maint` (U_m, Maintainer of P), `dev` (U_d, Developer of P), `outsider` (U_x,
 * no membership), `admin`.
 * G is private, P = G/p is private. Each person has an `api` personal access token.
 */
import { addDays } from '../../../src/clock';
import { PersonalAccessToken } from '../../../src/modules/access-token/personal-access-token.entity';
import { Member } from '../../../src/modules/member/member.entity';
import type { Namespace } from '../../../src/modules/namespace/namespace.entity';
import type { Project } from '../../../src/modules/project/project.entity';
import { User } from '../../../src/modules/user/user.entity';
import { RESOURCE_NOT_AVAILABLE } from '../../../src/core/errors';
import { TODAY, useHarness, type GqlResult, type Harness, type HarnessOptions } from '../../helpers/harness';

export { RESOURCE_NOT_AVAILABLE, TODAY };

/** D + n as `YYYY-MM-DD`, D being the harness's frozen "today". */
export const day = (n: number) => addDays(TODAY, n);

export const TOKEN_FIELDS = `id name description scopes active revoked createdAt expiresAt lastUsedAt
  accessLevel { integerValue stringValue humanAccess } user { id username name bot human type }`;

export const CREATE_PROJECT_TOKEN = `mutation($input: ProjectAccessTokenCreateInput!) {
  projectAccessTokenCreate(input: $input) { clientMutationId errors token accessToken { ${TOKEN_FIELDS} } } }`;
export const REVOKE_PROJECT_TOKEN = `mutation($input: ProjectAccessTokenRevokeInput!) {
  projectAccessTokenRevoke(input: $input) { clientMutationId errors accessToken { ${TOKEN_FIELDS} } } }`;
export const ROTATE_PROJECT_TOKEN = `mutation($input: ProjectAccessTokenRotateInput!) {
  projectAccessTokenRotate(input: $input) { clientMutationId errors token accessToken { ${TOKEN_FIELDS} } } }`;
export const CREATE_GROUP_TOKEN = `mutation($input: GroupAccessTokenCreateInput!) {
  groupAccessTokenCreate(input: $input) { clientMutationId errors token accessToken { ${TOKEN_FIELDS} } } }`;
export const REVOKE_GROUP_TOKEN = `mutation($input: GroupAccessTokenRevokeInput!) {
  groupAccessTokenRevoke(input: $input) { clientMutationId errors accessToken { ${TOKEN_FIELDS} } } }`;
export const ROTATE_GROUP_TOKEN = `mutation($input: GroupAccessTokenRotateInput!) {
  groupAccessTokenRotate(input: $input) { clientMutationId errors token accessToken { ${TOKEN_FIELDS} } } }`;
export const CREATE_PAT = `mutation($input: PersonalAccessTokenCreateInput!) {
  personalAccessTokenCreate(input: $input) { clientMutationId errors token } }`;
export const REVOKE_PAT = `mutation($input: PersonalAccessTokenRevokeInput!) {
  personalAccessTokenRevoke(input: $input) { clientMutationId errors } }`;
export const ROTATE_PAT = `mutation($input: PersonalAccessTokenRotateInput!) {
  personalAccessTokenRotate(input: $input) { clientMutationId errors token } }`;
export const GROUP_UPDATE = `mutation($input: GroupUpdateInput!) {
  groupUpdate(input: $input) { clientMutationId errors group { fullPath resourceAccessTokenCreationAllowed } } }`;
export const PROJECT_TOKENS = `query($path: ID!, $state: AccessTokenState, $sort: AccessTokenSort, $first: Int, $after: String, $last: Int, $before: String) {
  project(fullPath: $path) { accessTokens(state: $state, sort: $sort, first: $first, after: $after, last: $last, before: $before) {
    count pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { ${TOKEN_FIELDS} } } } }`;
export const GROUP_TOKENS = `query($path: ID!, $state: AccessTokenState, $sort: AccessTokenSort, $first: Int, $after: String) {
  group(fullPath: $path) { accessTokens(state: $state, sort: $sort, first: $first, after: $after) {
    count pageInfo { hasNextPage endCursor } nodes { ${TOKEN_FIELDS} } } } }`;
/** What any working token can read: proves a token authenticates. */
export const WHO_AM_I = '{ currentUser { username } }';

export const patGid = (id: number) => `gid://gitlab/PersonalAccessToken/${id}`;
export const userGid = (id: number) => `gid://gitlab/User/${id}`;

export interface World {
  owner: User;
  maint: User;
  dev: User;
  outsider: User;
  admin: User;
  group: Namespace;
  project: Project;
  /** `api` personal access token secrets, by person. */
  pat: { owner: string; maint: string; dev: string; outsider: string; admin: string };
}

let counter = 0;

/**
 * A fresh top-level group with a project and the five actors. Usernames and paths get a suffix so that
 * several worlds can live in one database.
 */
export async function seedWorld(h: Harness, options: { groupVisibility?: string; projectVisibility?: string; plan?: string; trial?: boolean } = {}): Promise<World> {
  counter += 1;
  const n = counter;
  const owner = await h.createUser(`owner${n}`, { name: `Olga Owner ${n}` });
  const maint = await h.createUser(`maint${n}`, { name: `Max Maintainer ${n}` });
  const dev = await h.createUser(`dev${n}`, { name: `Dana Developer ${n}` });
  const outsider = await h.createUser(`outsider${n}`, { name: `Oscar Outsider ${n}` });
  const admin = await h.createUser(`admin${n}`, { name: `Ada Admin ${n}`, admin: true });
  const group = await h.createGroup(`g${n}`, { owner, visibility: options.groupVisibility ?? 'private', plan: options.plan, trial: options.trial });
  const project = await h.createProject('p', group.fullPath, { visibility: options.projectVisibility ?? 'private', name: 'My project' });
  await h.addMember({ project }, maint, 'maintainer');
  await h.addMember({ project }, dev, 'developer');
  const pat = {
    owner: (await h.createPat(owner, ['api'])).secret,
    maint: (await h.createPat(maint, ['api'])).secret,
    dev: (await h.createPat(dev, ['api'])).secret,
    outsider: (await h.createPat(outsider, ['api'])).secret,
    admin: (await h.createPat(admin, ['api'])).secret,
  };
  return { owner, maint, dev, outsider, admin, group, project, pat };
}

export interface UseWorldOptions extends NonNullable<HarnessOptions> {
  /**
   * `'test'` (the default): every test starts from a world of its own, seeded in `beforeEach` on the
   * block's one harness. `'block'`: one world, seeded once right after the harness starts and shared
   * by every test of the block.
   */
  worldPer?: 'test' | 'block';
  /** Puts the clock back to this instant before each world is seeded, for blocks whose tests move time. */
  clockAt?: string;
}

/**
 * The hooks every access token test block needs: a harness for the block (`useHarness`) and the
 * default world (`seedWorld`) seeded on it. `h` and `w` are filled in place by those hooks, so test
 * bodies use them as they would variables assigned in their own `beforeAll`/`beforeEach`; with
 * `worldPer: 'test'` each test sees the world seeded just before it, never one an earlier test changed.
 */
export function useWorld(options: UseWorldOptions = {}): { h: Harness; w: World } {
  const { worldPer = 'test', clockAt, ...harnessOptions } = options;
  const h = useHarness(harnessOptions);
  const w = {} as World;
  const seedIt = async () => {
    if (clockAt) h.clock.set(clockAt);
    Object.assign(w, await seedWorld(h));
  };
  if (worldPer === 'block') beforeAll(seedIt);
  else beforeEach(seedIt);
  return { h, w };
}

/** Rows that a failed mutation must not leave behind. */
export async function snapshot(h: Harness) {
  const ds = h.app.dataSource;
  return {
    users: await ds.getRepository(User).count(),
    bots: await ds.getRepository(User).countBy({ userType: 'project_bot' }),
    members: await ds.getRepository(Member).count(),
    tokens: await ds.getRepository(PersonalAccessToken).count(),
    revoked: await ds.getRepository(PersonalAccessToken).countBy({ revoked: true }),
  };
}

export async function tokenRow(h: Harness, id: number): Promise<PersonalAccessToken | null> {
  return h.app.dataSource.getRepository(PersonalAccessToken).findOneBy({ id });
}

export async function userRow(h: Harness, id: number): Promise<User | null> {
  return h.app.dataSource.getRepository(User).findOneBy({ id });
}

export async function membershipsOf(h: Harness, userId: number): Promise<Member[]> {
  return h.app.dataSource.getRepository(Member).findBy({ userId });
}

/** The numeric id inside a `gid://gitlab/PersonalAccessToken/N`. */
export function idOf(gid: string): number {
  const m = /\/(\d+)$/.exec(gid);
  if (!m) throw new Error(`not a global id: ${gid}`);
  return Number(m[1]);
}

/** Asserts GitLab's top-level "not available" error for mutation `field`, with `data.field` null. */
export function expectNotAvailable(res: GqlResult, field: string): void {
  expect(res.status).toBe(200);
  expect(res.errors?.map((e) => e.message)).toEqual([RESOURCE_NOT_AVAILABLE]);
  expect(res.errors?.[0].path).toEqual([field]);
  expect(res.data).toEqual({ [field]: null });
}

/** Asserts a mutation payload carrying exactly `messages` and no result. */
export function expectPayloadErrors(res: GqlResult, field: string, messages: string[]): void {
  expect(res.status).toBe(200);
  expect(res.errors).toBeUndefined();
  const payload = res.data[field];
  expect(payload.errors).toEqual(messages);
  for (const key of ['token', 'accessToken', 'group']) if (key in payload) expect(payload[key]).toBeNull();
}

/** Asserts the HTTP 401 GitLab answers for an unknown, revoked or expired token. */
export function expectInvalidToken(res: GqlResult): void {
  expect(res.status).toBe(401);
  expect(res.body).toEqual({ errors: [{ message: 'Invalid token' }] });
}

/** A token works when `currentUser` answers with its user. */
export async function expectTokenWorks(h: Harness, secret: string, username?: string): Promise<void> {
  const res = await h.gql(WHO_AM_I, {}, { token: secret });
  expect(res.status).toBe(200);
  expect(res.errors).toBeUndefined();
  if (username) expect(res.data.currentUser.username).toBe(username);
}

/** Creates a project token over GraphQL as `secret`'s user; returns the payload. */
export async function createProjectToken(h: Harness, secret: string, input: Record<string, unknown>) {
  return h.gql(CREATE_PROJECT_TOKEN, { input: { name: 'test', scopes: ['api'], ...input } }, { token: secret });
}
