import { createHash } from 'node:crypto';
import { Brackets, type EntityManager } from 'typeorm';
import { externalHost } from '../../config';
import { inTransaction } from '../../db/data-source';
import type { RequestContext } from '../../core/context';
import { ArgumentError, ResourceNotAvailableError, ServiceError } from '../../core/errors';
import { isRecordId, recordIds } from '../../core/global-id';
import { idKey, paginate, type Connection, type PageArgs, type SortKey } from '../../db/paging';
import { activeMembership, atOrBelow, bound, sql } from '../../policy/sql-conditions';
import { userNameVisibleSql } from '../../policy/visibility-sql';
import { hasNullByte, isValidEmail, likePattern, pathErrors, textErrors } from '../namespace/path-rules';
import { isGroup, Namespace, traversalIdList } from '../namespace/namespace.entity';
import { descriptionHtml } from '../project/description-html';
import { isBot, User, type UserState, type UserTypeName } from './user.entity';
import { hydrate, selectColumns } from '../../db/rows';
import { AUTOCOMPLETE_USERS_LIMIT } from '../../core/limits';
import { loadProjectNamespace } from '../../policy/namespace-of';
import type { Project } from '../project/project.entity';
import type { GroupService } from '../group/group.service';
import type { NamespaceService } from '../namespace/namespace.service';
import type { ProjectService } from '../project/project.service';
import { userAbilities, type UserAbility } from '../../policy/abilities';

export type UserSort = 'CREATED_DESC' | 'CREATED_ASC' | 'UPDATED_DESC' | 'UPDATED_ASC' | 'created_desc' | 'created_asc' | 'updated_desc' | 'updated_asc';

export interface UserListArgs extends PageArgs {
  active?: boolean | null;
  admins?: boolean | null;
  humans?: boolean | null;
  groupId?: number | null;
  ids?: number[] | null;
  usernames?: string[] | null;
  userTypes?: UserTypeName[] | null;
  search?: string | null;
  sort?: UserSort | null;
}

export interface CreateUserInput {
  username: string;
  name?: string | null;
  email?: string | null;
  admin?: boolean;
  external?: boolean;
  publicEmail?: string | null;
  bio?: string | null;
  location?: string | null;
  organization?: string | null;
  jobTitle?: string | null;
  pronouns?: string | null;
  linkedin?: string | null;
  twitter?: string | null;
  discord?: string | null;
  github?: string | null;
}

/** Bot accounts are created by the access token service with these fields set. */
export interface CreateBotInput {
  username: string;
  name: string;
  email: string;
  createdById: number | null;
  external: boolean;
}

/** GitLab limits a status message to 100 characters. */
const MAX_STATUS_MESSAGE_LENGTH = 100;

export interface UserStatusView {
  availability: 'NOT_SET' | 'BUSY';
  clearStatusAt: Date | null;
  emoji: string | null;
  message: string | null;
  messageHtml: string | null;
  disabledForDuoUsage: boolean;
  disabledForDuoUsageReason: string | null;
}

export interface UserPreferencesView {
  extensionsMarketplaceOptInStatus: 'UNSET' | 'ENABLED' | 'DISABLED';
  projectsSort: string | null;
  timezone: string | null;
  issuesSort: string | null;
  mergeRequestDashboardListType: string;
  mergeRequestDashboardShowDrafts: boolean;
  /** Stored for `userPreferencesUpdate`; GitLab's `UserPreferences` has no field for it. */
  mergeRequestsSort: string | null;
  useWorkItemsView: boolean;
  visibilityPipelineIdType: string;
  workItemsDisplaySettings: Record<string, unknown>;
  /** Not a preference GitLab's mutation sets: read by `User.gitpodEnabled`. */
  gitpodEnabled: boolean;
}

/** What `userPreferencesUpdate` may change. */
export type PreferenceChanges = Partial<Omit<UserPreferencesView, 'timezone' | 'gitpodEnabled' | 'workItemsDisplaySettings'>> & { workItemsDisplaySettings?: unknown };

/** Display settings of work item lists are a small JSON object. */
const MAX_DISPLAY_SETTINGS_LENGTH = 4096;

