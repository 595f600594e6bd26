import { deletionState } from '../modules/project/project-features.service';
import { isValidDate } from '../clock';
import type { SubjectKind } from '../policy/policy';
import type { RequestContext } from '../core/context';
import { RESOURCE_NOT_AVAILABLE, ResourceNotAvailableError, ServiceError } from '../core/errors';
import type { Connection, PageArgs } from '../db/paging';
import { humanAccess, parseMemberAccessLevel } from '../policy/access-level';
import { granularScopeRequests, parseGranularScopes } from '../modules/access-token/granular-scope-syntax';
import type { TokenResource } from '../modules/access-token/resource-access-token.service';
import type { MemberSource } from '../modules/member/member.service';
import type { User } from '../modules/user/user.entity';
import type { Namespace } from '../modules/namespace/namespace.entity';
import { UsageError, type Flags } from './args';
import { deployTokenRecord, groupRecord, memberRecord, projectRecord, tokenRecord, userRecord } from './records';

/** What a command returns: the JSON value (`--json`) and the line printed otherwise. */
export interface CommandResult {
  json: unknown;
  text: string;
  /** The plaintext of a token just issued (create, rotate): what `--token-only` prints. */
  secret?: string;
}

export type Command = (ctx: RequestContext, flags: Flags) => Promise<CommandResult>;

async function allPages<T>(fetch: (args: PageArgs) => Promise<Connection<T>>): Promise<T[]> {
  const items: T[] = [];
  let after: string | null = null;
  for (;;) {
    const page: Connection<T> = await fetch({ first: 100, after });
    items.push(...page.nodes);
    if (!page.pageInfo.hasNextPage) return items;
    after = page.pageInfo.endCursor;
  }
}

/** A command's declared ability on its subject, checked by the same policy as the schema's declarations. */
async function authorize(ctx: RequestContext, kind: SubjectKind, subject: unknown, ability: string): Promise<void> {
  if (!(await ctx.app.policy.can(ctx, kind, subject, ability))) throw new ServiceError(RESOURCE_NOT_AVAILABLE);
}

async function userByName(ctx: RequestContext, username: string): Promise<User> {
  const user = await ctx.services.users.findByUsername(ctx, username);
  if (!user) throw new ServiceError(`User ${username} not found`);
  return user;
}

function date(flags: Flags, name: string): string | null | undefined {
  const value = flags.string(name);
  if (value === undefined) return undefined;
  if (value === 'none' || value === '') return null;
  if (!isValidDate(value)) throw new UsageError(`--${name} must be a date, YYYY-MM-DD`);
  return value;
}

function accessLevel(flags: Flags, required: boolean): number | undefined {
  const value = required ? flags.required('access-level') : flags.string('access-level');
  if (value === undefined) return undefined;
  const level = parseMemberAccessLevel(value);
  if (level === undefined) {
    throw new UsageError('--access-level must be guest, planner, reporter, developer, maintainer or owner (or 10, 15, 20, 30, 40, 50)');
  }
  return level;
}

/** `--project P` or `--group G`: exactly one. */
function memberTarget(flags: Flags): { kind: 'project' | 'group'; path: string } {
  const project = flags.string('project');
  const group = flags.string('group');
  if ((project === undefined) === (group === undefined)) throw new UsageError('give either --project or --group');
  return project !== undefined ? { kind: 'project', path: project } : { kind: 'group', path: group! };
}

/** The project or group of `--project`/`--group`, if the caller may see it. */
async function memberSource(ctx: RequestContext, target: { kind: 'project' | 'group'; path: string }): Promise<{ source: MemberSource; path: string }> {
  const { kind, path } = target;
  if (kind === 'project') return { source: { kind: 'Project', project: await ctx.services.projects.findForMutation(ctx, path) }, path };
  return { source: { kind: 'Namespace', group: await ctx.services.groups.findForMutation(ctx, path) }, path };
}

