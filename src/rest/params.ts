import { ACCESS_TOKEN_SORTS, type AccessTokenSort, type TokenListArgs } from '../modules/access-token/personal-access-token.service';
import { invalidParams } from './errors';
import { PAGE_PARAMS } from './pagination';
import type { JsonSchema } from './route';

/** Shared parameter schemas and their conversion to service arguments. */

export const DATE = { type: 'string', pattern: '^\\d{4}-\\d{2}-\\d{2}$', description: 'A date, `YYYY-MM-DD`.' };
export const DATE_TIME = { type: 'string', minLength: 1, description: 'An ISO 8601 date and time.' };
export const BOOLEAN = { type: 'boolean' };

/** A date-time parameter as a Date; a value that is no date is Grape's `<name> is invalid`. */
export function dateTime(name: string, value: string | undefined): Date | null {
  if (value === undefined) return null;
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw invalidParams(`${name} is invalid`);
  return new Date(time);
}

/** The filters of every token list (`API::Helpers::PersonalAccessTokensHelpers`). */
export const TOKEN_FILTERS: Record<string, JsonSchema> = {
  created_after: { ...DATE_TIME, description: 'Tokens created after this time.' },
  created_before: { ...DATE_TIME, description: 'Tokens created before this time.' },
  expires_after: { ...DATE, description: 'Tokens expiring after this date.' },
  expires_before: { ...DATE, description: 'Tokens expiring before this date.' },
  last_used_after: { ...DATE_TIME, description: 'Tokens last used after this time.' },
  last_used_before: { ...DATE_TIME, description: 'Tokens last used before this time.' },
  revoked: { ...BOOLEAN, description: 'Only revoked tokens (`true`) or only tokens not revoked (`false`).' },
  search: { type: 'string', description: 'Tokens whose name contains this text.' },
  sort: {
    type: 'string',
    enum: ['created_asc', 'created_desc', 'expires_asc', 'expires_desc', 'last_used_asc', 'last_used_desc', 'name_asc', 'name_desc'],
  },
  state: { type: 'string', enum: ['active', 'inactive'], description: 'Active tokens, or revoked and expired ones.' },
  ...PAGE_PARAMS,
};

export interface TokenFilterQuery {
  created_after?: string;
  created_before?: string;
  expires_after?: string;
  expires_before?: string;
  last_used_after?: string;
  last_used_before?: string;
  revoked?: boolean;
  search?: string;
  sort?: string;
  state?: 'active' | 'inactive';
}

export function tokenListArgs(query: TokenFilterQuery): TokenListArgs {
  const sort = query.sort?.toUpperCase();
  return {
    createdAfter: dateTime('created_after', query.created_after),
    createdBefore: dateTime('created_before', query.created_before),
    lastUsedAfter: dateTime('last_used_after', query.last_used_after),
    lastUsedBefore: dateTime('last_used_before', query.last_used_before),
    expiresAfter: query.expires_after ?? null,
    expiresBefore: query.expires_before ?? null,
    revoked: query.revoked ?? null,
    search: query.search || null,
    sort: sort && (ACCESS_TOKEN_SORTS as readonly string[]).includes(sort) ? (sort as AccessTokenSort) : null,
    state: query.state ? (query.state.toUpperCase() as 'ACTIVE' | 'INACTIVE') : null,
  };
}

/** `token_id` and `user_id` path parameters: integers. */
/** Ids are 32-bit integer columns: larger values are refused before any query (PostgreSQL would fail on them). */
export const MAX_ID = 2_147_483_647;
export const INTEGER_ID = { type: 'integer', minimum: 0, maximum: MAX_ID };

/** `expires_at` of a rotation. */
export const ROTATE_BODY = { type: 'object', properties: { expires_at: { ...DATE, description: 'Expiry of the new token (default: a week from today).' } } };