function readPreferences(stored: string | null): UserPreferencesView {
  let saved: Partial<UserPreferencesView> = {};
  try {
    saved = stored ? (JSON.parse(stored) as Partial<UserPreferencesView>) : {};
  } catch {
    saved = {};
  }
  // GitLab's defaults for what was never set. Labgate keeps times in UTC and has no per-user time zone.
  return {
    extensionsMarketplaceOptInStatus: saved.extensionsMarketplaceOptInStatus ?? 'UNSET',
    projectsSort: saved.projectsSort ?? null,
    timezone: null,
    issuesSort: saved.issuesSort ?? null,
    mergeRequestDashboardListType: saved.mergeRequestDashboardListType ?? 'ACTION_BASED',
    mergeRequestDashboardShowDrafts: saved.mergeRequestDashboardShowDrafts ?? true,
    mergeRequestsSort: saved.mergeRequestsSort ?? null,
    useWorkItemsView: saved.useWorkItemsView ?? false,
    visibilityPipelineIdType: saved.visibilityPipelineIdType ?? 'ID',
    workItemsDisplaySettings: saved.workItemsDisplaySettings ?? {},
    gitpodEnabled: saved.gitpodEnabled ?? false,
  };
}

/** `User.gitpodEnabled`: the user's own Gitpod switch (false until set). */
export function gitpodEnabled(user: Pick<User, 'preferences'>): boolean {
  return readPreferences(user.preferences).gitpodEnabled;
}

const USER_STATES: readonly UserState[] = ['active', 'blocked', 'deactivated'];

function sortKeys(given: UserSort): SortKey<User>[] {
  // GitLab keeps the lower-case spellings (`created_asc`...) as deprecated aliases of the upper-case ones.
  const sort = given.toUpperCase();
  const direction = sort.endsWith('_ASC') ? 'ASC' : 'DESC';
  const column = sort.startsWith('UPDATED') ? 'updated_at' : 'created_at';
  const prop = sort.startsWith('UPDATED') ? 'updatedAt' : 'createdAt';
  return [
    { name: column, expr: `u.${column}`, direction, kind: 'timestamp', value: (u) => u[prop] },
    idKey<User>('u', direction),
  ];
}

/** Where `autocompleteUsers` looks: a project (its members and its groups' members) or a group. */
export type AutocompleteSource = { kind: 'Project'; project: Project } | { kind: 'Group'; group: Namespace };

/** One `autocompleteUsers` question: whose members (the membership sources), and the search text. */
export interface AutocompleteKey {
  /** `Project:1` or `Group:4`: names the question for the loader. */
  parent: string;
  sources: ReadonlyArray<{ sourceType: 'Project' | 'Namespace'; sourceId: number }>;
  /** The owner of a personal namespace holding the project: a member of it without a membership row. */
  ownerId: number | null;
  search: string | null;
}

/**
 * The account types `autocompleteUsers` offers: people, and bots that act for someone (GitLab's
 * `non_internal`: no ghost, support, alert or other internal accounts).
 */
const NON_INTERNAL_USER_TYPES: readonly UserTypeName[] = ['human', 'project_bot', 'service_user', 'service_account'];

export interface UserServiceDeps {
  namespaces: NamespaceService;
  projects: ProjectService;
  groups: GroupService;
}

export class UserService {
  constructor(private readonly deps: UserServiceDeps) {}

  async findById(ctx: RequestContext, id: number): Promise<User | null> {
    return isRecordId(id) ? ctx.loaders.users.load(id) : null;
  }

  async findByUsername(ctx: RequestContext, username: string): Promise<User | null> {
    if (hasNullByte(username)) return null; // names nobody; PostgreSQL would refuse it
    return ctx.app.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .where('LOWER(u.username) = LOWER(:username)', { username })
      .getOne();
  }

  /** GitLab's `find_user` (REST `:user_id`, `sudo`): an all-digit key is an id, anything else a username. */
  async findByIdOrUsername(ctx: RequestContext, key: string): Promise<User | null> {
    return /^\d+$/.test(key) ? this.findById(ctx, Number(key)) : this.findByUsername(ctx, key);
  }

