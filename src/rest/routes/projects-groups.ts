import type { ArchivedFilter } from '../../modules/project/project.service';
import { MEMBER_ACCESS_LEVELS, MINIMAL_ACCESS } from '../../policy/access-level';
import { parseVisibility } from '../../policy/visibility';
import type { ListQuery } from '../../db/list-query';
import type { Project } from '../../modules/project/project.entity';
import { BOOLEAN, MAX_ID } from '../params';
import { keysetPage, PAGE_PARAMS } from '../pagination';
import { invalidParams } from '../errors';
import { attempt } from '../failure-statuses';
import { group, groupDetail, projectBasic, projectDetails } from '../serializers';
import { ID_PARAM, object, type RestRoute } from '../route';
import { GROUP, PROJECT } from './schemas';

/** Projects and groups: one by `:id`, and the lists with their main filters (`lib/api/projects.rb`, `groups.rb`). */

const VISIBILITY = { type: 'string', enum: ['private', 'internal', 'public'] };
const MIN_ACCESS_LEVEL = { type: 'integer', enum: [MINIMAL_ACCESS, ...MEMBER_ACCESS_LEVELS] };
const SORT = { type: 'string', enum: ['asc', 'desc'] };

/** REST `order_by` names → the service's sort names. */
export const PROJECT_ORDER: Record<string, string> = {
  id: 'id',
  name: 'name',
  path: 'path',
  created_at: 'created',
  updated_at: 'updated',
  last_activity_at: 'latest_activity',
};

/** Keyset pagination of `GET /projects` (`pagination=keyset&order_by=id`): rows after `id_after`. */
function withIdBounds(list: ListQuery<Project> | null, idAfter?: number, idBefore?: number): ListQuery<Project> | null {
  if (!list) return null;
  if (idAfter !== undefined) list.qb.andWhere('p.id > :restIdAfter', { restIdAfter: idAfter });
  if (idBefore !== undefined) list.qb.andWhere('p.id < :restIdBefore', { restIdBefore: idBefore });
  return list;
}

