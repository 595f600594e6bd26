import { randomBytes } from 'node:crypto';
import type { EntityManager, SelectQueryBuilder } from 'typeorm';
import { RESOURCE_BOT_SCOPES } from '../../auth/scopes';
import { DAY_MS, utcDate } from '../../clock';
import { externalHost } from '../../config';
import { inTransaction } from '../../db/data-source';
import type { RequestContext } from '../../core/context';
import { ResourceNotAvailableError, ServiceError } from '../../core/errors';
import { isRecordId } from '../../core/global-id';
import type { Connection } from '../../db/paging';
import { accessLevelEncompasses, MAINTAINER, MEMBER_ACCESS_LEVELS, OWNER } from '../../policy/access-level';
import { Member, type MemberSourceType } from '../member/member.entity';
import { findProjectOrGroupForMutation, type ProjectOrGroup } from '../namespace/project-or-group';
import { Project } from '../project/project.entity';
import { User } from '../user/user.entity';
import { PersonalAccessToken } from './personal-access-token.entity';
import { applyTokenListFilters, assertMayRotate, tokenSortKeys, type AccessTokenSort, type TokenListArgs } from './personal-access-token.service';
import type { ListQuery } from '../../db/list-query';
import type { IssuedToken, NewTokenInput, TokenLifecycle } from './token-lifecycle';
import * as bounds from './creator-bounds';
import type { GroupService } from '../group/group.service';
import type { MemberService } from '../member/member.service';
import type { ProjectService } from '../project/project.service';
import type { UserService } from '../user/user.service';

/** The project or group a resource access token belongs to. */
export type TokenResource = ProjectOrGroup;

export interface NewResourceTokenInput extends NewTokenInput {
  accessLevel?: number | null;
}

export interface IssuedResourceToken extends IssuedToken {
  bot: User;
}

function sourceOf(resource: TokenResource): { sourceType: MemberSourceType; sourceId: number } {
  return resource.kind === 'project'
    ? { sourceType: 'Project', sourceId: resource.project.id }
    : { sourceType: 'Namespace', sourceId: resource.group.id };
}

/**
 * Project and group access tokens: each is a personal access token of its own `project_bot` user,
 * which is a member of exactly that project or group with the token's role.
 */
export interface ResourceAccessTokenServiceDeps {
  lifecycle: TokenLifecycle;
  projects: ProjectService;
  groups: GroupService;
  users: UserService;
  members: MemberService;
}

export class ResourceAccessTokenService {
  constructor(private readonly deps: ResourceAccessTokenServiceDeps) {}

  /** The project or group at `fullPath` if the caller may see it; GitLab's top-level error otherwise. */
  async findResource(ctx: RequestContext, kind: 'project' | 'group', fullPath: string): Promise<TokenResource> {
    return findProjectOrGroupForMutation(this.deps, ctx, kind, fullPath);
  }

  async abilities(ctx: RequestContext, resource: TokenResource): Promise<ReadonlySet<string>> {
    return resource.kind === 'project'
      ? this.deps.projects.abilities(ctx, resource.project)
      : this.deps.groups.abilities(ctx, resource.group);
  }

  /**
   * The caller's role for "cannot hand out what you do not hold". Administrators count as Owners
   * (inferred: GitLab lets admins in admin mode create Owner tokens).
   */
  async callerLevel(ctx: RequestContext, resource: TokenResource): Promise<number> {
    if (ctx.actor.admin) return OWNER;
    return resource.kind === 'project'
      ? this.deps.projects.accessLevel(ctx, resource.project)
      : this.deps.groups.accessLevel(ctx, resource.group);
  }

  /** Creates the bot user, its membership and its token in one transaction: all or nothing. */
  async create(ctx: RequestContext, resource: TokenResource, input: NewResourceTokenInput): Promise<IssuedResourceToken> {
    const abilities = await this.abilities(ctx, resource);
    if (!abilities.has('create_resource_access_tokens')) {
      throw new ServiceError(`User does not have permission to create ${resource.kind} access token`);
    }
    const accessLevel = input.accessLevel ?? MAINTAINER;
    // GitLab's MemberAccessLevel also names Minimal Access, which is no role a token's bot can hold
    // (GitLab's REST API refuses it with the same words).
    if (!(MEMBER_ACCESS_LEVELS as readonly number[]).includes(accessLevel)) throw new ServiceError('access_level does not have a valid value');
    if (!accessLevelEncompasses(await this.callerLevel(ctx, resource), accessLevel)) {
      throw new ServiceError('Access level of the token contains permissions not held by the creating user');
    }
    const { lifecycle } = this.deps;
    const invalid = lifecycle.validateNewToken(ctx, input, RESOURCE_BOT_SCOPES);
    if (invalid) throw new ServiceError(invalid);
    // Within the presenting token: its scopes and expiry (the role is checked above). A fine-grained
    // token cannot make one: resource tokens are classic.
    const beyond = bounds.classicScopesError(ctx, input.scopes) ?? bounds.expiryError(ctx, input.expiresAt);
    if (beyond) throw new ServiceError(beyond);

    const { sourceType, sourceId } = sourceOf(resource);
    const resourceName = resource.kind === 'project' ? resource.project.name : resource.group.name;
    return inTransaction(ctx.app.dataSource, async (em) => {
      const username = await this.freeBotUsername(em, `${resource.kind}_${sourceId}_bot_${randomBytes(16).toString('hex')}`);
      const bot = await this.deps.users.createBot(
        ctx,
        em,
        {
          username,
          name: input.name.trim() || `${resourceName} bot`,
          email: `${username}@noreply.${externalHost(ctx.app.config)}`,
          createdById: ctx.actor.userId,
          external: ctx.actor.external,
        },
        'project_bot',
      );
      await this.deps.members.insert(ctx, em, sourceType, sourceId, bot.id, accessLevel, null);
      const issued = await lifecycle.issue(ctx, em, bot, input);
      return { ...issued, bot };
    });
  }