  /** `Query.user(id, username)`: exactly one of the two must be given. */
  async findOne(ctx: RequestContext, args: { id?: number | null; username?: string | null }): Promise<User | null> {
    const given = [args.id, args.username].filter((v) => v !== undefined && v !== null).length;
    // GitLab's `validates exactly_one_of: [:id, :username]` on its UserResolver.
    if (given !== 1) throw new ArgumentError('One and only one of [id, username] arguments is required.');
    // GitLab's UserResolver refuses anonymous callers outright (`raise_resource_not_available_error!`).
    if (!ctx.actor.signedIn) throw new ResourceNotAvailableError();
    return args.id != null ? this.findById(ctx, args.id) : this.findByUsername(ctx, args.username!);
  }

  async list(ctx: RequestContext, args: UserListArgs): Promise<Connection<User>> {
    if (args.ids?.length && args.usernames?.length) throw new ArgumentError('Provide either a list of usernames or ids');
    const qb = ctx.app.dataSource.getRepository(User).createQueryBuilder('u');
    // GitLab's UsersFinder lists blocked accounts to administrators only (`without_forbidden_states`).
    if (!ctx.actor.admin) qb.andWhere(`u.state <> 'blocked'`);
    if (args.active) qb.andWhere(`u.state = 'active'`);
    // Who is an administrator is only told to administrators (GitLab ignores the filter for others).
    if (args.admins && ctx.actor.admin) qb.andWhere('u.admin = :admin', { admin: true });
    if (args.humans) qb.andWhere(`u.user_type = 'human'`);
    if (args.userTypes?.length) qb.andWhere('u.user_type IN (:...userTypes)', { userTypes: args.userTypes });
    if (args.ids) qb.andWhere(recordIds(args.ids).length ? 'u.id IN (:...ids)' : '1 = 0', { ids: recordIds(args.ids) });
    if (args.usernames) {
      const lowered = args.usernames.filter((n) => !hasNullByte(n)).map((n) => n.toLowerCase());
      qb.andWhere(lowered.length ? 'LOWER(u.username) IN (:...usernames)' : '1 = 0', { usernames: lowered });
    }
    if (args.groupId != null) {
      // The filter answers "who are this group's members?", so it holds only where the viewer may read
      // that list (`read_group_member`); elsewhere it finds nobody, as for a group that does not exist.
      const group = await this.deps.groups.findById(ctx, args.groupId);
      if (!group || !(await this.deps.groups.can(ctx, group, 'read_group_member'))) qb.andWhere('1 = 0');
      else {
        // Members of the group or of a group above it.
        const members = sql`u.id IN (SELECT gm.user_id FROM members gm JOIN namespaces gg ON gg.id = gm.source_id
          WHERE gm.source_type = 'Namespace' AND ${activeMembership('gm', ctx.today())}
          AND ${atOrBelow(bound(group.traversalIds, 'traversal'), 'gg.traversal_ids')})`;
        qb.andWhere(members.sql, members.params);
      }
    }
    if (args.search) {
      const pattern = likePattern(args.search);
      // A name that reads `****` to the viewer is not searched: matching it would spell it out.
      const nameVisible = userNameVisibleSql(ctx.actor, 'u', ctx.today());
      qb.andWhere(
        new Brackets((w) => {
          w.where(`LOWER(u.username) LIKE :pattern ESCAPE '\\'`, { pattern });
          if (nameVisible) w.orWhere(`(LOWER(u.name) LIKE :pattern ESCAPE '\\' AND ${nameVisible.sql})`, nameVisible.params);
          else w.orWhere(`LOWER(u.name) LIKE :pattern ESCAPE '\\'`);
          if (ctx.actor.admin) w.orWhere(`LOWER(u.email) LIKE :pattern ESCAPE '\\'`);
        }),
      );
    }
    return paginate(qb, sortKeys(args.sort ?? 'CREATED_DESC'), args);
  }

