import { ALL_SCOPES, SELF_SERVICE_SCOPES } from '../../auth/scopes';
import type { RequestContext } from '../../core/context';
import { badRequest, notAllowed, notFound, recordNotFound, RestError, unauthorized, forbidden } from '../errors';
import { attempt } from '../failure-statuses';
import { DATE, INTEGER_ID, ROTATE_BODY, TOKEN_FILTERS, tokenListArgs } from '../params';
import { personalAccessToken, personalAccessTokenWithIps, withLastUsedIps, withSecret } from '../serializers';
import { object, type RestRoute } from '../route';
import { PERSONAL_ACCESS_TOKEN } from './schemas';

/**
 * Personal access tokens (`lib/api/personal_access_tokens.rb`, `.../self_information.rb`,
 * `.../self_rotation.rb`, and the administrators' `POST /users/:user_id/personal_access_tokens`),
 * over `PersonalAccessTokenService`.
 */

/** GitLab hides another user's token: 401, except to administrators, who learn it does not exist (404). */
const hidden = (ctx: RequestContext) => () => (ctx.actor.admin ? recordNotFound() : unauthorized());

const tags = ['personal_access_tokens'];
const common = { auth: 'required', boundary: 'user' } as const;
const PAT_ONLY = 'This endpoint requires token type to be a personal access token';

