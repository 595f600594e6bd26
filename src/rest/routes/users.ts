import type { Project } from '../../modules/project/project.entity';
import { forbidden, notFound } from '../errors';
import { BOOLEAN, INTEGER_ID } from '../params';
import { PAGE_PARAMS } from '../pagination';
import { projectBasic, projectDetails, userPrivate, userProfile } from '../serializers';
import { object, type RestRoute } from '../route';
import { PROJECT, USER } from './schemas';
import { PROJECT_ORDER } from './projects-groups';

/** `read_user` opens the users API for reading (`allow_access_with_scope :read_user` in `lib/api/users.rb`). */
const USER_READ_SCOPES = ['api', 'read_api', 'read_user'];
const tags = ['users'];

/** REST `order_by` names of the contributed projects: the project list's, and `star_count`. */
const CONTRIBUTED_ORDER: Record<string, string> = { ...PROJECT_ORDER, star_count: 'stars' };

export const USER_ROUTES: RestRoute[] = [
  {
    method: 'GET',
    url: '/user',
    operationId: 'getCurrentUser',
    summary: 'The user the request is authenticated as.',
    tags,
    auth: 'required',
    scopes: USER_READ_SCOPES,
    permission: 'read_user',
    boundary: 'user',
    success: { status: 200, description: 'The current user.', schema: USER },
    errors: { 401: 'Not authenticated' },
    handler: async (call) => userPrivate(call.ctx, call.ctx.user!, call.ctx.actor.admin),
  },
  {
    method: 'GET',
    url: '/users/:id',
    operationId: 'getUser',
    summary: 'One user, by numeric id (signed-in callers).',
    tags,
    auth: 'optional',
    scopes: USER_READ_SCOPES,
    permission: 'read_user',
    boundary: 'user',
    params: object({ id: INTEGER_ID }, ['id']),
    success: { status: 200, description: 'The user (administrators see the administrator fields).', schema: USER },
    errors: { 403: 'Not signed in', 404: 'No such user' },
    handler: async (call) => {
      const { ctx } = call;
      // GitLab's users API refuses anonymous callers with its own words.
      if (!ctx.actor.signedIn) throw forbidden('Not authorized!');
      const user = await ctx.services.users.findById(ctx, call.params.id);
      if (!user) throw notFound('User');
      return ctx.actor.admin ? userPrivate(ctx, user, true) : userProfile(ctx, user);
    },
  },
  {
    method: 'GET',
    url: '/users/:user_id/contributed_projects',
    operationId: 'listUserContributedProjects',
    summary: 'Projects the user pushed to within the last year that the caller can see, their personal projects left out.',
    tags,
    auth: 'optional',
    permission: 'read_contributed_project',
    boundary: 'user',
    params: object({ user_id: { type: 'string', minLength: 1, description: 'The id or username of the user.' } }, ['user_id']),
    querystring: object({
      order_by: { type: 'string', enum: Object.keys(CONTRIBUTED_ORDER), default: 'created_at' },
      sort: { type: 'string', enum: ['asc', 'desc'], default: 'desc' },
      simple: BOOLEAN,
      ...PAGE_PARAMS,
    }),
    success: { status: 200, description: 'The projects (paginated).', schema: { type: 'array', items: PROJECT } },
    errors: { 404: 'No such user' },
    handler: async (call) => {
      const { ctx, query } = call;
      const user = await ctx.services.users.findByIdOrUsername(ctx, call.params.user_id);
      if (!user) throw notFound('User');
      const sort = `${CONTRIBUTED_ORDER[query.order_by ?? 'created_at']}_${query.sort ?? 'desc'}`;
      const list = await ctx.services.events.contributedProjectsQuery(ctx, user, { sort }, 'id_desc');
      const simple = query.simple || !ctx.actor.signedIn;
      return call.page(list, (p: Project) => (simple ? projectBasic(ctx, p) : projectDetails(ctx, p)));
    },
  },
];