  /**
   * `Project.autocompleteUsers` / `Group.autocompleteUsers`: active accounts that are members of the
   * project or group, directly or through a group above it, matching `search` (GitLab's
   * `Autocomplete::UsersFinder`). The schema has already checked that the viewer may read the member
   * list; loaded through a DataLoader, so a list of projects asks once per search text.
   */
  async autocomplete(ctx: RequestContext, source: AutocompleteSource, search: string | null): Promise<User[]> {
    const text = search?.trim() ? search.trim() : null;
    if (text) likePattern(text); // refuses a null byte before anything is loaded
    if (source.kind === 'Group') {
      const sources = traversalIdList(source.group).map((id) => ({ sourceType: 'Namespace' as const, sourceId: id }));
      return ctx.loaders.autocompleteUsers.load({ parent: `Group:${source.group.id}`, sources, ownerId: null, search: text });
    }
    const ns = await loadProjectNamespace(ctx, source.project);
    const sources: AutocompleteKey['sources'] = [
      { sourceType: 'Project', sourceId: source.project.id },
      ...(ns && isGroup(ns) ? traversalIdList(ns).map((id) => ({ sourceType: 'Namespace' as const, sourceId: id })) : []),
    ];
    const ownerId = ns && !isGroup(ns) ? ns.ownerId : null;
    return ctx.loaders.autocompleteUsers.load({ parent: `Project:${source.project.id}`, sources, ownerId, search: text });
  }

  /**
   * The answers to many autocomplete questions: one statement per distinct search text, each parent's
   * members ranked in SQL (exact public e-mail, username, then name matches first, then by name) and
   * cut at `AUTOCOMPLETE_USERS_LIMIT` with a window, so no parent's list is read whole.
   */
  async autocompleteMany(ctx: RequestContext, keys: readonly AutocompleteKey[]): Promise<User[][]> {
    const answers: User[][] = keys.map(() => []);
    const bySearch = new Map<string | null, number[]>();
    keys.forEach((key, i) => bySearch.set(key.search, [...(bySearch.get(key.search) ?? []), i]));
    const ds = ctx.app.dataSource;
    for (const [search, indexes] of bySearch) {
      // Which parent each membership source answers for: ids are pasted as integers, never as text.
      const scope = indexes.flatMap((i) =>
        keys[i].sources.map((s) => `SELECT ${Number(i)} AS parent, '${s.sourceType === 'Project' ? 'Project' : 'Namespace'}' AS source_type, ${Number(s.sourceId)} AS source_id`),
      );
      const owners = indexes.filter((i) => keys[i].ownerId != null).map((i) => `SELECT ${Number(i)} AS parent, ${Number(keys[i].ownerId)} AS user_id`);
      const memberships = sql`SELECT DISTINCT s.parent AS parent, am.user_id AS user_id FROM members am
        JOIN (${scope.join(' UNION ALL ')}) s ON am.source_type = s.source_type AND am.source_id = s.source_id
        WHERE ${activeMembership('am', ctx.today())}${owners.length ? ` UNION ${owners.join(' UNION ')}` : ''}`;
      const lowered = search?.toLowerCase() ?? null;
      const matches = lowered
        ? sql` AND (LOWER(u.name) LIKE ${bound(likePattern(lowered), 'pattern')} ESCAPE '\\'
            OR LOWER(u.username) LIKE ${bound(likePattern(lowered), 'pattern')} ESCAPE '\\'
            OR LOWER(u.public_email) = ${bound(lowered, 'email')})`
        : sql``;
      const rank = lowered
        ? sql`CASE WHEN LOWER(u.public_email) = ${bound(lowered, 'exact')} THEN 0 WHEN LOWER(u.username) = ${bound(lowered, 'exact')} THEN 1
            WHEN LOWER(u.name) = ${bound(lowered, 'exact')} THEN 2 ELSE 3 END, `
        : sql``;
      const statement = sql`SELECT * FROM (
          SELECT pm.parent AS parent, ${selectColumns(ds, User, 'u')},
            ROW_NUMBER() OVER (PARTITION BY pm.parent ORDER BY ${rank}u.name, u.id) AS position
          FROM (${memberships}) pm JOIN users u ON u.id = pm.user_id
          WHERE u.state = 'active' AND u.user_type IN (${NON_INTERNAL_USER_TYPES.map((t) => `'${t}'`).join(', ')})${matches}
        ) ranked WHERE ranked.position <= ${AUTOCOMPLETE_USERS_LIMIT} ORDER BY ranked.parent, ranked.position`;
      const [text, values] = ds.driver.escapeQueryWithParameters(statement.sql, statement.params, {});
      const rows = (await ds.query(text, values)) as Array<Record<string, unknown>>;
      for (const row of rows) answers[Number(row.parent)].push(hydrate(ds, User, row, 'u'));
    }
    return answers;
  }