export const PERSONAL_ACCESS_TOKEN_ROUTES: RestRoute[] = [
  {
    ...common,
    method: 'GET',
    url: '/personal_access_tokens',
    operationId: 'listPersonalAccessTokens',
    summary: "List your personal access tokens (administrators: anyone's, or one user's with `user_id`).",
    tags,
    permission: 'read_personal_access_token',
    querystring: object({ ...TOKEN_FILTERS, user_id: { type: 'integer', minimum: 0, description: 'Tokens of this user.' } }),
    success: { status: 200, description: 'The tokens (paginated).', schema: { type: 'array', items: PERSONAL_ACCESS_TOKEN } },
    errors: { 401: "Another user's tokens", 404: 'No such user (administrators)' },
    handler: async (call) => {
      const { ctx } = call;
      let user = ctx.user;
      if (call.query.user_id !== undefined) {
        user = await ctx.services.users.findById(ctx, call.query.user_id);
        if (!user) throw hidden(ctx)();
      } else if (ctx.actor.admin) {
        user = null; // every token of the instance
      }
      const list = await attempt(async () => ctx.services.tokens.listQuery(ctx, user, tokenListArgs(call.query)), { not_available: unauthorized });
      return withLastUsedIps(ctx, await call.page(list, (t) => personalAccessToken(ctx, t)));
    },
  },
  {
    ...common,
    method: 'GET',
    url: '/personal_access_tokens/self',
    operationId: 'getOwnPersonalAccessToken',
    summary: 'Get the personal access token used for the request (any scope).',
    tags,
    permission: null,
    scopes: ALL_SCOPES,
    success: { status: 200, description: 'The token.', schema: PERSONAL_ACCESS_TOKEN },
    errors: { 400: 'Not authenticated by a personal access token', 401: 'Not authenticated' },
    handler: async (call) => {
      const token = call.principal?.token;
      if (!token) throw badRequest(PAT_ONLY);
      return personalAccessTokenWithIps(call.ctx, token);
    },
  },
  {
    ...common,
    method: 'GET',
    url: '/personal_access_tokens/:id',
    operationId: 'getPersonalAccessToken',
    summary: 'Get one personal access token (yours; administrators: anyone’s).',
    tags,
    permission: 'read_personal_access_token',
    params: object({ id: INTEGER_ID }, ['id']),
    success: { status: 200, description: 'The token.', schema: PERSONAL_ACCESS_TOKEN },
    errors: { 401: "Another user's token", 404: 'No such token (administrators)' },
    handler: async (call) => {
      const token = await attempt(() => call.ctx.services.tokens.findOwnToken(call.ctx, call.params.id), { not_available: hidden(call.ctx) });
      return personalAccessTokenWithIps(call.ctx, token);
    },
  },
  {
    ...common,
    method: 'DELETE',
    url: '/personal_access_tokens/self',
    operationId: 'revokeOwnPersonalAccessToken',
    summary: 'Revoke the personal access token used for the request (any scope).',
    tags,
    permission: null,
    scopes: ALL_SCOPES,
    success: { status: 204, description: 'Revoked.' },
    errors: { 400: 'Not authenticated by a personal access token' },
    handler: async (call) => {
      const token = call.principal?.token;
      if (!token) throw badRequest(PAT_ONLY);
      await call.ctx.services.tokens.revokePersonal(call.ctx, token.id);
      return null;
    },
  },
  {
    ...common,
    method: 'DELETE',
    url: '/personal_access_tokens/:id',
    operationId: 'revokePersonalAccessToken',
    summary: 'Revoke a personal access token (yours; administrators: anyone’s).',
    tags,
    permission: 'revoke_personal_access_token',
    params: object({ id: INTEGER_ID }, ['id']),
    success: { status: 204, description: 'Revoked.' },
    errors: { 401: "Another user's token", 404: 'No such token (administrators)' },
    handler: async (call) => {
      await attempt(() => call.ctx.services.tokens.revokePersonal(call.ctx, call.params.id), { not_available: hidden(call.ctx) });
      return null;
    },
  },
  {
    ...common,
    method: 'POST',
    url: '/personal_access_tokens/self/rotate',
    operationId: 'selfRotatePersonalAccessToken',
    summary: 'Rotate the personal access token used for the request (scope `api` or `self_rotate`).',
    tags,
    permission: null,
    scopes: ['api', 'self_rotate'],
    body: ROTATE_BODY,
    success: { status: 200, description: 'The new token, with its secret.', schema: PERSONAL_ACCESS_TOKEN },
    errors: { 400: 'Not rotated', 401: 'Not authenticated', 403: 'Scope', 405: 'Not authenticated by a personal access token' },
    handler: async (call) => {
      const token = call.principal?.token;
      if (!token) throw notAllowed();
      const issued = await attempt(() => call.ctx.services.tokens.rotatePersonal(call.ctx, token.id, call.body.expires_at ?? null), {
        not_available: unauthorized,
      });
      return withSecret(personalAccessToken(call.ctx, issued.token), issued.secret);
    },
  },
  {
    ...common,
    method: 'POST',
    url: '/personal_access_tokens/:id/rotate',
    operationId: 'rotatePersonalAccessToken',
    summary: 'Rotate a personal access token: revoke it and issue a new one with the same name and scopes.',
    tags,
    permission: 'rotate_personal_access_token',
    params: object({ id: INTEGER_ID }, ['id']),
    body: ROTATE_BODY,
    success: { status: 200, description: 'The new token, with its secret.', schema: PERSONAL_ACCESS_TOKEN },
    errors: { 400: 'Not rotated', 401: "Another user's token", 404: 'No such token (administrators)' },
    handler: async (call) => {
      const issued = await attempt(() => call.ctx.services.tokens.rotatePersonal(call.ctx, call.params.id, call.body.expires_at ?? null), {
        not_available: hidden(call.ctx),
      });
      return withSecret(personalAccessToken(call.ctx, issued.token), issued.secret);
    },
  },
  {
    ...common,
    method: 'POST',
    url: '/users/:user_id/personal_access_tokens',
    operationId: 'createPersonalAccessTokenForUser',
    summary: 'Create a personal access token for a user (administrators).',
    tags,
    permission: null,
    params: object({ user_id: INTEGER_ID }, ['user_id']),
    body: object(
      {
        name: { type: 'string' },
        description: { type: 'string' },
        scopes: { type: 'array', items: { type: 'string', enum: [...ALL_SCOPES] } },
        expires_at: { ...DATE, description: 'Expiry date (default: the maximum lifetime).' },
      },
      ['name', 'scopes'],
    ),
    success: { status: 201, description: 'The token, with its secret (shown only now).', schema: PERSONAL_ACCESS_TOKEN },
    errors: { 403: 'Not an administrator', 404: 'No such user', 422: 'Not created' },
    handler: async (call) => {
      const { ctx } = call;
      const user = await ctx.services.users.findById(ctx, call.params.user_id);
      const { name, description, scopes, expires_at } = call.body;
      const issued = await attempt(
        () => ctx.services.tokens.createForUserAsAdmin(ctx, user, { name, description: description ?? null, scopes, expiresAt: expires_at ?? null }),
        { not_available: () => forbidden(), rule: ({ messages }) => new RestError(422, { message: messages.join(', ') }) },
      );
      if (!issued) throw notFound('User');
      return withSecret(personalAccessToken(ctx, issued.token), issued.secret);
    },
  },
  {
    ...common,
    method: 'POST',
    url: '/user/personal_access_tokens',
    operationId: 'createOwnPersonalAccessToken',
    summary: 'Create a personal access token for yourself, with the scopes `k8s_proxy` and `self_rotate` only.',
    tags,
    permission: 'create_user_personal_access_token',
    body: object(
      {
        name: { type: 'string' },
        description: { type: 'string' },
        // GitLab's self-service list: a token never gives its own user broader classic scopes
        // (src/modules/access-token/creator-bounds.ts).
        scopes: { type: 'array', items: { type: 'string', enum: [...SELF_SERVICE_SCOPES] } },
        expires_at: { ...DATE, description: 'Expiry date (default: the maximum lifetime, or the presenting token’s expiry when earlier).' },
      },
      ['name', 'scopes'],
    ),
    success: { status: 201, description: 'The token, with its secret (shown only now).', schema: PERSONAL_ACCESS_TOKEN },
    errors: { 400: 'Invalid parameters', 401: 'Not authenticated', 422: 'Not created' },
    handler: async (call) => {
      const { ctx } = call;
      const { name, description, scopes, expires_at } = call.body;
      const user = ctx.user;
      if (!user) throw unauthorized();
      const issued = await attempt(
        () => ctx.services.tokens.createPersonal(ctx, user, { name, description: description ?? null, scopes, expiresAt: expires_at ?? null }),
        { not_available: () => forbidden(), rule: ({ messages }) => new RestError(422, { message: messages.join(', ') }) },
      );
      return withSecret(personalAccessToken(ctx, issued.token), issued.secret);
    },
  },
];
