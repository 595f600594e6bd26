import type { MemberSource } from '../../modules/member/member.service';
import { ResourceNotAvailableError } from '../../core/errors';
import type { User } from '../../modules/user/user.entity';
import { MEMBER_ACCESS_LEVELS, MINIMAL_ACCESS, NO_ACCESS } from '../../policy/access-level';
import { forbidden, notFound, recordNotFound, RestError } from '../errors';
import { attempt } from '../failure-statuses';
import { BOOLEAN, DATE, INTEGER_ID } from '../params';
import { PAGE_PARAMS } from '../pagination';
import { member } from '../serializers';
import { ID_PARAM, object, type RestCall, type RestRoute } from '../route';
import { MEMBER } from './schemas';

/**
 * Members of projects and groups (`lib/api/members.rb`): the same endpoints under `/projects/:id` and
 * `/groups/:id`, over `MemberService`. Lists show each user once with their highest role.
 */

function memberRoutes(kind: 'project' | 'group'): RestRoute[] {
  const base = `/${kind}s/:id/members`;
  const label = kind === 'project' ? 'Project' : 'Group';
  const tags = [`${kind}_members`];
  const sourceOf = (call: RestCall): MemberSource => (kind === 'project' ? { kind: 'Project', project: call.project } : { kind: 'Namespace', group: call.group });
  const read = { name: kind === 'project' ? 'read_project_member' : 'read_group_member', denied: 'forbidden' } as const;
  const manage = { name: kind === 'project' ? 'admin_project_member' : 'admin_group_member', denied: 'forbidden' } as const;
  const common = { resource: kind, boundary: kind, auth: 'required' } as const;
  const listFilters = object({
    query: { type: 'string', description: 'Members whose name or username contains this text.' },
    user_ids: { type: 'array', items: { type: 'integer' } },
    skip_users: { type: 'array', items: { type: 'integer' } },
    show_seat_info: BOOLEAN,
    ...PAGE_PARAMS,
  });

  /** The members list (direct only, or with those inherited from the groups above), filtered. */
  async function list(call: RestCall, all: boolean, userIds?: number[]) {
    const { ctx, query } = call;
    const args = {
      search: query.query || null,
      userIds: userIds ?? query.user_ids ?? null,
      skipUserIds: query.skip_users ?? null,
    };
    const { members } = ctx.services;
    // `/all` as GitLab's `find_all_members`: with the members of the groups the project (or group, or a
    // group above) is shared with, at the shared role at most.
    return kind === 'project'
      ? members.projectMembersQuery(ctx, call.project, { ...args, relations: all ? ['DIRECT', 'INHERITED', 'INVITED_GROUPS', 'SHARED_INTO_ANCESTORS'] : ['DIRECT'] })
      : members.groupMembersQuery(ctx, call.group, { ...args, relations: all ? ['DIRECT', 'INHERITED', 'SHARED_FROM_GROUPS'] : ['DIRECT'] });
  }

  /** One member (direct, or with inherited and shared memberships: the highest role). */
  async function one(call: RestCall, all: boolean) {
    const found = await list(call, all, [call.params.user_id]);
    const row = found ? await found.qb.limit(1).getOne() : null;
    if (!row) throw recordNotFound();
    return member(call.ctx, found?.adjust ? found.adjust(row) : row);
  }

  async function targetUser(call: RestCall): Promise<User> {
    const user = await call.ctx.services.users.findById(call.ctx, call.params.user_id);
    if (!user) throw recordNotFound();
    return user;
  }

  // The direct members, and (`/all`) those inherited from the groups above too: each user once, highest role.
  const listRoute = (all: boolean) => ({
    ...common,
    method: 'GET' as const,
    url: all ? `${base}/all` : base,
    operationId: all ? `listAll${label}Members` : `list${label}Members`,
    summary: all
      ? `Members of a ${kind}, with those inherited from the groups above and those of the groups it is shared with (each user once, highest role).`
      : `Direct members of a ${kind}.`,
    tags,
    permission: 'read_member',
    ability: read,
    params: object({ id: ID_PARAM }, ['id']),
    querystring: listFilters,
    success: { status: 200, description: 'The members (paginated).', schema: { type: 'array', items: MEMBER } },
    errors: { 404: `${label} not found` },
    handler: async (call: RestCall) => call.page(await list(call, all), (m) => member(call.ctx, m)),
  });

  return [
    listRoute(false),
    listRoute(true),
    {
      ...common,
      method: 'GET',
      url: `${base}/all/:user_id`,
      operationId: `getAny${label}Member`,
      summary: `One member of a ${kind}: direct, inherited, or through a share.`,
      tags,
      permission: 'read_member',
      ability: read,
      params: object({ id: ID_PARAM, user_id: INTEGER_ID }, ['id', 'user_id']),
      success: { status: 200, description: 'The member.', schema: MEMBER },
      errors: { 404: 'Not a member' },
      handler: (call) => one(call, true),
    },
    {
      ...common,
      method: 'GET',
      url: `${base}/:user_id`,
      operationId: `get${label}Member`,
      summary: `One direct member of a ${kind}.`,
      tags,
      permission: 'read_member',
      ability: read,
      params: object({ id: ID_PARAM, user_id: INTEGER_ID }, ['id', 'user_id']),
      success: { status: 200, description: 'The member.', schema: MEMBER },
      errors: { 404: 'Not a direct member' },
      handler: (call) => one(call, false),
    },
    {
      ...common,
      method: 'POST',
      url: base,
      operationId: `add${label}Member`,
      summary: `Add a user (or several, comma-separated) to a ${kind}.`,
      tags,
      permission: 'create_member',
      ability: manage,
      params: object({ id: ID_PARAM }, ['id']),
      body: object(
        {
          user_id: { type: 'string', description: 'A user id, or several comma-separated.' },
          username: { type: 'string', description: 'A username, or several comma-separated (instead of `user_id`).' },
          access_level: { type: 'integer', enum: [NO_ACCESS, MINIMAL_ACCESS, ...MEMBER_ACCESS_LEVELS] },
          expires_at: DATE,
          invite_source: { type: 'string' },
        },
        ['access_level'],
      ),
      success: { status: 201, description: 'The new member.', schema: MEMBER },
      errors: { 400: 'Invalid membership', 403: 'Not allowed', 404: 'No such user', 409: 'Already a member' },
      handler: async (call) => {
        const { ctx, body } = call;
        const given = body.user_id !== undefined ? String(body.user_id) : body.username;
        if (given === undefined || (body.user_id !== undefined && body.username !== undefined)) {
          throw new RestError(400, { error: 'user_id, username are missing, exactly one parameter must be provided' });
        }
        const keys = String(given)
          .split(',')
          .map((k) => k.trim())
          .filter(Boolean);
        const find = (key: string) =>
          body.user_id !== undefined ? (/^\d+$/.test(key) ? ctx.services.users.findById(ctx, Number(key)) : Promise.resolve(null)) : ctx.services.users.findByUsername(ctx, key);
        const add = (user: User) =>
          ctx.services.members.add(ctx, sourceOf(call), user, body.access_level, body.expires_at ?? null);
        if (keys.length === 1) {
          const user = await find(keys[0]);
          if (!user) throw notFound('User');
          // A broken rule is answered from its code (rest/failure-statuses.ts): a conflict, a bot's field, a refusal.
          const added = await attempt(() => add(user), { not_available: () => forbidden() });
          return member(ctx, added);
        }
        // Several users: GitLab's create service answers with a status and the errors per user.
        const errors: Record<string, string> = {};
        for (const key of keys) {
          const user = await find(key);
          if (!user) {
            errors[key] = 'User not found';
            continue;
          }
          try {
            await add(user);
          } catch (error) {
            // "Not available" ends the request; anything else is this user's error.
            if (error instanceof ResourceNotAvailableError) throw forbidden();
            errors[user.username] = error instanceof Error ? error.message : String(error);
          }
        }
        return Object.keys(errors).length ? { status: 'error', message: errors } : { status: 'success' };
      },
    },
    {
      ...common,
      method: 'PUT',
      url: `${base}/:user_id`,
      operationId: `update${label}Member`,
      summary: `Change the role or expiry of a direct member of a ${kind}.`,
      tags,
      permission: 'update_member',
      params: object({ id: ID_PARAM, user_id: INTEGER_ID }, ['id', 'user_id']),
      body: object({ access_level: { type: 'integer', enum: [NO_ACCESS, MINIMAL_ACCESS, ...MEMBER_ACCESS_LEVELS] }, expires_at: DATE }, ['access_level']),
      success: { status: 200, description: 'The member.', schema: MEMBER },
      errors: { 400: 'Invalid membership', 403: 'Not allowed', 404: 'Not a direct member' },
      handler: async (call) => {
        const { ctx, body } = call;
        const source = sourceOf(call);
        const sourceId = source.kind === 'Project' ? source.project.id : source.group.id;
        if (!(await ctx.services.members.findMembership(ctx, source.kind, sourceId, call.params.user_id))) throw recordNotFound();
        const [updated] = await attempt(
          () => ctx.services.members.bulkUpdate(ctx, source, [call.params.user_id], body.access_level, body.expires_at ?? null),
          { not_available: () => forbidden(), invalid_argument: () => recordNotFound() },
        );
        return member(ctx, updated);
      },
    },
    {
      ...common,
      method: 'DELETE',
      url: `${base}/:user_id`,
      operationId: `remove${label}Member`,
      summary: `Remove a direct member from a ${kind}.`,
      tags,
      permission: 'delete_member',
      params: object({ id: ID_PARAM, user_id: INTEGER_ID }, ['id', 'user_id']),
      querystring: object({ skip_subresources: BOOLEAN, unassign_issuables: BOOLEAN }),
      success: { status: 204, description: 'Removed.' },
      errors: { 403: 'Not allowed', 404: 'Not a direct member' },
      handler: async (call) => {
        const user = await targetUser(call);
        await attempt(() => call.ctx.services.members.remove(call.ctx, sourceOf(call), user), {
          not_available: () => forbidden(),
        });
        return null;
      },
    },
  ];
}

export const MEMBER_ROUTES: RestRoute[] = [...memberRoutes('project'), ...memberRoutes('group')];