// Like the token commands, these read every flag and refuse unknown ones before changing anything.
const users = {
  async create(ctx, flags) {
    const input = {
      username: flags.required('username'),
      name: flags.string('name'),
      email: flags.string('email'),
      admin: flags.switch('admin'),
      external: flags.switch('external'),
    };
    flags.done();
    const user = await ctx.services.users.create(ctx, input);
    return { json: userRecord(user), text: `Created user ${user.username} (id ${user.id})` };
  },
  async update(ctx, flags) {
    const username = flags.required('username');
    const changes = {
      state: flags.string('state'),
      admin: flags.boolean('admin'),
      external: flags.boolean('external'),
      name: flags.string('name'),
    };
    const status = {
      message: flags.string('status'),
      emoji: flags.string('status-emoji'),
      busy: flags.boolean('busy'),
      clearAt: flags.string('status-clear-at'),
    };
    flags.done();
    const statusGiven = Object.values(status).some((v) => v !== undefined);
    const changesGiven = Object.values(changes).some((v) => v !== undefined);
    if (!statusGiven && !changesGiven) throw new UsageError('nothing to update: give --state, --admin, --external, --name or a status option');
    let clearAt: Date | null = null;
    if (status.clearAt !== undefined) {
      clearAt = new Date(status.clearAt);
      if (Number.isNaN(clearAt.getTime())) throw new UsageError(`--status-clear-at: "${status.clearAt}" is not a date and time (ISO 8601)`);
    }
    let user = await userByName(ctx, username);
    if (changesGiven) user = await ctx.services.users.update(ctx, user, changes);
    if (statusGiven) {
      user = await ctx.services.users.setStatus(ctx, user, {
        message: status.message ?? null,
        emoji: status.emoji ?? null,
        availability: status.busy ? 'busy' : 'not_set',
        clearAt,
      });
    }
    const shown = ctx.services.users.status(ctx, user);
    return {
      json: { ...userRecord(user), status: shown },
      text: `Updated user ${user.username} (state ${user.state}${shown ? `, status ${[shown.emoji && `:${shown.emoji}:`, shown.message, shown.availability === 'BUSY' ? '(busy)' : null].filter(Boolean).join(' ')}` : ''})`,
    };
  },
} satisfies Record<string, Command>;

/** `--max-access-level` of a share (GitLab's `group_access`): a member role, by name or number. */
function maxAccessLevel(flags: Flags): number {
  const value = flags.required('max-access-level');
  const level = parseMemberAccessLevel(value);
  if (level === undefined) {
    throw new UsageError('--max-access-level must be guest, planner, reporter, developer, maintainer or owner (or 10, 15, 20, 30, 40, 50)');
  }
  return level;
}

/** A group to share with: looked up without a visibility check (the sharing service decides who may). */
async function invitedGroup(ctx: RequestContext, fullPath: string): Promise<Namespace> {
  const group = await ctx.services.groups.findByFullPathUnchecked(ctx, fullPath);
  if (!group) throw new ServiceError(`Group ${fullPath} not found`);
  return group;
}

/** A sharing refusal in GitLab's words: "not available" is its `Not Found`. */
async function sharing<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof ResourceNotAvailableError) throw new ServiceError('Not Found');
    throw error;
  }
}

