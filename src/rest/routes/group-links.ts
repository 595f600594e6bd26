import type { Namespace } from '../../modules/namespace/namespace.entity';
import { MEMBER_ACCESS_LEVELS, MINIMAL_ACCESS, NO_ACCESS } from '../../policy/access-level';
import { notFound, RestError } from '../errors';
import { attempt } from '../failure-statuses';
import { BOOLEAN, DATE, INTEGER_ID } from '../params';
import { group, groupDetail, projectDetails } from '../serializers';
import { PAGE_PARAMS } from '../pagination';
import { ID_PARAM, object, type RestCall, type RestRoute } from '../route';
import { GROUP, PROJECT } from './schemas';

/**
 * Sharing projects and groups with groups (`lib/api/projects.rb` and `groups.rb`: `/share`), over
 * `GroupLinkService`. GitLab's services answer a refusal as `{"message":"Not Found"}` (404) and a
 * broken model rule as 409 with the rule's sentence.
 */

const SHARE_BODY = object(
  {
    group_id: { ...INTEGER_ID, description: 'The id of the group to share with.' },
    group_access: { type: 'integer', enum: [...MEMBER_ACCESS_LEVELS], description: 'The highest role the link grants.' },
    expires_at: { ...DATE, description: 'The day the share ends (`YYYY-MM-DD`).' },
  },
  ['group_id', 'group_access'],
);

const PROJECT_GROUP_LINK = object({
  id: { type: 'integer' },
  project_id: { type: 'integer' },
  group_id: { type: 'integer' },
  group_access: { type: 'integer' },
  expires_at: { type: 'string', nullable: true },
});

/** The service's "Not Found" (`render_api_error!('Not Found', 404)`: no `404` prefix). */
const serviceNotFound = () => new RestError(404, { message: 'Not Found' });

/** A group by id without a visibility check: the service decides (and answers "Not Found"). */
async function anyGroup(call: RestCall): Promise<Namespace | null> {
  const ns = await call.ctx.loaders.namespaces.load(call.body.group_id);
  return ns && ns.type === 'Group' ? ns : null;
}

function linkArgs(call: RestCall) {
  return { groupAccess: call.body.group_access, expiresAt: call.body.expires_at ?? null };
}