  /** Creates a person's account and their personal namespace. Administrators only. */
  async create(ctx: RequestContext, input: CreateUserInput): Promise<User> {
    if (!ctx.actor.admin) throw new ResourceNotAvailableError();
    const username = input.username.trim();
    const email = (input.email ?? `${username}@example.com`).trim();
    const name = (input.name ?? username).trim();
    const errors = [
      ...pathErrors('Username', username, { kind: 'username', topLevel: true }),
      ...(name === '' ? ["Name can't be blank"] : []),
      ...textErrors('Name', name),
      ...(isValidEmail(email) ? [] : ['Email is invalid']),
    ];
    if (input.publicEmail && !isValidEmail(input.publicEmail)) errors.push('Public email is invalid');
    if (errors.length) throw new ServiceError(errors);

    return inTransaction(ctx.app.dataSource, async (em) => {
      await this.assertAvailable(em, username, email);
      const now = ctx.now();
      const user = em.create(User, {
        username,
        name,
        email,
        publicEmail: input.publicEmail ?? null,
        admin: input.admin ?? false,
        state: 'active',
        userType: 'human',
        external: input.external ?? false,
        bio: input.bio ?? null,
        location: input.location ?? null,
        organization: input.organization ?? null,
        jobTitle: input.jobTitle ?? null,
        pronouns: input.pronouns ?? null,
        linkedin: input.linkedin ?? null,
        twitter: input.twitter ?? null,
        discord: input.discord ?? null,
        github: input.github ?? null,
        createdById: ctx.actor.userId,
        lastActivityOn: null,
        createdAt: now,
        updatedAt: now,
      });
      await em.save(user);
      await this.deps.namespaces.createPersonalNamespace(ctx, em, user);
      return user;
    });
  }

  /** Creates a bot account inside the caller's transaction (no personal namespace, as for GitLab's bots). */
  async createBot(ctx: RequestContext, em: EntityManager, input: CreateBotInput, userType: UserTypeName): Promise<User> {
    await this.assertAvailable(em, input.username, input.email);
    const now = ctx.now();
    // Profile fields stay empty: bots have none.
    const user = em.create(User, {
      username: input.username,
      name: input.name,
      email: input.email,
      admin: false,
      state: 'active',
      userType,
      external: input.external,
      createdById: input.createdById,
      createdAt: now,
      updatedAt: now,
    });
    return em.save(user);
  }

  /** Changes an account's state or admin flag. Administrators only. */
  async update(
    ctx: RequestContext,
    user: User,
    changes: { state?: string; admin?: boolean; external?: boolean; name?: string },
  ): Promise<User> {
    if (!ctx.actor.admin) throw new ResourceNotAvailableError();
    if (changes.state !== undefined && !USER_STATES.includes(changes.state as UserState)) {
      throw new ServiceError(`State must be one of: ${USER_STATES.join(', ')}`);
    }
    if (changes.name !== undefined && changes.name.trim() === '') throw new ServiceError("Name can't be blank");
    if (isBot(user) && changes.admin) throw new ServiceError('Bots cannot be administrators');
    const repo = ctx.app.dataSource.getRepository(User);
    Object.assign(user, {
      ...(changes.state !== undefined ? { state: changes.state } : {}),
      ...(changes.admin !== undefined ? { admin: changes.admin } : {}),
      ...(changes.external !== undefined ? { external: changes.external } : {}),
      ...(changes.name !== undefined ? { name: changes.name.trim() } : {}),
      updatedAt: ctx.now(),
    });
    return repo.save(user);
  }

  /** `User.status`: null when the user set none, or when it has cleared by itself. */
  status(ctx: RequestContext, user: User): UserStatusView | null {
    const cleared = user.statusClearAt !== null && user.statusClearAt.getTime() <= ctx.now().getTime();
    if (cleared || (user.statusEmoji === null && user.statusMessage === null && user.statusAvailability === 0)) return null;
    return {
      availability: user.statusAvailability === 1 ? 'BUSY' : 'NOT_SET',
      clearStatusAt: user.statusClearAt,
      emoji: user.statusEmoji,
      message: user.statusMessage,
      messageHtml: user.statusMessage === null ? null : descriptionHtml(user.statusMessage),
      // A busy status pauses GitLab Duo's work for the user only where Duo runs; Labgate has none.
      disabledForDuoUsage: false,
      disabledForDuoUsageReason: null,
    };
  }