const groups = {
  async share(ctx, flags) {
    const path = flags.required('group');
    const withPath = flags.required('with');
    const groupAccess = maxAccessLevel(flags);
    const expiresAt = date(flags, 'expires-at') ?? null;
    flags.done();
    const group = await ctx.services.groups.findForMutation(ctx, path);
    const invited = await ctx.services.groups.findByFullPath(ctx, withPath);
    if (!invited) throw new ServiceError(`Group ${withPath} not found`);
    const link = await sharing(() => ctx.services.groupLinks.shareGroup(ctx, group, invited, { groupAccess, expiresAt }));
    return {
      json: { id: link.id, group: group.fullPath, sharedWith: invited.fullPath, groupAccess: link.groupAccess, expiresAt: link.expiresAt },
      text: `Shared group ${group.fullPath} with group ${invited.fullPath} (${humanAccess(link.groupAccess)})`,
    };
  },
  async unshare(ctx, flags) {
    const path = flags.required('group');
    const withPath = flags.required('with');
    flags.done();
    const group = await ctx.services.groups.findForMutation(ctx, path);
    const invited = await invitedGroup(ctx, withPath);
    const link = await ctx.services.groupLinks.findGroupLink(ctx, group, invited.id);
    if (!link) throw new ServiceError('Group Link Not Found');
    // GitLab's API answers alike whether or not the caller may remove it; the command says which.
    if (!(await ctx.services.groupLinks.unshareGroup(ctx, group, link))) throw new ServiceError(RESOURCE_NOT_AVAILABLE);
    return { json: { removed: true, group: group.fullPath, sharedWith: invited.fullPath }, text: `Group ${group.fullPath} is no longer shared with group ${invited.fullPath}` };
  },
  async create(ctx, flags) {
    const ownerName = flags.string('owner');
    const input = {
      path: flags.required('path'),
      parentFullPath: flags.string('parent'),
      name: flags.string('name'),
      visibility: flags.string('visibility'),
      description: flags.string('description'),
      plan: flags.string('plan'),
      trial: flags.switch('trial'),
      projectCreationLevel: flags.string('project-creation-level'),
      subgroupCreationLevel: flags.string('subgroup-creation-level'),
    };
    flags.done();
    const owner = ownerName ? await userByName(ctx, ownerName) : null;
    const group = await ctx.services.groups.create(ctx, input, owner);
    return { json: groupRecord(group), text: `Created group ${group.fullPath} (id ${group.id})` };
  },
  async update(ctx, flags) {
    const allowed = flags.boolean('resource-access-token-creation-allowed');
    const archived = flags.boolean('archived');
    const lock = flags.boolean('share-with-group-lock');
    const prevent = flags.boolean('prevent-sharing-groups-outside-hierarchy');
    const path = flags.required('group');
    flags.done();
    if (allowed === undefined && archived === undefined && lock === undefined && prevent === undefined) {
      throw new UsageError(
        'nothing to update: give --resource-access-token-creation-allowed, --archived, --share-with-group-lock or --prevent-sharing-groups-outside-hierarchy true|false',
      );
    }
    let group = await ctx.services.groups.findForMutation(ctx, path);
    if (archived !== undefined) group = await ctx.services.groups.setArchived(ctx, path, archived);
    if (allowed !== undefined) group = await ctx.services.groups.update(ctx, path, { resourceAccessTokenCreationAllowed: allowed });
    if (lock !== undefined) group = await ctx.services.groupLinks.setShareWithGroupLock(ctx, group, lock);
    if (prevent !== undefined) group = await ctx.services.groupLinks.setPreventSharingOutsideHierarchy(ctx, group, prevent);
    return {
      json: groupRecord(group),
      text: `Group ${group.fullPath}: ${[
        archived !== undefined ? (group.archived ? 'archived' : 'unarchived') : null,
        allowed !== undefined ? `resource access token creation ${group.resourceAccessTokenCreationAllowed ? 'allowed' : 'not allowed'}` : null,
        lock !== undefined ? `sharing projects with groups ${group.shareWithGroupLock ? 'locked' : 'unlocked'}` : null,
        prevent !== undefined ? `sharing with groups outside the hierarchy ${group.preventSharingGroupsOutsideHierarchy ? 'prevented' : 'allowed'}` : null,
      ]
        .filter(Boolean)
        .join(', ')}`,
    };
  },
  async delete(ctx, flags) {
    const path = flags.required('group');
    flags.done();
    const group = await ctx.services.groups.scheduleDeletion(ctx, path);
    const state = deletionState(group.markedForDeletionAt, false);
    return { json: groupRecord(group), text: `Group ${group.fullPath} scheduled for deletion on ${state.permanentDeletionDate}` };
  },
  async restore(ctx, flags) {
    const path = flags.required('group');
    flags.done();
    const group = await ctx.services.groups.restore(ctx, path);
    return { json: groupRecord(group), text: `Group ${group.fullPath} restored: no longer scheduled for deletion` };
  },
} satisfies Record<string, Command>;

