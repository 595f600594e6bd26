import { forbidden, notFound } from '../errors';
import { INTEGER_ID } from '../params';
import { userPrivate, userProfile } from '../serializers';
import { object, type RestRoute } from '../route';
import { USER } from './schemas';

/** `read_user` opens the users API for reading (`allow_access_with_scope :read_user` in `lib/api/users.rb`). */
const USER_READ_SCOPES = ['api', 'read_api', 'read_user'];
const tags = ['users'];

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
];
