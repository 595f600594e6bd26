import { readFileSync } from 'node:fs';
import path from 'node:path';
import { restOpenapiDocument } from '../../src/rest/openapi';
import { REST_ROUTES } from '../../src/rest/routes';
import { useHarness } from '../helpers/harness';

/**
 * The OpenAPI document is generated from the routes' own schemas, served at /api/v4/openapi.json and
 * committed as schema/openapi.json: a route or schema change without `npm run openapi:update` fails here.
 */
describe('REST OpenAPI document', () => {
  const h = useHarness();
  const committed = JSON.parse(readFileSync(path.join(__dirname, '../../schema/openapi.json'), 'utf8'));

  it('matches the committed schema/openapi.json (run `npm run openapi:update` after changing a route)', async () => {
    expect(await restOpenapiDocument()).toEqual(committed);
  });

  it('is served at /api/v4/openapi.json without authentication', async () => {
    const response = await h.request({ url: '/api/v4/openapi.json' });
    expect(response.status).toBe(200);
    expect(response.body).toEqual(committed);
  });

  /**
   * The fine-grained permission of each endpoint, copied by hand from GitLab's `route_setting
   * :authorization` (shared/reference/gitlab-fine-grained-tokens.md §7); null where GitLab declares none.
   */
  const GITLAB_PERMISSIONS: Record<string, string | null> = {
    'GET /projects/:id/access_tokens': 'read_resource_access_token',
    'GET /projects/:id/access_tokens/:token_id': 'read_resource_access_token',
    'POST /projects/:id/access_tokens': 'create_resource_access_token',
    'POST /projects/:id/access_tokens/:token_id/rotate': 'rotate_resource_access_token',
    'POST /projects/:id/access_tokens/self/rotate': 'rotate_resource_access_token',
    'DELETE /projects/:id/access_tokens/:token_id': 'delete_resource_access_token',
    'GET /groups/:id/access_tokens': 'read_resource_access_token',
    'GET /groups/:id/access_tokens/:token_id': 'read_resource_access_token',
    'POST /groups/:id/access_tokens': 'create_resource_access_token',
    'POST /groups/:id/access_tokens/:token_id/rotate': 'rotate_resource_access_token',
    'POST /groups/:id/access_tokens/self/rotate': 'rotate_resource_access_token',
    'DELETE /groups/:id/access_tokens/:token_id': 'delete_resource_access_token',
    'GET /personal_access_tokens': 'read_personal_access_token',
    'GET /personal_access_tokens/:id': 'read_personal_access_token',
    'POST /personal_access_tokens/:id/rotate': 'rotate_personal_access_token',
    'DELETE /personal_access_tokens/:id': 'revoke_personal_access_token',
    'GET /personal_access_tokens/self': null,
    'DELETE /personal_access_tokens/self': null,
    'POST /personal_access_tokens/self/rotate': null,
    'POST /users/:user_id/personal_access_tokens': null,
    'POST /user/personal_access_tokens': 'create_user_personal_access_token',
    'GET /user': 'read_user',
    'GET /users/:id': 'read_user',
    'GET /projects': 'read_project',
    'GET /projects/:id': 'read_project',
    'GET /groups': 'read_group',
    'GET /groups/:id': 'read_group',
    'GET /projects/:id/members': 'read_member',
    'GET /projects/:id/members/all': 'read_member',
    'GET /projects/:id/members/:user_id': 'read_member',
    'GET /projects/:id/members/all/:user_id': 'read_member',
    'POST /projects/:id/members': 'create_member',
    'PUT /projects/:id/members/:user_id': 'update_member',
    'DELETE /projects/:id/members/:user_id': 'delete_member',
    'GET /groups/:id/members': 'read_member',
    'GET /groups/:id/members/all': 'read_member',
    'GET /groups/:id/members/:user_id': 'read_member',
    'GET /groups/:id/members/all/:user_id': 'read_member',
    'POST /groups/:id/members': 'create_member',
    'PUT /groups/:id/members/:user_id': 'update_member',
    'DELETE /groups/:id/members/:user_id': 'delete_member',
    // Sharing (gitlab-fine-grained-tokens.md §7).
    'GET /groups/:id/groups/shared': 'read_shared_group',
    'GET /groups/:id/projects/shared': 'read_shared_project',
    'POST /projects/:id/share': 'share_project',
    'DELETE /projects/:id/share/:group_id': 'unshare_project',
    'POST /groups/:id/share': 'share_group',
    'DELETE /groups/:id/share/:group_id': 'unshare_group',
    'GET /version': 'read_metadata',
    'GET /metadata': 'read_metadata',
    // lib/api/deploy_tokens.rb
    'GET /deploy_tokens': 'read_deploy_token',
    'GET /projects/:id/deploy_tokens': 'read_deploy_token',
    'GET /projects/:id/deploy_tokens/:token_id': 'read_deploy_token',
    'POST /projects/:id/deploy_tokens': 'create_deploy_token',
    'DELETE /projects/:id/deploy_tokens/:token_id': 'delete_deploy_token',
    'GET /groups/:id/deploy_tokens': 'read_deploy_token',
    'GET /groups/:id/deploy_tokens/:token_id': 'read_deploy_token',
    'POST /groups/:id/deploy_tokens': 'create_deploy_token',
    'DELETE /groups/:id/deploy_tokens/:token_id': 'delete_deploy_token',
    // reference/gitlab-fine-grained-tokens.md, the sharing and user endpoints
    'GET /projects/:id/invited_groups': 'read_project_invited_group',
    'GET /users/:user_id/contributed_projects': 'read_contributed_project',
    // lib/api/protected_branches.rb: no endpoint mapping in the reference (inferred: none)
    'GET /projects/:id/protected_branches': null,
    'GET /projects/:id/protected_branches/:name': null,
    'POST /projects/:id/protected_branches': null,
    'DELETE /projects/:id/protected_branches/:name': null,
  };

  it('declares on each route the fine-grained permission GitLab gives its endpoint', () => {
    const declared = Object.fromEntries(REST_ROUTES.map((r) => [`${r.method} ${r.url}`, r.permission]));
    expect(declared).toEqual(GITLAB_PERMISSIONS);
  });

  it('documents every route with its scopes and the fine-grained permission GitLab declares', () => {
    for (const route of REST_ROUTES) {
      const openapiPath = route.url.replace(/:(\w+)/g, '{$1}');
      const operation = committed.paths[openapiPath]?.[route.method.toLowerCase()];
      expect(operation).toBeDefined();
      expect(operation.operationId).toBe(route.operationId);
      expect(operation['x-labgate-permission']).toBe(route.permission);
      expect(operation['x-labgate-scopes'].length).toBeGreaterThan(0);
      expect(Object.keys(operation.responses)).toContain(String(route.success.status));
    }
    const ids = REST_ROUTES.map((r) => r.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });
});