const projects = {
  async share(ctx, flags) {
    const path = flags.required('project');
    const groupPath = flags.required('group');
    const groupAccess = maxAccessLevel(flags);
    const expiresAt = date(flags, 'expires-at') ?? null;
    flags.done();
    const project = await ctx.services.projects.findForMutation(ctx, path);
    const invited = await invitedGroup(ctx, groupPath);
    const link = await sharing(() => ctx.services.groupLinks.shareProject(ctx, project, invited, { groupAccess, expiresAt }));
    return {
      json: { id: link.id, project: project.fullPath, group: invited.fullPath, groupAccess: link.groupAccess, expiresAt: link.expiresAt },
      text: `Shared project ${project.fullPath} with group ${invited.fullPath} (${humanAccess(link.groupAccess)})`,
    };
  },
  async unshare(ctx, flags) {
    const path = flags.required('project');
    const groupPath = flags.required('group');
    flags.done();
    const project = await ctx.services.projects.findForMutation(ctx, path);
    const invited = await invitedGroup(ctx, groupPath);
    const link = await ctx.services.groupLinks.findProjectLink(ctx, project, invited.id);
    if (!link) throw new ServiceError('Group Link Not Found');
    await sharing(() => ctx.services.groupLinks.unshareProject(ctx, project, link));
    return { json: { removed: true, project: project.fullPath, group: invited.fullPath }, text: `Project ${project.fullPath} is no longer shared with group ${invited.fullPath}` };
  },
  async create(ctx, flags) {
    const input = {
      path: flags.required('path'),
      namespace: flags.required('namespace'),
      name: flags.string('name'),
      visibility: flags.string('visibility'),
      description: flags.string('description'),
    };
    flags.done();
    const project = await ctx.services.projects.create(ctx, input);
    const ns = await ctx.services.projects.namespaceOf(ctx, project);
    return { json: projectRecord(project, ns), text: `Created project ${project.fullPath} (id ${project.id})` };
  },
  async update(ctx, flags) {
    const archived = flags.boolean('archived');
    const topics = flags.string('topics');
    const registryLevel = flags.string('container-registry-access-level');
    const path = flags.required('project');
    flags.done();
    if (archived === undefined && topics === undefined && registryLevel === undefined) throw new UsageError('nothing to update: give --archived true|false or --topics a,b');
    let project = await ctx.services.projects.findForMutation(ctx, path);
    if (registryLevel !== undefined) project = await ctx.services.projectFeatures.updateSettings(ctx, path, { plain: { containerRegistryAccessLevel: registryLevel } });
    if (archived !== undefined) project = await ctx.services.projects.setArchived(ctx, path, archived);
    if (topics !== undefined) await ctx.services.topics.setProjectTopics(ctx, path, topics.split(','));
    const ns = await ctx.services.projects.namespaceOf(ctx, project);
    const names = await ctx.services.topics.topicNames(ctx, project.id);
    return {
      json: { ...projectRecord(project, ns), topics: names },
      text: [
        archived !== undefined ? `Project ${project.fullPath} ${archived ? 'archived' : 'unarchived'}` : null,
        registryLevel !== undefined ? `Project ${project.fullPath} container registry: ${registryLevel}` : null,
        topics !== undefined ? `Project ${project.fullPath} topics: ${names.length ? names.join(', ') : '(none)'}` : null,
      ]
        .filter(Boolean)
        .join('\n'),
    };
  },
  async fork(ctx, flags) {
    const source = flags.required('project');
    const namespace = flags.required('namespace');
    const options = { path: flags.string('path'), name: flags.string('name') };
    flags.done();
    const fork = await ctx.services.projectFeatures.fork(ctx, source, namespace, options);
    const ns = await ctx.services.projects.namespaceOf(ctx, fork);
    return { json: { ...projectRecord(fork, ns), forked_from: source }, text: `Forked ${source} to ${fork.fullPath} (id ${fork.id})` };
  },
  async delete(ctx, flags) {
    const path = flags.required('project');
    flags.done();
    const project = await ctx.services.projectFeatures.scheduleDeletion(ctx, path);
    const ns = await ctx.services.projects.namespaceOf(ctx, project);
    const state = deletionState(project.markedForDeletionAt, false);
    return { json: projectRecord(project, ns), text: `Project ${project.fullPath} scheduled for deletion on ${state.permanentDeletionDate}` };
  },
  async restore(ctx, flags) {
    const path = flags.required('project');
    flags.done();
    const project = await ctx.services.projectFeatures.restore(ctx, path);
    const ns = await ctx.services.projects.namespaceOf(ctx, project);
    return { json: projectRecord(project, ns), text: `Project ${project.fullPath} restored: no longer scheduled for deletion` };
  },
} satisfies Record<string, Command>;