  /**
   * Sets a user's status (`labgate users update --status`): the user themselves or an administrator.
   * An empty message and emoji with availability `not_set` clears it.
   */
  async setStatus(ctx: RequestContext, user: User, input: { message?: string | null; emoji?: string | null; availability?: string | null; clearAt?: Date | null }): Promise<User> {
    if (!(ctx.actor.admin || ctx.actor.userId === user.id)) throw new ResourceNotAvailableError();
    const errors: string[] = [];
    const message = input.message?.trim() || null;
    const emoji = input.emoji?.trim() || null;
    if (message !== null && message.length > MAX_STATUS_MESSAGE_LENGTH) errors.push(`Message is too long (maximum is ${MAX_STATUS_MESSAGE_LENGTH} characters)`);
    if (message !== null && message.includes('\0')) errors.push('Message is invalid');
    if (emoji !== null && !/^[a-z0-9_+-]{1,64}$/.test(emoji)) errors.push('Emoji is not a valid emoji name');
    const availability = input.availability == null ? 0 : { not_set: 0, busy: 1 }[input.availability.toLowerCase()];
    if (availability === undefined) errors.push('Availability must be one of: not_set, busy');
    if (input.clearAt && input.clearAt.getTime() <= ctx.now().getTime()) errors.push('Clear status at must be in the future');
    if (errors.length) throw new ServiceError(errors);
    Object.assign(user, {
      statusMessage: message,
      statusEmoji: emoji ?? (message !== null ? 'speech_balloon' : null),
      statusAvailability: availability,
      statusClearAt: input.clearAt ?? null,
      updatedAt: ctx.now(),
    });
    return ctx.app.dataSource.getRepository(User).save(user);
  }

  /** `User.userPreferences`: the user's own, null for anyone else. */
  preferences(ctx: RequestContext, user: User): UserPreferencesView | null {
    if (ctx.actor.userId !== user.id) return null;
    return readPreferences(user.preferences);
  }

  /** `userPreferencesUpdate`: the caller's own preferences (a signed-in user). */
  async updatePreferences(ctx: RequestContext, changes: PreferenceChanges): Promise<UserPreferencesView> {
    const user = ctx.user;
    if (!user) throw new ResourceNotAvailableError();
    const next = { ...readPreferences(user.preferences) };
    const display = changes.workItemsDisplaySettings;
    if (display !== undefined && display !== null) {
      const isObject = typeof display === 'object' && !Array.isArray(display);
      if (!isObject || JSON.stringify(display).length > MAX_DISPLAY_SETTINGS_LENGTH) throw new ServiceError('Work items display settings must be a valid json schema');
      next.workItemsDisplaySettings = display as Record<string, unknown>;
    }
    if (changes.extensionsMarketplaceOptInStatus != null) next.extensionsMarketplaceOptInStatus = changes.extensionsMarketplaceOptInStatus;
    // Sort orders may be cleared with null; the switches and list types keep their value when null is sent.
    for (const key of ['projectsSort', 'issuesSort', 'mergeRequestsSort'] as const) if (changes[key] !== undefined) next[key] = changes[key] ?? null;
    if (changes.mergeRequestDashboardListType != null) next.mergeRequestDashboardListType = changes.mergeRequestDashboardListType;
    if (changes.mergeRequestDashboardShowDrafts != null) next.mergeRequestDashboardShowDrafts = changes.mergeRequestDashboardShowDrafts;
    if (changes.useWorkItemsView != null) next.useWorkItemsView = changes.useWorkItemsView;
    if (changes.visibilityPipelineIdType != null) next.visibilityPipelineIdType = changes.visibilityPipelineIdType;
    const { timezone: _unstored, ...stored } = next;
    user.preferences = JSON.stringify(stored);
    await ctx.app.dataSource.getRepository(User).update({ id: user.id }, { preferences: user.preferences, updatedAt: ctx.now() });
    return next;
  }

