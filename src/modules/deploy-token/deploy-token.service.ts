import type { SelectQueryBuilder } from 'typeorm';
import { digestToken, generateTokenSecret, TOKEN_PREFIX } from '../../auth/token-secret';
import { inTransaction } from '../../db/data-source';
import type { ListQuery } from '../../db/list-query';
import type { RequestContext } from '../../core/context';
import { ArgumentError, ResourceNotAvailableError, ServiceError } from '../../core/errors';
import { isRecordId } from '../../core/global-id';
import { idKey, type Connection, type PageArgs } from '../../db/paging';
import type { Policy } from '../../policy/policy';
import { activeDeployToken } from '../../policy/sql-conditions';
import { toSentence } from '../../text';
import type { GroupService } from '../group/group.service';
import { textErrors } from '../namespace/path-rules';
import { findProjectOrGroupForMutation, type ProjectOrGroup } from '../namespace/project-or-group';
import type { ProjectService } from '../project/project.service';
import { DEPLOY_TOKEN_PREFIX, DEPLOY_TOKEN_SCOPES, DEPLOY_TOKEN_TYPES, DeployToken } from './deploy-token.entity';

/** The project or group a deploy token belongs to. */
export type DeployTokenHolder = ProjectOrGroup;

export interface NewDeployTokenInput {
  name: string;
  scopes: readonly string[];
  /** Blank or absent: the default, `gitlab+deploy-token-<id>`. */
  username?: string | null;
  /** Absent or null: the token never expires. A past instant is allowed (the token is expired from the start), as in GitLab. */
  expiresAt?: Date | null;
}

/** A deploy token just created, with its secret: the only moment the plaintext exists. */
export interface IssuedDeployToken {
  token: DeployToken;
  secret: string;
}

export interface DeployTokenListArgs {
  /** true: only active tokens (not revoked, not expired); otherwise all of them. */
  active?: boolean | null;
}

/** GitLab's message for a scope it does not offer (Grape's `values` validation of `scopes`). */
export const INVALID_SCOPES = 'scopes does not have a valid value';
/** GitLab's message for an expiry it cannot read (Grape's `DateTime` coercion of `expires_at`). */
export const INVALID_EXPIRES_AT = 'expires_at is invalid';

const USERNAME_FORMAT = /^[a-zA-Z0-9.+_-]+$/;
const USERNAME_FORMAT_MESSAGE = "Username can contain only letters, digits, '_', '-', '+', and '.'";

/**
 * An expiry as clients write it (ISO 8601: a date, or a date and time), as an instant: a date alone
 * is its first instant, UTC. Undefined when it is not a valid date, so the caller refuses it.
 */
export function parseDeployTokenExpiry(text: string): Date | undefined {
  const trimmed = text.trim();
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/.exec(trimmed);
  if (!match) return undefined;
  const [, y, m, d] = match;
  const day = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  // Rejects days that do not exist (2026-02-30) rather than rolling them over.
  if (day.getUTCFullYear() !== Number(y) || day.getUTCMonth() !== Number(m) - 1 || day.getUTCDate() !== Number(d)) return undefined;
  if (match[4] === undefined) return day;
  const instant = new Date(match[7] ? trimmed.replace(' ', 'T') : `${trimmed.replace(' ', 'T')}Z`);
  return Number.isNaN(instant.getTime()) ? undefined : instant;
}

/** A new secret: `gldt-` and 20 URL-safe characters, made as the access tokens' secrets are. */
function generateDeployTokenSecret(): string {
  return DEPLOY_TOKEN_PREFIX + generateTokenSecret().slice(TOKEN_PREFIX.length);
}

export interface DeployTokenServiceDeps {
  policy: Policy;
  projects: ProjectService;
  groups: GroupService;
}

/**
 * GitLab's deploy tokens of projects and groups: created with their one-time secret, listed, read,
 * revoked (kept, marked revoked, as GitLab's settings page does) and deleted (the row goes, as
 * GitLab's REST API does). Who may do each is the policy's `*_deploy_token` abilities on the holder,
 * which every transport declares and this service checks again before it writes.
 */
export class DeployTokenService {
  constructor(private readonly deps: DeployTokenServiceDeps) {}

  /** The project or group at `fullPath` if the caller may see it; GitLab's "not available" otherwise. */
  async findHolder(ctx: RequestContext, kind: 'project' | 'group', fullPath: string): Promise<DeployTokenHolder> {
    return findProjectOrGroupForMutation(this.deps, ctx, kind, fullPath);
  }

  async can(ctx: RequestContext, holder: DeployTokenHolder, ability: 'read_deploy_token' | 'create_deploy_token' | 'destroy_deploy_token'): Promise<boolean> {
    return holder.kind === 'project'
      ? this.deps.policy.projects.can(ctx, holder.project, ability)
      : this.deps.policy.groups.can(ctx, holder.group, ability);
  }

  private async assertCan(ctx: RequestContext, holder: DeployTokenHolder, ability: 'read_deploy_token' | 'create_deploy_token' | 'destroy_deploy_token') {
    if (!(await this.can(ctx, holder, ability))) throw new ResourceNotAvailableError();
  }