/** What `members add` and `members update` both take; every flag is read before anything is looked up. */
async function membershipArgs(ctx: RequestContext, flags: Flags) {
  const target = memberTarget(flags);
  const username = flags.required('user');
  const level = accessLevel(flags, true)!;
  const expiresAt = date(flags, 'expires-at') ?? null;
  flags.done();
  const { source, path } = await memberSource(ctx, target);
  return { source, path, user: await userByName(ctx, username), level, expiresAt };
}

const members = {
  async add(ctx, flags) {
    const { source, path, user, level, expiresAt } = await membershipArgs(ctx, flags);
    const member = await ctx.services.members.add(ctx, source, user, level, expiresAt);
    const record = memberRecord(member, user, path);
    return { json: record, text: `Added ${user.username} to ${path} as ${record.access_level_name}` };
  },
  async update(ctx, flags) {
    const { source, path, user, level, expiresAt } = await membershipArgs(ctx, flags);
    const [member] = await ctx.services.members.bulkUpdate(ctx, source, [user.id], level, expiresAt);
    const record = memberRecord(member, user, path);
    return { json: record, text: `${user.username} is now ${record.access_level_name} of ${path}` };
  },
  async remove(ctx, flags) {
    const target = memberTarget(flags);
    const username = flags.required('user');
    flags.done();
    const { source, path } = await memberSource(ctx, target);
    const user = await userByName(ctx, username);
    await ctx.services.members.remove(ctx, source, user);
    return { json: { removed: true, source: path, username: user.username }, text: `Removed ${user.username} from ${path}` };
  },
} satisfies Record<string, Command>;

function tokenInput(flags: Flags) {
  return {
    name: flags.required('name'),
    description: flags.string('description'),
    scopes: flags.list('scopes') ?? [],
    expiresAt: date(flags, 'expires-at'),
  };
}

function parseGranularFlag(text: string) {
  try {
    return parseGranularScopes(text);
  } catch (error) {
    throw new UsageError(`--granular: ${(error as Error).message}`);
  }
}

function tokenId(flags: Flags): number {
  const id = flags.integer('id');
  if (id === undefined) throw new UsageError('--id is required');
  return id;
}

