import type { ProtectedBranchRule } from '../../modules/repository/protected-branch.service';
import { PROTECTED_REF_LEVELS } from '../../modules/repository/protected-branch.service';
import { conflict, recordNotFound, RestError } from '../errors';
import { attempt } from '../failure-statuses';
import { BOOLEAN } from '../params';
import { ID_PARAM, object, type RestCall, type RestRoute } from '../route';

/**
 * Protected branches of a project (`lib/api/protected_branches.rb`): list, get, protect, unprotect, for
 * Maintainers (`admin_project`). Access levels are GitLab's: 0 No one, 30 Developers + Maintainers,
 * 40 Maintainers, 60 Administrators. Labgate keeps role levels only (no user, group or deploy key entries).
 */

const ACCESS_LEVEL = { type: 'integer', enum: Object.keys(PROTECTED_REF_LEVELS).map(Number) };
const ACCESS_LEVEL_ENTRY = object({
  id: { type: 'integer' },
  access_level: { type: 'integer' },
  access_level_description: { type: 'string' },
  user_id: { type: 'integer', nullable: true },
  group_id: { type: 'integer', nullable: true },
});
const PROTECTED_BRANCH = object({
  id: { type: 'integer' },
  name: { type: 'string' },
  push_access_levels: { type: 'array', items: ACCESS_LEVEL_ENTRY },
  merge_access_levels: { type: 'array', items: ACCESS_LEVEL_ENTRY },
  unprotect_access_levels: { type: 'array', items: ACCESS_LEVEL_ENTRY },
  allow_force_push: { type: 'boolean' },
  code_owner_approval_required: { type: 'boolean' },
});
const NAME_PARAMS = object({ id: ID_PARAM, name: { type: 'string', description: 'The branch name or wildcard.' } }, ['id', 'name']);

/** GitLab's `ProtectedBranch` entity. */
function protectedBranch(rule: ProtectedBranchRule) {
  const level = (entry: { id: number; accessLevel: number }, push: boolean) => ({
    id: entry.id,
    access_level: entry.accessLevel,
    access_level_description: PROTECTED_REF_LEVELS[entry.accessLevel] ?? 'No one',
    ...(push ? { deploy_key_id: null } : {}),
    user_id: null,
    group_id: null,
  });
  return {
    id: rule.branch.id,
    name: rule.branch.name,
    push_access_levels: rule.push.map((entry) => level(entry, true)),
    merge_access_levels: rule.merge.map((entry) => level(entry, false)),
    unprotect_access_levels: [],
    allow_force_push: rule.branch.allowForcePush,
    code_owner_approval_required: rule.branch.codeOwnerApprovalRequired,
  };
}

/**
 * No fine-grained permission: Labgate's catalogue has none for these endpoints (inferred from the
 * reference, which lists no endpoint mapping for them), so a fine-grained token is refused here.
 */
const common = {
  permission: null,
  tags: ['protected_branches'] as string[],
  auth: 'required',
  resource: 'project',
  boundary: 'project',
  ability: { name: 'admin_project', denied: 'forbidden' },
} as const;

export const PROTECTED_BRANCH_ROUTES: RestRoute[] = [
  {
    ...common,
    method: 'GET',
    url: '/projects/:id/protected_branches',
    operationId: 'listProtectedBranches',
    summary: "A project's protected branches (names and wildcards), by name.",
    params: object({ id: ID_PARAM }, ['id']),
    querystring: object({ search: { type: 'string', description: 'Names containing this text.' } }),
    success: { status: 200, description: 'The protected branches.', schema: { type: 'array', items: PROTECTED_BRANCH } },
    errors: { 403: 'Not a Maintainer', 404: 'Project not found' },
    handler: async (call: RestCall) => (await call.ctx.services.protectedBranches.list(call.ctx, call.project, call.query.search)).map(protectedBranch),
  },
  {
    ...common,
    method: 'GET',
    url: '/projects/:id/protected_branches/:name',
    operationId: 'getProtectedBranch',
    summary: 'One protected branch or wildcard, by name.',
    params: NAME_PARAMS,
    success: { status: 200, description: 'The protected branch.', schema: PROTECTED_BRANCH },
    errors: { 403: 'Not a Maintainer', 404: 'Not protected' },
    handler: async (call: RestCall) => {
      const rule = await call.ctx.services.protectedBranches.find(call.ctx, call.project, call.params.name);
      if (!rule) throw recordNotFound();
      return protectedBranch(rule);
    },
  },
  {
    ...common,
    method: 'POST',
    url: '/projects/:id/protected_branches',
    operationId: 'protectBranch',
    summary: 'Protects a branch or wildcard (push and merge default to Maintainers).',
    params: object({ id: ID_PARAM }, ['id']),
    body: object(
      {
        name: { type: 'string', minLength: 1 },
        push_access_level: ACCESS_LEVEL,
        merge_access_level: ACCESS_LEVEL,
        allow_force_push: BOOLEAN,
        code_owner_approval_required: BOOLEAN,
      },
      ['name'],
    ),
    success: { status: 201, description: 'The protected branch.', schema: PROTECTED_BRANCH },
    errors: { 403: 'Not a Maintainer', 409: 'Already protected', 422: 'Invalid' },
    handler: async (call: RestCall) => {
      const { body } = call;
      const rule = await attempt(
        () =>
          call.ctx.services.protectedBranches.protect(call.ctx, call.project, {
            name: body.name,
            pushAccessLevel: body.push_access_level,
            mergeAccessLevel: body.merge_access_level,
            allowForcePush: body.allow_force_push,
            codeOwnerApprovalRequired: body.code_owner_approval_required,
          }),
        {
          rule: ({ messages }) =>
            messages[0]?.endsWith('already exists') ? conflict(messages[0]) : new RestError(422, { message: messages }),
        },
      );
      return protectedBranch(rule);
    },
  },
  {
    ...common,
    method: 'DELETE',
    url: '/projects/:id/protected_branches/:name',
    operationId: 'unprotectBranch',
    summary: 'Removes the protection of a branch or wildcard.',
    params: NAME_PARAMS,
    success: { status: 204, description: 'Unprotected.' },
    errors: { 403: 'Not a Maintainer', 404: 'Not protected' },
    handler: async (call: RestCall) => {
      if (!(await call.ctx.services.protectedBranches.unprotect(call.ctx, call.project, call.params.name))) throw recordNotFound();
      return null;
    },
  },
];