export const PROJECT_GROUP_ROUTES: RestRoute[] = [
  {
    method: 'GET',
    url: '/projects/:id',
    operationId: 'getProject',
    summary: 'One project, by id or URL-encoded full path (public projects without authentication).',
    tags: ['projects'],
    auth: 'optional',
    resource: 'project',
    permission: 'read_project',
    boundary: 'project',
    params: object({ id: ID_PARAM }, ['id']),
    querystring: object({ license: BOOLEAN, statistics: BOOLEAN, with_custom_attributes: BOOLEAN }),
    success: { status: 200, description: 'The project.', schema: PROJECT },
    errors: { 404: 'Project not found' },
    handler: (call) => projectDetails(call.ctx, call.project),
  },
  {
    method: 'GET',
    url: '/projects',
    operationId: 'listProjects',
    summary: 'Projects the caller can see (anonymous: public projects).',
    tags: ['projects'],
    auth: 'optional',
    permission: 'read_project',
    boundary: 'user',
    querystring: object({
      archived: BOOLEAN,
      active: { ...BOOLEAN, description: 'Not archived and not marked for deletion (`true`), or the others.' },
      topic: { type: 'string', description: 'Comma-separated topics; a project must have them all.' },
      membership: BOOLEAN,
      owned: { ...BOOLEAN, description: 'Projects of your personal namespace.' },
      min_access_level: MIN_ACCESS_LEVEL,
      visibility: VISIBILITY,
      search: { type: 'string' },
      search_namespaces: BOOLEAN,
      order_by: { type: 'string', enum: Object.keys(PROJECT_ORDER), default: 'created_at' },
      sort: { ...SORT, default: 'desc' },
      simple: BOOLEAN,
      id_after: { type: 'integer', maximum: MAX_ID },
      id_before: { type: 'integer', maximum: MAX_ID },
      pagination: { type: 'string', enum: ['offset', 'keyset'] },
      ...PAGE_PARAMS,
    }),
    success: { status: 200, description: 'The projects (paginated).', schema: { type: 'array', items: PROJECT } },
    handler: async (call) => {
      const { ctx, query } = call;
      const archived: ArchivedFilter = query.archived === true ? 'ONLY' : query.archived === false ? 'EXCLUDE' : 'INCLUDE';
      const keyset = query.pagination === 'keyset';
      const orderBy = keyset ? 'id' : query.order_by;
      const list = await ctx.services.projects.listQuery(ctx, {
        membership: query.membership,
        personal: query.owned,
        minAccessLevel: query.min_access_level,
        visibilityLevel: query.visibility ?? null,
        search: query.search || null,
        searchNamespaces: query.search_namespaces,
        archived,
        active: query.active ?? null,
        topics: query.topic ? String(query.topic).split(',').map((t: string) => t.trim()).filter(Boolean) : null,
        sort: `${PROJECT_ORDER[orderBy] ?? 'created'}_${query.sort}`,
      });
      const simple = query.simple || !ctx.actor.signedIn;
      const serialize = (p: Project) => (simple ? projectBasic(ctx, p) : projectDetails(ctx, p));
      const bounded = withIdBounds(list, query.id_after, query.id_before);
      if (!keyset) return call.page(bounded, serialize);
      // Keyset: no totals, only a `next` link carrying the last id, as GitLab answers.
      const perPage = Math.min(100, query.per_page ?? 20);
      const rows = bounded ? await bounded.qb.orderBy('p.id', query.sort === 'asc' ? 'ASC' : 'DESC').limit(perPage).getMany() : [];
      if (rows.length === perPage) {
        const url = new URL(call.request.url, `${call.request.protocol}://${call.request.headers.host ?? 'localhost'}`);
        url.searchParams.delete('private_token');
        url.searchParams.delete(query.sort === 'asc' ? 'id_before' : 'id_after');
        url.searchParams.set(query.sort === 'asc' ? 'id_after' : 'id_before', String(rows[rows.length - 1].id));
        call.reply.header('link', `<${url.toString()}>; rel="next"`);
      }
      return Promise.all(rows.map(serialize));
    },
  },
  {
    method: 'GET',
    url: '/groups/:id',
    operationId: 'getGroup',
    summary: 'One group, by id or URL-encoded full path (public groups without authentication).',
    tags: ['groups'],
    auth: 'optional',
    resource: 'group',
    permission: 'read_group',
    boundary: 'group',
    params: object({ id: ID_PARAM }, ['id']),
    querystring: object({ with_projects: { ...BOOLEAN, default: true }, with_custom_attributes: BOOLEAN }),
    success: { status: 200, description: 'The group, with its projects unless `with_projects=false`.', schema: GROUP },
    errors: { 404: 'Group not found' },
    handler: async (call) => {
      const { ctx } = call;
      const json: Record<string, unknown> = await groupDetail(ctx, call.group);
      if (call.query.with_projects !== false) {
        // GitLab lists at most 100 projects here (and points to `/groups/:id/projects` for more).
        const projects = await ctx.services.projects.inNamespace(ctx, call.group, { first: 100 });
        json.projects = await Promise.all(projects.nodes.map((p) => projectDetails(ctx, p)));
        const shared = await ctx.services.groupLinks.sharedProjects(ctx, call.group, { first: 100 });
        json.shared_projects = await Promise.all(shared.nodes.map((p) => projectDetails(ctx, p)));
      }
      return json;
    },
  },
  {
    method: 'GET',
    url: '/groups',
    operationId: 'listGroups',
    summary: 'Groups the caller is a member of (or, with `all_available`, can see); anonymous: public groups.',
    tags: ['groups'],
    auth: 'optional',
    permission: 'read_group',
    boundary: 'user',
    querystring: object({
      all_available: BOOLEAN,
      owned: BOOLEAN,
      min_access_level: MIN_ACCESS_LEVEL,
      search: { type: 'string' },
      order_by: { type: 'string', enum: ['name', 'path', 'id'], default: 'name' },
      sort: { ...SORT, default: 'asc' },
      visibility: VISIBILITY,
      top_level_only: BOOLEAN,
      active: { ...BOOLEAN, description: 'Not archived and not marked for deletion (`true`), or the others.' },
      skip_groups: { type: 'array', items: { type: 'integer' } },
      pagination: { type: 'string', enum: ['offset', 'keyset'] },
      cursor: { type: 'string', description: 'Keyset pagination: where the next page starts (from the `Link` header).' },
      ...PAGE_PARAMS,
    }),
    success: { status: 200, description: 'The groups (paginated).', schema: { type: 'array', items: GROUP } },
    handler: async (call) => {
      const { ctx, query } = call;
      // GitLab: `all_available` defaults to false for users (their groups) and true for administrators.
      const allAvailable = query.all_available ?? ctx.actor.admin;
      const list = await ctx.services.groups.listQuery(ctx, {
        allAvailable,
        ownedOnly: query.owned,
        minAccessLevel: query.min_access_level,
        search: query.search || null,
        sort: `${query.order_by}_${query.sort}`,
        topLevelOnly: query.top_level_only,
        active: query.active ?? null,
        skipIds: query.skip_groups,
        visibilityLevel: query.visibility ? parseVisibility(query.visibility) : null,
      });
      if (query.pagination !== 'keyset') return call.page(list, (g) => group(ctx, g));
      const url = new URL(call.request.url, `${call.request.protocol}://${call.request.headers.host ?? 'localhost'}`);
      const { rows, headers } = await attempt(() => keysetPage(list, query.per_page ?? 20, query.cursor, url), { invalid_argument: ({ messages }) => invalidParams(messages.join(', ')) });
      call.reply.headers(headers);
      return rows.map((g) => group(ctx, g));
    },
  },
];