// Token commands read every flag, and refuse unknown ones (`flags.done()`), before they change anything.
const tokens = {
  async create(ctx, flags) {
    const username = flags.required('user');
    const granular = flags.string('granular');
    const input = tokenInput(flags);
    flags.done();
    if (granular !== undefined && input.scopes.length) throw new UsageError('give either --scopes or --granular, not both');
    const parsed = granular === undefined ? null : parseGranularFlag(granular);
    const user = await userByName(ctx, username);
    const issued = parsed
      ? await ctx.services.tokens.createGranular(ctx, user, { ...input, granularScopes: await granularScopeRequests(ctx, parsed) })
      : await ctx.services.tokens.createPersonal(ctx, user, input);
    return {
      json: tokenRecord(ctx, issued.token, { secret: issued.secret }),
      text: `Created personal access token ${issued.token.id} for ${user.username}: ${issued.secret}`,
      secret: issued.secret,
    };
  },
  async list(ctx, flags) {
    const username = flags.required('user');
    const state = stateFlag(flags);
    flags.done();
    const user = await userByName(ctx, username);
    await authorize(ctx, 'user', user, 'read_user_personal_access_tokens');
    const list = await allPages((page) => ctx.services.tokens.listForUser(ctx, user, { ...page, state, sort: 'ID_ASC' }));
    return { json: list.map((t) => tokenRecord(ctx, t)), text: list.map((t) => `${t.id}\t${t.name}\t${t.scopes.join(',')}\t${t.expiresAt ?? 'never'}\t${t.revoked ? 'revoked' : ''}`).join('\n') };
  },
  async revoke(ctx, flags) {
    const id = tokenId(flags);
    flags.done();
    const token = await ctx.services.tokens.revokePersonal(ctx, id);
    return { json: tokenRecord(ctx, token), text: `Revoked token ${token.id}` };
  },
  async rotate(ctx, flags) {
    const id = tokenId(flags);
    const expiresAt = date(flags, 'expires-at');
    flags.done();
    const issued = await ctx.services.tokens.rotatePersonal(ctx, id, expiresAt);
    return {
      json: tokenRecord(ctx, issued.token, { secret: issued.secret }),
      text: `Rotated into token ${issued.token.id}: ${issued.secret}`,
      secret: issued.secret,
    };
  },
} satisfies Record<string, Command>;

function stateFlag(flags: Flags): 'ACTIVE' | 'INACTIVE' | undefined {
  const state = flags.string('state');
  if (state === undefined) return undefined;
  if (state !== 'active' && state !== 'inactive') throw new UsageError('--state must be active or inactive');
  return state === 'active' ? 'ACTIVE' : 'INACTIVE';
}

function resourceTokens(kind: 'project' | 'group') {
  const resource = (ctx: RequestContext, path: string): Promise<TokenResource> => ctx.services.resourceTokens.findResource(ctx, kind, path);
  const level = async (ctx: RequestContext, userId: number) => (await ctx.loaders.botMembership.load(userId))?.accessLevel;
  return {
    async create(ctx, flags) {
      const path = flags.required(kind);
      const input = { ...tokenInput(flags), accessLevel: accessLevel(flags, false) };
      flags.done();
      const target = await resource(ctx, path);
      const issued = await ctx.services.resourceTokens.create(ctx, target, input);
      return {
        json: tokenRecord(ctx, issued.token, { secret: issued.secret, accessLevel: await level(ctx, issued.bot.id) }),
        text: `Created ${kind} access token ${issued.token.id} (bot ${issued.bot.username}): ${issued.secret}`,
        secret: issued.secret,
      };
    },
    async list(ctx, flags) {
      const path = flags.required(kind);
      const state = stateFlag(flags);
      flags.done();
      const target = await resource(ctx, path);
      await authorize(ctx, kind, target.kind === 'project' ? target.project : target.group, 'read_resource_access_tokens');
      const list = await allPages((page) => ctx.services.resourceTokens.list(ctx, target, { ...page, state, sort: 'ID_ASC' }));
      const records = await Promise.all(list.map(async (t) => tokenRecord(ctx, t, { accessLevel: await level(ctx, t.userId) })));
      return {
        json: records,
        text: records.map((r) => `${r.id}\t${r.name}\t${r.scopes.join(',')}\t${r.expires_at ?? 'never'}\t${r.active ? 'active' : 'inactive'}`).join('\n'),
      };
    },
    async revoke(ctx, flags) {
      const path = flags.required(kind);
      const id = tokenId(flags);
      flags.done();
      const target = await resource(ctx, path);
      const token = await ctx.services.resourceTokens.revoke(ctx, target, id);
      return { json: tokenRecord(ctx, token, { accessLevel: await level(ctx, token.userId) }), text: `Revoked ${kind} access token ${token.id}` };
    },
    async rotate(ctx, flags) {
      const path = flags.required(kind);
      const id = tokenId(flags);
      const expiresAt = date(flags, 'expires-at');
      flags.done();
      const target = await resource(ctx, path);
      const issued = await ctx.services.resourceTokens.rotate(ctx, target, id, expiresAt);
      return {
        json: tokenRecord(ctx, issued.token, { secret: issued.secret, accessLevel: await level(ctx, issued.token.userId) }),
        text: `Rotated into ${kind} access token ${issued.token.id}: ${issued.secret}`,
        secret: issued.secret,
      };
    },
  } satisfies Record<string, Command>;
}