export const GROUP_LINK_ROUTES: RestRoute[] = [
  {
    method: 'GET',
    url: '/groups/:id/groups/shared',
    operationId: 'listGroupSharedGroups',
    summary: 'The groups this group was invited into (that the caller can see).',
    tags: ['groups'],
    auth: 'optional',
    resource: 'group',
    permission: 'read_shared_group',
    boundary: 'group',
    params: object({ id: ID_PARAM }, ['id']),
    querystring: object({ search: { type: 'string' }, order_by: { type: 'string', enum: ['name', 'path', 'id'], default: 'name' }, sort: { type: 'string', enum: ['asc', 'desc'], default: 'asc' }, ...PAGE_PARAMS }),
    success: { status: 200, description: 'The groups (paginated).', schema: { type: 'array', items: GROUP } },
    errors: { 404: 'Group not found' },
    handler: async (call) => {
      const { ctx, query } = call;
      const list = await ctx.services.groupLinks.sharedGroupsQuery(ctx, call.group, { search: query.search ?? null, sort: `${query.order_by ?? 'name'}_${query.sort ?? 'asc'}` });
      return call.page(list, (g) => group(ctx, g));
    },
  },
  {
    method: 'GET',
    url: '/groups/:id/projects/shared',
    operationId: 'listGroupSharedProjects',
    summary: 'The projects shared with this group (that the caller can see).',
    tags: ['groups'],
    auth: 'optional',
    resource: 'group',
    permission: 'read_shared_project',
    boundary: 'group',
    params: object({ id: ID_PARAM }, ['id']),
    querystring: object({
      search: { type: 'string' },
      min_access_level: { type: 'integer', enum: [...MEMBER_ACCESS_LEVELS] },
      order_by: { type: 'string', enum: ['id', 'name', 'path', 'created_at', 'updated_at', 'last_activity_at'], default: 'created_at' },
      sort: { type: 'string', enum: ['asc', 'desc'], default: 'desc' },
      ...PAGE_PARAMS,
    }),
    success: { status: 200, description: 'The projects (paginated).', schema: { type: 'array', items: PROJECT } },
    errors: { 404: 'Group not found' },
    handler: async (call) => {
      const { ctx, query } = call;
      const list = await ctx.services.groupLinks.sharedProjectsQuery(ctx, call.group, {
        search: query.search ?? null,
        minAccessLevel: query.min_access_level ?? null,
        sort: `${query.order_by ?? 'created_at'}_${query.sort ?? 'desc'}`,
      });
      return call.page(list, (p) => projectDetails(ctx, p));
    },
  },
  {
    method: 'GET',
    url: '/projects/:id/invited_groups',
    operationId: 'listProjectInvitedGroups',
    summary: 'The groups this project is shared with, directly or through a group above it (that the caller can see), newest first.',
    tags: ['projects'],
    auth: 'optional',
    resource: 'project',
    permission: 'read_project_invited_group',
    boundary: 'project',
    params: object({ id: ID_PARAM }, ['id']),
    querystring: object({
      relation: { type: 'string', pattern: '^(direct|inherited)(,(direct|inherited))*$', description: '`direct` (shared with the project), `inherited` (shared with a group above it), or both, comma-separated.' },
      search: { type: 'string' },
      min_access_level: { type: 'integer', enum: [NO_ACCESS, MINIMAL_ACCESS, ...MEMBER_ACCESS_LEVELS], description: 'Only groups where you hold at least this role.' },
      with_custom_attributes: BOOLEAN,
      ...PAGE_PARAMS,
    }),
    success: { status: 200, description: 'The groups (paginated).', schema: { type: 'array', items: GROUP } },
    errors: { 404: 'Project not found' },
    handler: async (call) => {
      const { ctx, query } = call;
      const list = await ctx.services.groupLinks.invitedGroupsQuery(ctx, call.project, {
        relation: query.relation ? String(query.relation).split(',') : null,
        search: query.search || null,
        minAccessLevel: query.min_access_level ?? null,
      });
      return call.page(list, (g) => group(ctx, g));
    },
  },
  {
    method: 'POST',
    url: '/projects/:id/share',
    operationId: 'shareProject',
    summary: 'Share a project with a group: its members get at most `group_access` on the project (Owners; the caller must belong to the group).',
    tags: ['projects'],
    auth: 'required',
    resource: 'project',
    ability: { name: 'admin_project', denied: 'forbidden' },
    permission: 'share_project',
    boundary: 'project',
    params: object({ id: ID_PARAM }, ['id']),
    body: SHARE_BODY,
    success: { status: 201, description: 'The new link.', schema: PROJECT_GROUP_LINK },
    errors: { 400: 'Sharing locked, or bad parameters', 403: 'Not a Maintainer', 404: 'Not allowed, or no such group', 409: 'Already shared, or shared with its own group' },
    handler: async (call) => {
      const { ctx } = call;
      const invited = await anyGroup(call);
      const link = await attempt(() => ctx.services.groupLinks.shareProject(ctx, call.project, invited, linkArgs(call)), {
        not_available: serviceNotFound,
        // Sharing disabled is a rule (400); an existing or refused link, a conflict (409, the default).
        rule: ({ messages }) => new RestError(400, { message: messages.join(', ') }),
      });
      return { id: link.id, project_id: link.projectId, group_id: link.groupId, group_access: link.groupAccess, expires_at: link.expiresAt };
    },
  },
  {
    method: 'DELETE',
    url: '/projects/:id/share/:group_id',
    operationId: 'unshareProject',
    summary: "End a project's share with a group (Owners of the project, or of the group).",
    tags: ['projects'],
    auth: 'required',
    resource: 'project',
    ability: { name: 'admin_project', denied: 'forbidden' },
    permission: 'unshare_project',
    boundary: 'project',
    params: object({ id: ID_PARAM, group_id: INTEGER_ID }, ['id', 'group_id']),
    success: { status: 204, description: 'Removed.' },
    errors: { 403: 'Not allowed', 404: 'No such link' },
    handler: async (call) => {
      const { ctx } = call;
      const link = await ctx.services.groupLinks.findProjectLink(ctx, call.project, call.params.group_id);
      if (!link) throw notFound('Group Link');
      await attempt(() => ctx.services.groupLinks.unshareProject(ctx, call.project, link), {
        not_available: () => new RestError(403, { message: 'Forbidden' }),
        forbidden: () => new RestError(403, { message: 'Forbidden' }),
      });
      return null;
    },
  },
  {
    method: 'POST',
    url: '/groups/:id/share',
    operationId: 'shareGroup',
    summary: "Share a group with another group: the invited group's direct members get at most `group_access` in it (Owners).",
    tags: ['groups'],
    auth: 'required',
    resource: 'group',
    permission: 'share_group',
    boundary: 'group',
    params: object({ id: ID_PARAM }, ['id']),
    body: SHARE_BODY,
    success: { status: 201, description: 'The shared group, with its `shared_with_groups`.', schema: GROUP },
    errors: { 400: 'Bad parameters', 404: 'Not allowed, or no such group', 409: 'Already shared' },
    handler: async (call) => {
      const { ctx } = call;
      // GitLab's `find_group!`: a group the caller cannot see is not found.
      const invited = await ctx.services.groups.findById(ctx, call.body.group_id);
      if (!invited) throw notFound('Group');
      await attempt(() => ctx.services.groupLinks.shareGroup(ctx, call.group, invited, linkArgs(call)), {
        not_available: serviceNotFound,
      });
      ctx.loaders.groupShares.clear(call.group.id);
      return groupDetail(ctx, call.group);
    },
  },
  {
    method: 'DELETE',
    url: '/groups/:id/share/:group_id',
    operationId: 'unshareGroup',
    summary: "End a group's share with another group (Owners; for anyone else nothing changes, and the answer is the same).",
    tags: ['groups'],
    auth: 'required',
    resource: 'group',
    permission: 'unshare_group',
    boundary: 'group',
    params: object({ id: ID_PARAM, group_id: INTEGER_ID }, ['id', 'group_id']),
    success: { status: 204, description: 'Removed (or left in place for a caller who may not remove it).' },
    errors: { 404: 'No such group or link' },
    handler: async (call) => {
      const { ctx } = call;
      const link = await ctx.services.groupLinks.findGroupLink(ctx, call.group, call.params.group_id);
      if (!link) throw notFound('Group Link');
      await ctx.services.groupLinks.unshareGroup(ctx, call.group, link);
      return null;
    },
  },
];
