import { Field, ObjectType } from 'type-graphql';
import { permissionFields, type AbilityList } from '../policy/conditions';
import { GROUP_ABILITIES, NAMESPACE_ABILITIES, PROJECT_ABILITIES, USER_ABILITIES } from '../policy/abilities';
import { Authorize } from './authorization';

/**
 * The `*Permissions` types: one Boolean per ability that GitLab shows, generated from the policy's
 * ability lists (which say which abilities are shown, and under which field name).
 */
function permissionType(name: string, description: string, list: AbilityList) {
  @ObjectType(name, { description })
  @Authorize()
  class Permissions {}
  const fields = permissionFields(list);
  for (const [field, ability] of Object.entries(fields)) {
    Field(() => Boolean, { description: `Whether the current user may \`${ability}\` on this resource.` })(Permissions.prototype, field);
  }
  const pairs = Object.entries(fields);
  return {
    type: Permissions,
    /** The field values for a set of granted abilities. */
    from(granted: ReadonlySet<string>): Record<string, boolean> {
      const values: Record<string, boolean> = {};
      for (const [field, ability] of pairs) values[field] = granted.has(ability);
      return values;
    },
  };
}

export const ProjectPermissions = permissionType('ProjectPermissions', 'What the current user may do with a project.', PROJECT_ABILITIES);
export const GroupPermissions = permissionType('GroupPermissions', 'What the current user may do with a group.', GROUP_ABILITIES);
export const NamespacePermissions = permissionType('NamespacePermissions', 'What the current user may do with a namespace.', NAMESPACE_ABILITIES);
export const UserPermissions = permissionType('UserPermissions', 'What the current user may do with a user account.', USER_ABILITIES);
