import { DEPLOY_TOKEN_SCOPES } from '../../modules/deploy-token/deploy-token.entity';
import {
  INVALID_EXPIRES_AT,
  parseDeployTokenExpiry,
  type DeployTokenHolder,
  type NewDeployTokenInput,
} from '../../modules/deploy-token/deploy-token.service';
import { forbidden, invalidParams, recordNotFound, RestError } from '../errors';
import { attempt } from '../failure-statuses';
import { BOOLEAN, DATE_TIME, INTEGER_ID } from '../params';
import { PAGE_PARAMS } from '../pagination';
import { ID_PARAM, object, type RestCall, type RestRoute } from '../route';
import { deployToken, withSecret } from '../serializers';
import { DEPLOY_TOKEN } from './schemas';

/**
 * Deploy tokens (`lib/api/deploy_tokens.rb`): the administrators' instance list, and list, get,
 * create and delete under `/projects/:id` and `/groups/:id`, over `DeployTokenService`. Without the
 * ability GitLab's `authorize!` answers 403; a token id of another holder is `404 Not found`.
 */

const tags = ['deploy_tokens'];
const LIST_FILTERS = { active: { ...BOOLEAN, description: 'Only active tokens: not revoked, not expired.' }, ...PAGE_PARAMS };

/** GitLab's model errors come back as `{"message": "<errors as a sentence>"}` with 400. */
const modelError = (messages: readonly string[]) => new RestError(400, { message: messages.join(', ') });

function holderRoutes(kind: 'project' | 'group'): RestRoute[] {
  const base = `/${kind}s/:id/deploy_tokens`;
  const label = kind === 'project' ? 'Project' : 'Group';
  const holderOf = (call: RestCall): DeployTokenHolder => (kind === 'project' ? { kind, project: call.project } : { kind, group: call.group });
  // Anonymous callers are not refused up front (GitLab's endpoints do not `authenticate!`): they meet
  // the resource lookup (404 when they cannot see it) and then the ability (403).
  const common = { resource: kind, boundary: kind, auth: 'optional' } as const;
  const withId = object({ id: ID_PARAM, token_id: INTEGER_ID }, ['id', 'token_id']);
  const who = kind === 'project' ? 'Maintainers' : 'Owners';

  return [
    {
      ...common,
      method: 'GET',
      url: base,
      operationId: `list${label}DeployTokens`,
      summary: `List the deploy tokens of a ${kind} (Maintainers and above).`,
      tags,
      permission: 'read_deploy_token',
      ability: { name: 'read_deploy_token', denied: 'forbidden' },
      params: object({ id: ID_PARAM }, ['id']),
      querystring: object(LIST_FILTERS),
      success: { status: 200, description: 'The tokens, oldest first (paginated).', schema: { type: 'array', items: DEPLOY_TOKEN } },
      errors: { 403: 'Not allowed to read the tokens', 404: `${label} not found` },
      handler: async (call) =>
        call.page(await call.ctx.services.deployTokens.listQuery(call.ctx, holderOf(call), { active: call.query.active }), (t) => deployToken(call.ctx, t)),
    },
    {
      ...common,
      method: 'GET',
      url: `${base}/:token_id`,
      operationId: `get${label}DeployToken`,
      summary: `Get one deploy token of a ${kind}.`,
      tags,
      permission: 'read_deploy_token',
      ability: { name: 'read_deploy_token', denied: 'forbidden' },
      params: withId,
      success: { status: 200, description: 'The token.', schema: DEPLOY_TOKEN },
      errors: { 403: 'Not allowed to read the tokens', 404: `${label} or token not found` },
      handler: async (call) => {
        const token = await attempt(() => call.ctx.services.deployTokens.find(call.ctx, holderOf(call), call.params.token_id), {
          not_available: recordNotFound,
        });
        return deployToken(call.ctx, token);
      },
    },
    {
      ...common,
      method: 'POST',
      url: base,
      operationId: `create${label}DeployToken`,
      summary: `Create a deploy token of a ${kind} (${who} and above).`,
      tags,
      permission: 'create_deploy_token',
      ability: { name: 'create_deploy_token', denied: 'forbidden' },
      params: object({ id: ID_PARAM }, ['id']),
      body: object(
        {
          name: { type: 'string', description: 'Name of the token.' },
          scopes: {
            type: 'array',
            items: { type: 'string', enum: [...DEPLOY_TOKEN_SCOPES] },
            description: 'Scopes of the token: an array, or a comma-separated string.',
          },
          expires_at: { ...DATE_TIME, nullable: true, description: 'Expiry, ISO 8601 (`2026-03-15` or `2026-03-15T08:00:00Z`). Absent or null: never expires.' },
          username: { type: 'string', nullable: true, description: 'User name of the token (default `gitlab+deploy-token-<id>`).' },
        },
        ['name', 'scopes'],
      ),
      success: { status: 201, description: 'The token, with its secret (shown only now).', schema: DEPLOY_TOKEN },
      errors: { 400: 'Invalid parameters', 403: 'Not allowed to create tokens', 404: `${label} not found` },
      handler: async (call) => {
        const { name, scopes, expires_at, username } = call.body;
        let expiresAt: Date | null = null;
        if (expires_at !== undefined && expires_at !== null) {
          const parsed = parseDeployTokenExpiry(expires_at);
          if (!parsed) throw invalidParams(INVALID_EXPIRES_AT);
          expiresAt = parsed;
        }
        const input: NewDeployTokenInput = { name, scopes, username: username ?? null, expiresAt };
        const issued = await attempt(() => call.ctx.services.deployTokens.create(call.ctx, holderOf(call), input), {
          not_available: () => forbidden(),
          rule: ({ messages }) => modelError(messages),
          invalid_argument: ({ messages }) => invalidParams(messages.join(', ')),
        });
        return withSecret(deployToken(call.ctx, issued.token), issued.secret);
      },
    },
    {
      ...common,
      method: 'DELETE',
      url: `${base}/:token_id`,
      operationId: `delete${label}DeployToken`,
      summary: `Delete a deploy token of a ${kind} (${who} and above).`,
      tags,
      permission: 'delete_deploy_token',
      ability: { name: 'destroy_deploy_token', denied: 'forbidden' },
      params: withId,
      success: { status: 204, description: 'Deleted.' },
      errors: { 403: 'Not allowed to delete tokens', 404: `${label} or token not found` },
      handler: async (call) => {
        await attempt(() => call.ctx.services.deployTokens.destroy(call.ctx, holderOf(call), call.params.token_id), { not_available: recordNotFound });
      },
    },
  ];
}

export const DEPLOY_TOKEN_ROUTES: RestRoute[] = [
  {
    method: 'GET',
    url: '/deploy_tokens',
    operationId: 'listDeployTokens',
    summary: 'List every deploy token of the instance (administrators only).',
    tags,
    permission: 'read_deploy_token',
    boundary: 'instance',
    auth: 'required',
    querystring: object(LIST_FILTERS),
    success: { status: 200, description: 'The tokens, oldest first (paginated).', schema: { type: 'array', items: DEPLOY_TOKEN } },
    errors: { 401: 'Not authenticated', 403: 'Not an administrator' },
    handler: async (call) => {
      const list = await attempt(() => call.ctx.services.deployTokens.listQuery(call.ctx, null, { active: call.query.active }), {
        not_available: () => forbidden(),
      });
      return call.page(list, (t) => deployToken(call.ctx, t));
    },
  },
  ...holderRoutes('project'),
  ...holderRoutes('group'),
];