  private async assertAvailable(em: EntityManager, username: string, email: string): Promise<void> {
    const errors: string[] = [];
    const taken = await em
      .getRepository(User)
      .createQueryBuilder('u')
      .where('LOWER(u.username) = LOWER(:username)', { username })
      .getExists();
    const pathTaken = await em
      .getRepository(Namespace)
      .createQueryBuilder('n')
      .where('LOWER(n.full_path) = LOWER(:username)', { username })
      .getExists();
    if (taken || pathTaken) errors.push('Username has already been taken');
    const emailTaken = await em
      .getRepository(User)
      .createQueryBuilder('u')
      .where('LOWER(u.email) = LOWER(:email)', { email })
      .getExists();
    if (emailTaken) errors.push('Email has already been taken');
    if (errors.length) throw new ServiceError(errors);
  }

  /** The viewer's abilities on a user account (for `userPermissions`). */
  abilities(ctx: RequestContext, user: User): ReadonlySet<UserAbility> {
    return userAbilities(ctx.actor, user);
  }

  /**
   * The name a viewer may see. A project bot's name reads `****` to anyone who cannot see the project
   * or group its token belongs to (GitLab's `redacted_name`). Its SQL twin, `userNameVisibleSql`, keeps
   * searches and sorts by name to what this returns.
   */
  visibleName(ctx: RequestContext, user: User): string | Promise<string> {
    // Everyone but a project bot answers at once: no promise for each user of a long member list.
    if (user.userType !== 'project_bot' || ctx.actor.admin) return user.name;
    return ctx.memoValue(`botName:${user.id}`, () => this.botName(ctx, user));
  }

  /**
   * Works out the names of the project bots among `users` ahead of a list that shows them, so that
   * `visibleName` then answers them at once too (`memoValue`): one promise per bot here, rather than
   * each bot's `name` making its whole member object, and the page it is on, wait on a promise. Null
   * when there is nothing to work out. A name that fails is the field's error, not the list's.
   */
  settleBotNames(ctx: RequestContext, users: ReadonlyArray<User | null | undefined>): Promise<void> | null {
    if (ctx.actor.admin) return null;
    const bots = users.filter((user): user is User => !!user && user.userType === 'project_bot');
    if (!bots.length) return null;
    return Promise.all(bots.map(async (bot) => this.visibleName(ctx, bot))).then(
      () => undefined,
      () => undefined,
    );
  }

  private async botName(ctx: RequestContext, user: User): Promise<string> {
    const membership = await ctx.loaders.botMembership.load(user.id);
    if (!membership) return user.name;
    const readable =
      membership.sourceType === 'Project'
        ? (await this.deps.projects.findById(ctx, membership.sourceId)) !== null
        : (await this.deps.groups.findById(ctx, membership.sourceId)) !== null;
    return readable ? user.name : '****';
  }

  /**
   * The ghost user that inherits what deleted accounts created (GitLab's "Ghost User"), made on first
   * use. Its username is `ghost`, or `ghost1`, `ghost2`... when a person already took that name.
   */
  async ghostUser(ctx: RequestContext): Promise<User> {
    const repo = ctx.app.dataSource.getRepository(User);
    const existing = await repo.findOneBy({ userType: 'ghost' });
    if (existing) return existing;
    return inTransaction(ctx.app.dataSource, async (em) => {
      const again = await em.getRepository(User).findOneBy({ userType: 'ghost' });
      if (again) return again;
      for (let n = 0; ; n += 1) {
        const username = n === 0 ? 'ghost' : `ghost${n}`;
        const email = `${username}@noreply.${externalHost(ctx.app.config)}`;
        const taken = await em
          .getRepository(User)
          .createQueryBuilder('u')
          .where('LOWER(u.username) = :username OR LOWER(u.email) = :email', { username, email })
          .getExists();
        if (taken) continue;
        return this.createBot(
          ctx,
          em,
          { username, name: 'Ghost User', email, createdById: null, external: false },
          'ghost',
        );
      }
    });
  }

  /** Gravatar address for the e-mail, as GitLab shows when no avatar was uploaded. */
  avatarUrl(user: User): string {
    const hash = createHash('sha256').update(user.email.trim().toLowerCase()).digest('hex');
    return `https://www.gravatar.com/avatar/${hash}?s=80&d=identicon`;
  }

}