  /**
   * The model's checks, as GitLab words and joins them. Unknown scopes and unreadable dates are the
   * transports' to catch first (GitLab refuses them before the model sees them); they are refused
   * here too, with the same words, for callers that send plain strings.
   */
  validate(input: NewDeployTokenInput): void {
    if (input.scopes.some((scope) => !(DEPLOY_TOKEN_SCOPES as readonly string[]).includes(scope))) throw new ArgumentError(INVALID_SCOPES);
    if (input.expiresAt !== undefined && input.expiresAt !== null && Number.isNaN(input.expiresAt.getTime())) {
      throw new ArgumentError(INVALID_EXPIRES_AT);
    }
    const errors: string[] = [];
    if (input.scopes.length === 0) errors.push("Scopes can't be blank");
    const username = input.username?.trim() ? input.username : null;
    if (username !== null) {
      errors.push(...textErrors('Username', username));
      if (!USERNAME_FORMAT.test(username)) errors.push(USERNAME_FORMAT_MESSAGE);
    }
    errors.push(...textErrors('Name', input.name));
    if (errors.length) throw new ServiceError(toSentence(errors));
  }

  /** Creates a deploy token of the holder: checked first, written in one statement, all or nothing. */
  async create(ctx: RequestContext, holder: DeployTokenHolder, input: NewDeployTokenInput): Promise<IssuedDeployToken> {
    await this.assertCan(ctx, holder, 'create_deploy_token');
    this.validate(input);
    const secret = generateDeployTokenSecret();
    const scopes = DEPLOY_TOKEN_SCOPES.filter((scope) => input.scopes.includes(scope));
    const token = await inTransaction(ctx.app.dataSource, (em) =>
      em.getRepository(DeployToken).save(
        em.getRepository(DeployToken).create({
          deployTokenType: holder.kind === 'project' ? DEPLOY_TOKEN_TYPES.project : DEPLOY_TOKEN_TYPES.group,
          projectId: holder.kind === 'project' ? holder.project.id : null,
          groupId: holder.kind === 'group' ? holder.group.id : null,
          name: input.name,
          username: input.username?.trim() ? input.username : null,
          scopes,
          tokenDigest: digestToken(secret),
          expiresAt: input.expiresAt ?? null,
          revoked: false,
          creatorId: ctx.actor.userId,
          createdAt: ctx.now(),
        }),
      ),
    );
    return { token, secret };
  }

  private holderQuery(ctx: RequestContext, holder: DeployTokenHolder | null): SelectQueryBuilder<DeployToken> {
    const qb = ctx.app.dataSource.getRepository(DeployToken).createQueryBuilder('dt');
    if (holder?.kind === 'project') qb.where('dt.project_id = :dtProject', { dtProject: holder.project.id });
    if (holder?.kind === 'group') qb.where('dt.group_id = :dtGroup', { dtGroup: holder.group.id });
    return qb;
  }

  /**
   * The holder's deploy tokens, oldest first; every token of the instance (`holder` null) for
   * administrators only. `active` keeps the unrevoked, unexpired ones.
   */
  async listQuery(ctx: RequestContext, holder: DeployTokenHolder | null, args: DeployTokenListArgs = {}): Promise<ListQuery<DeployToken>> {
    if (holder) await this.assertCan(ctx, holder, 'read_deploy_token');
    else if (!ctx.actor.admin) throw new ResourceNotAvailableError();
    const qb = this.holderQuery(ctx, holder);
    if (args.active) {
      const active = activeDeployToken('dt', ctx.now());
      qb.andWhere(active.sql, active.params);
    }
    return { qb, keys: [idKey<DeployToken>('dt', 'ASC')] };
  }

  /** `Project.deployTokens` / `Group.deployTokens`: one page, batched with the other parents of the request. */
  async list(ctx: RequestContext, holder: DeployTokenHolder, args: DeployTokenListArgs & PageArgs): Promise<Connection<DeployToken>> {
    const { qb, keys } = await this.listQuery(ctx, holder, args);
    const parentKey = holder.kind === 'project' ? `project:${holder.project.id}` : `group:${holder.group.id}`;
    return ctx.batches.load('deployTokens', parentKey, qb, { entity: DeployToken, alias: 'dt', keys }, args);
  }

  /** One deploy token of the holder, or GitLab's "not available" (missing, another holder's, or not allowed). */
  async find(ctx: RequestContext, holder: DeployTokenHolder, tokenId: number): Promise<DeployToken> {
    await this.assertCan(ctx, holder, 'read_deploy_token');
    const token = isRecordId(tokenId) ? await this.holderQuery(ctx, holder).andWhere('dt.id = :dtId', { dtId: tokenId }).getOne() : null;
    if (!token) throw new ResourceNotAvailableError();
    return token;
  }

  /** Marks a deploy token revoked (it stays listed); revoking a revoked token changes nothing. */
  async revoke(ctx: RequestContext, holder: DeployTokenHolder, tokenId: number): Promise<DeployToken> {
    await this.assertCan(ctx, holder, 'destroy_deploy_token');
    const token = await this.find(ctx, holder, tokenId);
    if (!token.revoked) {
      await ctx.app.dataSource.getRepository(DeployToken).update({ id: token.id }, { revoked: true });
      token.revoked = true;
    }
    return token;
  }

  /** Deletes a deploy token of the holder (GitLab's REST `DELETE`: the row goes). */
  async destroy(ctx: RequestContext, holder: DeployTokenHolder, tokenId: number): Promise<void> {
    await this.assertCan(ctx, holder, 'destroy_deploy_token');
    const token = await this.find(ctx, holder, tokenId);
    await ctx.app.dataSource.getRepository(DeployToken).delete({ id: token.id });
  }
}
