import { Field, ObjectType } from 'type-graphql';
import { Authorize } from './authorization';

/**
 * The `*Permissions` types: one Boolean per ability, answered by the policy module. Each maps a
 * field to GitLab's ability name; by default the field name in snake case.
 */
function permissionType(name: string, description: string, fields: readonly string[], abilityOf: Record<string, string> = {}) {
  @ObjectType(name, { description })
  @Authorize()
  class Permissions {}
  const abilities: Record<string, string> = {};
  for (const field of fields) {
    const ability = abilityOf[field] ?? field.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
    abilities[field] = ability;
    Field(() => Boolean, { description: `Whether the current user may \`${ability}\` on this resource.` })(Permissions.prototype, field);
  }
  return {
    type: Permissions,
    /** The field values for a set of granted abilities. */
    from(granted: ReadonlySet<string>): Record<string, boolean> {
      return Object.fromEntries(Object.entries(abilities).map(([field, ability]) => [field, granted.has(ability)]));
    },
  };
}

export const ProjectPermissions = permissionType('ProjectPermissions', 'What the current user may do with a project.', [
  'adminOperations',
  'adminPathLocks',
  'adminProject',
  'adminRemoteMirror',
  'adminWiki',
  'archiveProject',
  'changeNamespace',
  'changeVisibilityLevel',
  'createDeployment',
  'createDesign',
  'createIssue',
  'createLabel',
  'createMergeRequestFrom',
  'createMergeRequestIn',
  'createPages',
  'createPathLock',
  'createPipeline',
  'createPipelineSchedule',
  'createSnippet',
  'createWiki',
  'destroyDesign',
  'destroyPages',
  'destroyWiki',
  'downloadCode',
  'downloadWikiCode',
  'forkProject',
  'generateDescription',
  'moveDesign',
  'pushCode',
  'pushToDeleteProtectedBranch',
  'readCommitStatus',
  'readCycleAnalytics',
  'readDesign',
  'readEnvironment',
  'readMergeRequest',
  'readPagesContent',
  'readPathLocks',
  'readProject',
  'readProjectMember',
  'readWiki',
  'removeForkProject',
  'removePages',
  'removeProject',
  'renameProject',
  'requestAccess',
  'updateDesign',
  'updatePages',
  'updateWiki',
  'uploadFile',
  'viewEditPage',
]);

export const GroupPermissions = permissionType(
  'GroupPermissions',
  'What the current user may do with a group.',
  ['createCustomEmoji', 'createProjects', 'generateDescription', 'readGroup', 'removeGroup', 'viewEditPage', 'archiveGroup', 'canLeave', 'changeGroup'],
  { canLeave: 'leave_group' },
);

export const NamespacePermissions = permissionType('NamespacePermissions', 'What the current user may do with a namespace.', [
  'adminIssue',
  'adminLabel',
  'adminProject',
  'createProjects',
  'createWorkItem',
  'importIssues',
  'importWorkItems',
  'readCrmContact',
  'readCrmOrganization',
  'readNamespace',
  'setNewWorkItemMetadata',
]);

export const UserPermissions = permissionType('UserPermissions', 'What the current user may do with a user account.', ['createSnippet']);