/**
 * `labgate deploy-tokens`: the REST API's rules (who may, which scopes, which user names), over the
 * same service. `--expires-at` is a date: the token stops at its first instant, UTC.
 */
const deployTokens = {
  async create(ctx, flags) {
    const target = memberTarget(flags);
    const name = flags.required('name');
    const scopes = flags.required('scopes').split(',').map((s) => s.trim()).filter(Boolean);
    const username = flags.string('username');
    const expiry = date(flags, 'expires-at');
    flags.done();
    const holder = await ctx.services.deployTokens.findHolder(ctx, target.kind, target.path);
    const expiresAt = expiry ? new Date(`${expiry}T00:00:00.000Z`) : null;
    const issued = await ctx.services.deployTokens.create(ctx, holder, { name, scopes, username, expiresAt });
    const record = deployTokenRecord(ctx, issued.token, target.path, issued.secret);
    return { json: record, text: `Created deploy token ${record.id} of ${target.path} for user name ${record.username}: ${issued.secret}`, secret: issued.secret };
  },
  async list(ctx, flags) {
    const target = memberTarget(flags);
    const active = flags.switch('active');
    flags.done();
    const holder = await ctx.services.deployTokens.findHolder(ctx, target.kind, target.path);
    const list = await allPages((page) => ctx.services.deployTokens.list(ctx, holder, { ...page, active }));
    const records = list.map((t) => deployTokenRecord(ctx, t, target.path));
    return {
      json: records,
      text: records.map((r) => `${r.id}\t${r.name}\t${r.username}\t${r.scopes.join(',')}\t${r.expires_at ?? 'never'}\t${r.active ? 'active' : r.revoked ? 'revoked' : 'expired'}`).join('\n'),
    };
  },
  async revoke(ctx, flags) {
    const target = memberTarget(flags);
    const id = tokenId(flags);
    flags.done();
    const holder = await ctx.services.deployTokens.findHolder(ctx, target.kind, target.path);
    const token = await ctx.services.deployTokens.revoke(ctx, holder, id);
    return { json: deployTokenRecord(ctx, token, target.path), text: `Revoked deploy token ${token.id} of ${target.path}` };
  },
} satisfies Record<string, Command>;

async function cleanup(ctx: RequestContext, flags: Flags): Promise<CommandResult> {
  const days = flags.integer('retention-days') ?? 30;
  const dryRun = flags.switch('dry-run');
  flags.done();
  const result = await ctx.services.resourceTokens.cleanup(ctx, days, { dryRun });
  if (dryRun) {
    const { bots } = result;
    return {
      json: { dry_run: true, would_delete_bots: bots.length, bots, retention_days: days },
      text: [
        `Would delete ${bots.length} bot user(s) whose tokens were all inactive for more than ${days} days (dry run: nothing changed)`,
        ...bots.map((b) => `${b.id}\t${b.username}\t${b.name}`),
      ].join('\n'),
    };
  }
  return {
    json: { deleted_bots: result.deletedBots, ghost_user_id: result.ghostUserId, retention_days: days },
    text: `Deleted ${result.deletedBots} bot user(s) whose tokens were all inactive for more than ${days} days`,
  };
}

/** Every data command, by `group action` (or a single word). */
export const COMMANDS: Record<string, Record<string, Command> | Command> = {
  users,
  groups,
  projects,
  members,
  tokens,
  'project-tokens': resourceTokens('project'),
  'group-tokens': resourceTokens('group'),
  'deploy-tokens': deployTokens,
  cleanup,
};