  /** A random name is practically never taken; if it is, a counter is added as GitLab does. */
  private async freeBotUsername(em: EntityManager, base: string): Promise<string> {
    for (let n = 0; ; n += 1) {
      const candidate = n === 0 ? base : `${base}${n}`;
      const taken = await em.getRepository(User).createQueryBuilder('u').where('LOWER(u.username) = :name', { name: candidate }).getExists();
      if (!taken) return candidate;
    }
  }

  /** Tokens of the bots that are members of the resource, active and inactive alike. */
  private tokensQuery(ctx: RequestContext, resource: TokenResource): SelectQueryBuilder<PersonalAccessToken> {
    const { sourceType, sourceId } = sourceOf(resource);
    return ctx.app.dataSource
      .getRepository(PersonalAccessToken)
      .createQueryBuilder('t')
      .innerJoin(Member, 'bm', 'bm.user_id = t.user_id AND bm.source_type = :rtType AND bm.source_id = :rtId', {
        rtType: sourceType,
        rtId: sourceId,
      })
      .innerJoin(User, 'bu', `bu.id = t.user_id AND bu.user_type = 'project_bot'`);
  }

  /** `Project.accessTokens` / `Group.accessTokens`: null for callers who may not manage them. */
  /** The resource's tokens. Who may read them (`read_resource_access_tokens`) is declared by the caller. */
  list(ctx: RequestContext, resource: TokenResource, args: TokenListArgs): Promise<Connection<PersonalAccessToken>> {
    const { qb, keys } = this.listQuery(ctx, resource, args);
    const { sourceType, sourceId } = sourceOf(resource);
    return ctx.batches.load('accessTokens', `${sourceType}:${sourceId}`, qb, { entity: PersonalAccessToken, alias: 't', keys }, args);
  }

  /** The filtered list before paging (the REST API pages it by offset; default order: oldest first). */
  listQuery(ctx: RequestContext, resource: TokenResource, args: TokenListArgs, defaultSort: AccessTokenSort = 'EXPIRES_ASC'): ListQuery<PersonalAccessToken> {
    const qb = this.tokensQuery(ctx, resource);
    applyTokenListFilters(ctx, qb, args);
    return { qb, keys: tokenSortKeys(args.sort ?? defaultSort) };
  }

  /** One token of this resource's bots, or GitLab's "not available" error. */
  async findToken(ctx: RequestContext, resource: TokenResource, tokenId: number): Promise<PersonalAccessToken> {
    const token = isRecordId(tokenId) ? await this.tokensQuery(ctx, resource).andWhere('t.id = :tokenId', { tokenId }).getOne() : null;
    if (!token) throw new ResourceNotAvailableError();
    return token;
  }

  /**
   * Revokes a token of the resource. Allowed whether or not new tokens may be created; the bot stays
   * (until `labgate cleanup`), so the revoked token keeps being listed.
   */
  async revoke(ctx: RequestContext, resource: TokenResource, tokenId: number): Promise<PersonalAccessToken> {
    const abilities = await this.abilities(ctx, resource);
    // Whoever may not list the resource's tokens learns nothing about one: the answer for a token that
    // does not exist. (GitLab answers its 400 "<user> cannot delete <bot>", naming the bot to Guests
    // and Developers; Labgate deliberately does not.)
    if (!abilities.has('read_resource_access_tokens')) throw new ResourceNotAvailableError();
    const token = await this.findToken(ctx, resource, tokenId);
    if (!abilities.has('destroy_resource_access_tokens')) {
      const bot = await ctx.loaders.users.load(token.userId);
      throw new ServiceError(`${ctx.user?.name ?? 'Administrator'} cannot delete ${bot?.name ?? 'the bot user'}`);
    }
    await inTransaction(ctx.app.dataSource, (em) => this.deps.lifecycle.revoke(ctx, em, token.id));
    ctx.loaders.tokens.clear(token.id);
    return (await ctx.loaders.tokens.load(token.id))!;
  }

