import type { ObjectLiteral } from 'typeorm';
import type { ListQuery } from '../db/list-query';
import { countListRows, orderBySortKeys, paginate } from '../db/paging';

/**
 * GitLab's REST offset pagination (`doc/api/rest/_index.md`, `lib/gitlab/pagination/offset_header_builder.rb`):
 * `page` and `per_page` (default 20, at most 100), the `x-*` headers and a `Link` header. Offset
 * paging is what GitLab's REST clients expect (they follow `x-next-page` or the links); the rows and
 * their order come from the same service query GraphQL pages by keyset.
 */
export const REST_DEFAULT_PER_PAGE = 20;
export const REST_MAX_PER_PAGE = 100;
/** Beyond this many rows GitLab leaves out `x-total`, `x-total-pages` and the `last` link. */
export const REST_MAX_COUNTED = 10_000;
/** GitLab's `offset_pagination_limit`: offsets past this are refused. */
export const REST_MAX_OFFSET = 50_000;

/** The query parameters every paged list takes, as a JSON schema fragment. */
export const PAGE_PARAMS = {
  page: { type: 'integer', minimum: 1, default: 1, description: 'Page number (default 1).' },
  per_page: { type: 'integer', minimum: 1, default: REST_DEFAULT_PER_PAGE, description: `Items per page (default ${REST_DEFAULT_PER_PAGE}, at most ${REST_MAX_PER_PAGE}).` },
} as const;

export interface PageRequest {
  page: number;
  perPage: number;
}

export function pageRequest(query: { page?: number; per_page?: number }): PageRequest {
  const page = Math.max(1, Math.floor(query.page ?? 1));
  // GitLab caps a larger `per_page` silently instead of refusing it.
  const perPage = Math.min(REST_MAX_PER_PAGE, Math.max(1, Math.floor(query.per_page ?? REST_DEFAULT_PER_PAGE)));
  return { page, perPage };
}

export interface OffsetPage<T> {
  rows: T[];
  headers: Record<string, string>;
}

/** One offset page of a list, and GitLab's pagination headers for it (`url` is the request's own URL). */
export async function offsetPage<T extends ObjectLiteral>(list: ListQuery<T> | null, request: PageRequest, url: URL): Promise<OffsetPage<T>> {
  const { page, perPage } = request;
  const offset = (page - 1) * perPage;
  let rows: T[] = [];
  let total = 0;
  if (list && offset <= REST_MAX_OFFSET) {
    const pageQuery = list.qb.clone();
    orderBySortKeys(pageQuery, list.keys);
    const rawKeys = list.keys.filter((k) => k.rawAlias);
    rawKeys.forEach((k) => pageQuery.addSelect(k.expr, k.rawAlias));
    pageQuery.offset(offset).limit(perPage);
    [rows, total] = await Promise.all([pageQuery.getMany(), countListRows(list, null)]);
    if (list.adjust) rows = rows.map(list.adjust);
  } else if (list) {
    total = await countListRows(list, null);
  }
  return { rows, headers: paginationHeaders(url, page, perPage, total) };
}

/** `x-page`... and `Link`, with the request's other query parameters kept in each link. */
export function paginationHeaders(url: URL, page: number, perPage: number, total: number): Record<string, string> {
  const totalPages = Math.max(1, Math.ceil(total / perPage));
  const counted = total <= REST_MAX_COUNTED;
  const next = page < totalPages ? page + 1 : null;
  const prev = page > 1 ? Math.min(page - 1, totalPages) : null;
  const link = (p: number) => {
    const u = new URL(url.toString());
    // Links never carry the caller's token.
    u.searchParams.delete('private_token');
    u.searchParams.delete('access_token');
    u.searchParams.set('page', String(p));
    u.searchParams.set('per_page', String(perPage));
    return u.toString();
  };
  const links: string[] = [];
  if (prev !== null) links.push(`<${link(prev)}>; rel="prev"`);
  if (next !== null) links.push(`<${link(next)}>; rel="next"`);
  links.push(`<${link(1)}>; rel="first"`);
  if (counted) links.push(`<${link(totalPages)}>; rel="last"`);
  const headers: Record<string, string> = {
    'x-page': String(page),
    'x-per-page': String(perPage),
    'x-next-page': next === null ? '' : String(next),
    'x-prev-page': prev === null ? '' : String(prev),
    link: links.join(', '),
  };
  if (counted) {
    headers['x-total'] = String(total);
    headers['x-total-pages'] = String(totalPages);
  }
  return headers;
}

/** Headers clients read across origins (GitLab exposes the pagination headers to CORS callers). */
export const PAGINATION_HEADERS = ['X-Page', 'X-Per-Page', 'X-Total', 'X-Total-Pages', 'X-Next-Page', 'X-Prev-Page', 'Link'];

/**
 * Keyset pagination (`pagination=keyset`): the page after an opaque `cursor`, with only a `Link`
 * `rel="next"` header (none on the last page) and no totals, as GitLab answers. The cursor is the
 * same as GraphQL's, over the same sort keys.
 */
export async function keysetPage<T extends ObjectLiteral>(list: ListQuery<T> | null, perPage: number, cursor: string | undefined, url: URL): Promise<OffsetPage<T>> {
  if (!list) return { rows: [], headers: {} };
  const page = await paginate(list.qb, list.keys, { first: Math.min(REST_MAX_PER_PAGE, perPage), after: cursor || null });
  const headers: Record<string, string> = {};
  if (page.pageInfo.hasNextPage && page.pageInfo.endCursor) {
    const next = new URL(url.toString());
    next.searchParams.delete('private_token');
    next.searchParams.delete('access_token');
    next.searchParams.set('cursor', page.pageInfo.endCursor);
    headers.link = `<${next.toString()}>; rel="next"`;
  }
  return { rows: page.nodes, headers };
}
