import { RESOURCE_BOT_SCOPES } from '../../auth/scopes';
import type { TokenResource } from '../../modules/access-token/resource-access-token.service';
import { MEMBER_ACCESS_LEVELS } from '../../policy/access-level';
import { notAllowed, notFound, unauthorized } from '../errors';
import { attempt } from '../failure-statuses';
import { DATE, INTEGER_ID, ROTATE_BODY, TOKEN_FILTERS, tokenListArgs } from '../params';
import { resourceAccessToken, withSecret } from '../serializers';
import { ID_PARAM, object, type RestCall, type RestRoute } from '../route';
import { RESOURCE_ACCESS_TOKEN } from './schemas';

/**
 * Project and group access tokens (`lib/api/resource_access_tokens.rb`, `.../self_rotation.rb`): the
 * same six endpoints under `/projects/:id` and `/groups/:id`, over `ResourceAccessTokenService`.
 */
function resourceTokenRoutes(kind: 'project' | 'group'): RestRoute[] {
  const base = `/${kind}s/:id/access_tokens`;
  const label = kind === 'project' ? 'Project' : 'Group';
  const tags = [`${kind}_access_tokens`];
  const resourceOf = (call: RestCall): TokenResource => (kind === 'project' ? { kind, project: call.project } : { kind, group: call.group });
  const tokenNotFound = () => notFound(`${kind} Access Token`);
  // GitLab hides a token from a caller who may not manage tokens: 401, except to administrators (404).
  const hiddenToken = (call: RestCall) => () => (call.ctx.actor.admin ? tokenNotFound() : unauthorized());
  const common = { resource: kind, boundary: kind, auth: 'required' } as const;
  const withId = object({ id: ID_PARAM, token_id: INTEGER_ID }, ['id', 'token_id']);

  return [
    {
      ...common,
      method: 'GET',
      url: base,
      operationId: `list${label}AccessTokens`,
      summary: `List the access tokens of a ${kind}, active and inactive.`,
      tags,
      permission: 'read_resource_access_token',
      ability: { name: 'read_resource_access_tokens', denied: 'unauthorized' },
      params: object({ id: ID_PARAM }, ['id']),
      querystring: object(TOKEN_FILTERS),
      success: { status: 200, description: 'The tokens (paginated).', schema: { type: 'array', items: RESOURCE_ACCESS_TOKEN } },
      errors: { 401: 'Not allowed to read the tokens', 404: `${label} not found` },
      handler: (call) =>
        call.page(call.ctx.services.resourceTokens.listQuery(call.ctx, resourceOf(call), tokenListArgs(call.query), 'ID_ASC'), (t) =>
          resourceAccessToken(call.ctx, t),
        ),
    },
    {
      ...common,
      method: 'GET',
      url: `${base}/:token_id`,
      operationId: `get${label}AccessToken`,
      summary: `Get one access token of a ${kind}.`,
      tags,
      permission: 'read_resource_access_token',
      ability: { name: 'read_resource_access_tokens', denied: 'unauthorized' },
      params: withId,
      success: { status: 200, description: 'The token.', schema: RESOURCE_ACCESS_TOKEN },
      errors: { 401: 'Not allowed to read the tokens', 404: 'Token not found' },
      handler: async (call) => {
        const token = await attempt(() => call.ctx.services.resourceTokens.findToken(call.ctx, resourceOf(call), call.params.token_id), {
          not_available: tokenNotFound,
        });
        return resourceAccessToken(call.ctx, token);
      },
    },
    {
      ...common,
      method: 'POST',
      url: base,
      operationId: `create${label}AccessToken`,
      summary: `Create a ${kind} access token and its bot user.`,
      tags,
      permission: 'create_resource_access_token',
      params: object({ id: ID_PARAM }, ['id']),
      body: object(
        {
          name: { type: 'string', description: 'Name of the token.' },
          description: { type: 'string', description: 'Description of the token (at most 255 characters).' },
          scopes: { type: 'array', items: { type: 'string', enum: [...RESOURCE_BOT_SCOPES] }, description: 'Scopes of the token.' },
          access_level: { type: 'integer', enum: [...MEMBER_ACCESS_LEVELS], default: 40, description: 'Role of the bot user (default 40, Maintainer).' },
          expires_at: { ...DATE, description: 'Expiry date (default: the maximum lifetime).' },
        },
        ['name', 'scopes'],
      ),
      // Grape's `Array[String]`: GitLab takes no comma-separated scopes here (unlike the PAT endpoints).
      arraysOnly: ['scopes'],
      success: { status: 201, description: 'The token, with its secret (shown only now).', schema: RESOURCE_ACCESS_TOKEN },
      errors: { 400: 'Invalid parameters or not allowed', 401: 'Not authenticated', 404: `${label} not found` },
      handler: async (call) => {
        const { name, description, scopes, access_level, expires_at } = call.body;
        const issued = await attempt(
          () =>
            call.ctx.services.resourceTokens.create(call.ctx, resourceOf(call), {
              name,
              description: description ?? null,
              scopes,
              accessLevel: access_level,
              expiresAt: expires_at ?? null,
            }),
          {},
        );
        return withSecret(await resourceAccessToken(call.ctx, issued.token), issued.secret);
      },
    },
    {
      ...common,
      method: 'POST',
      url: `${base}/self/rotate`,
      operationId: `selfRotate${label}AccessToken`,
      summary: `Rotate the ${kind} access token used for the request.`,
      tags,
      permission: 'rotate_resource_access_token',
      scopes: ['api', 'self_rotate'],
      params: object({ id: ID_PARAM }, ['id']),
      body: ROTATE_BODY,
      success: { status: 200, description: 'The new token, with its secret.', schema: RESOURCE_ACCESS_TOKEN },
      errors: { 400: 'Not rotated', 401: 'Not a token of this resource', 405: 'Not authenticated by a project or group access token' },
      handler: async (call) => {
        const token = call.principal?.token;
        // GitLab's `not_allowed!` unless the request comes with a token of a project bot.
        if (!token || !call.ctx.actor.projectBot) throw notAllowed();
        const issued = await attempt(() => call.ctx.services.resourceTokens.rotate(call.ctx, resourceOf(call), token.id, call.body.expires_at ?? null), {
          not_available: unauthorized,
        });
        return withSecret(await resourceAccessToken(call.ctx, issued.token), issued.secret);
      },
    },
    {
      ...common,
      method: 'POST',
      url: `${base}/:token_id/rotate`,
      operationId: `rotate${label}AccessToken`,
      summary: `Rotate a ${kind} access token: revoke it and issue a new one for the same bot.`,
      tags,
      permission: 'rotate_resource_access_token',
      params: withId,
      body: ROTATE_BODY,
      success: { status: 200, description: 'The new token, with its secret.', schema: RESOURCE_ACCESS_TOKEN },
      errors: { 400: 'Not rotated', 401: 'Not allowed, or no such token', 404: 'No such token (administrators)' },
      handler: async (call) => {
        const issued = await attempt(
          () => call.ctx.services.resourceTokens.rotate(call.ctx, resourceOf(call), call.params.token_id, call.body.expires_at ?? null),
          { not_available: hiddenToken(call) },
        );
        return withSecret(await resourceAccessToken(call.ctx, issued.token), issued.secret);
      },
    },
    {
      ...common,
      method: 'DELETE',
      url: `${base}/:token_id`,
      operationId: `revoke${label}AccessToken`,
      summary: `Revoke a ${kind} access token (its bot user stays until the retention clean-up).`,
      tags,
      permission: 'delete_resource_access_token',
      params: withId,
      success: { status: 204, description: 'Revoked.' },
      errors: { 400: 'Not allowed to revoke', 404: 'Token not found' },
      handler: async (call) => {
        await attempt(() => call.ctx.services.resourceTokens.revoke(call.ctx, resourceOf(call), call.params.token_id), {
          not_available: tokenNotFound,
        });
        return null;
      },
    },
  ];
}

export const ACCESS_TOKEN_ROUTES: RestRoute[] = [...resourceTokenRoutes('project'), ...resourceTokenRoutes('group')];