  /**
   * Rotates a token: by id for those who may manage tokens (and hold the bot's role), or by the token
   * itself (self-rotation needs neither, as in GitLab's self-rotation endpoint).
   */
  async rotate(ctx: RequestContext, resource: TokenResource, tokenId: number, expiresAt?: string | null): Promise<IssuedToken> {
    const selfRotation = ctx.principal?.token?.id === tokenId;
    assertMayRotate(ctx, tokenId);
    if (!selfRotation && !(await this.abilities(ctx, resource)).has('manage_resource_access_tokens')) {
      throw new ResourceNotAvailableError();
    }
    const token = await this.findToken(ctx, resource, tokenId);
    const bot = await ctx.loaders.users.load(token.userId);
    const membership = await ctx.loaders.botMembership.load(token.userId);
    if (!bot || !membership) throw new ServiceError('Failed to find bot user');
    if (!selfRotation && !ctx.actor.admin && !accessLevelEncompasses(await this.callerLevel(ctx, resource), membership.accessLevel)) {
      throw new ServiceError('Not eligible to rotate tokens with permissions not held by the user');
    }
    const past = this.deps.lifecycle.pastExpiryError(ctx, expiresAt ?? null);
    if (past) throw new ServiceError(past);
    return this.deps.lifecycle.rotate(ctx, token, bot, expiresAt, async (em) => {
      // The bot's membership never expires; it takes the rotating user's external flag (current GitLab).
      await em.update(Member, { id: membership.id }, { expiresAt: null, updatedAt: ctx.now() });
      if (!selfRotation) await em.update(User, { id: bot.id }, { external: ctx.actor.external, updatedAt: ctx.now() });
    });
  }

  /**
   * Deletes project bots whose tokens have all been inactive for longer than the retention period,
   * handing what they created to the ghost user, as GitLab's retention job does. Administrators only.
   * With `dryRun` it finds the same bots and returns them without changing anything.
   */
  async cleanup(
    ctx: RequestContext,
    retentionDays: number,
    options: { dryRun?: boolean } = {},
  ): Promise<{ deletedBots: number; ghostUserId: number | null; bots: Array<{ id: number; username: string; name: string }> }> {
    if (!ctx.actor.admin) throw new ResourceNotAvailableError();
    if (!Number.isInteger(retentionDays) || retentionDays < 0) throw new ServiceError('Retention days must be a whole number of days');
    const cutoff = new Date(ctx.now().getTime() - retentionDays * DAY_MS);
    const cutoffDate = utcDate(cutoff);
    const ds = ctx.app.dataSource;
    // A bot is done when no token of it is active, and each one went inactive before the cutoff:
    // revoked tokens at their last update, expired ones on their expiry date.
    const rows: Array<{ id: number | string; username: string; name: string }> = await ds
      .getRepository(User)
      .createQueryBuilder('u')
      .select('u.id', 'id')
      .addSelect('u.username', 'username')
      .addSelect('u.name', 'name')
      .where(`u.user_type = 'project_bot'`)
      .andWhere('u.created_at < :cutoff', { cutoff })
      .andWhere(
        `NOT EXISTS (SELECT 1 FROM personal_access_tokens t WHERE t.user_id = u.id AND NOT (
          (t.revoked = :yes AND t.updated_at < :cutoff) OR (t.revoked = :no AND t.expires_at IS NOT NULL AND t.expires_at <= :cutoffDate)))`,
        { yes: true, no: false, cutoff, cutoffDate },
      )
      .orderBy('u.id')
      .getRawMany();
    const bots = rows.map((b) => ({ id: Number(b.id), username: b.username, name: b.name }));
    if (!bots.length || options.dryRun) return { deletedBots: 0, ghostUserId: null, bots };
    const ghost = await this.deps.users.ghostUser(ctx);
    await inTransaction(ds, async (em) => {
      const ids = bots.map((b) => b.id);
      await em.createQueryBuilder().update(Member).set({ createdById: ghost.id }).where('created_by_id IN (:...ids)', { ids }).execute();
      await em.createQueryBuilder().update(User).set({ createdById: ghost.id }).where('created_by_id IN (:...ids)', { ids }).execute();
      await em.createQueryBuilder().update(Project).set({ creatorId: ghost.id }).where('creator_id IN (:...ids)', { ids }).execute();
      await em.createQueryBuilder().delete().from(PersonalAccessToken).where('user_id IN (:...ids)', { ids }).execute();
      await em.createQueryBuilder().delete().from(Member).where('user_id IN (:...ids)', { ids }).execute();
      await em.createQueryBuilder().delete().from(User).where('id IN (:...ids)', { ids }).execute();
    });
    return { deletedBots: bots.length, ghostUserId: ghost.id, bots };
  }
}
