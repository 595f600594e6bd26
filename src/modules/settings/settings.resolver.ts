import { FieldResolver, Resolver, Root, type ClassType } from 'type-graphql';
import { NamespaceSettingsType, SharedRunnersSettingEnum } from './settings.types';
import type { ReturnTypeFunc, ReturnTypeFuncValue } from 'type-graphql/build/typings/decorators/types';
import { GroupType } from '../group/group.types';
import type { Namespace } from '../namespace/namespace.entity';
import { NamespaceType } from '../namespace/namespace.types';
import type { Project } from '../project/project.entity';
import { ProjectType } from '../project/project.types';
import {
  NAMESPACE_PLAIN_SETTINGS,
  NAMESPACE_SETTINGS_WITHOUT_FIELD,
  PROJECT_PLAIN_SETTINGS,
  PROJECT_SETTINGS_WITHOUT_FIELD,
  readSetting,
  type SettingSpec,
} from './plain-settings.data';

const ENUMS: Record<string, object> = { SharedRunnersSetting: SharedRunnersSettingEnum };

function graphqlType(spec: SettingSpec): ReturnTypeFunc {
  if (spec.type === 'Boolean') return () => Boolean;
  if (spec.type === 'String') return () => String;
  const named = ENUMS[spec.type.enumName];
  return () => named as ReturnTypeFuncValue;
}

/**
 * A resolver class answering one field per setting of `specs` on `objectType`, each reading the
 * subject's stored JSON (`settingsOf`). The fields are declared from the table, as if written one by
 * one with `@FieldResolver`.
 */
function settingFields<T>(
  objectType: ClassType,
  specs: Readonly<Record<string, SettingSpec>>,
  names: readonly string[],
  settingsOf: (subject: T) => string | null,
): ClassType {
  @Resolver(() => objectType)
  class SettingFields {}
  const proto = SettingFields.prototype as unknown as Record<string, unknown>;
  for (const name of names) {
    const spec = specs[name];
    proto[name] = function read(subject: T) {
      return readSetting(specs, settingsOf(subject), name);
    };
    Root()(proto, name, 0);
    FieldResolver(graphqlType(spec), {
      nullable: spec.nullable,
      description: spec.description,
      ...(spec.deprecationReason ? { deprecationReason: spec.deprecationReason } : {}),
    })(proto, name, Object.getOwnPropertyDescriptor(proto, name)!);
  }
  return SettingFields;
}

const projectFieldNames = Object.keys(PROJECT_PLAIN_SETTINGS).filter((n) => !PROJECT_SETTINGS_WITHOUT_FIELD.has(n));
const namespaceFieldNames = Object.keys(NAMESPACE_PLAIN_SETTINGS).filter((n) => !NAMESPACE_SETTINGS_WITHOUT_FIELD.has(n));

export const ProjectSettingFieldsResolver = settingFields<Project>(ProjectType, PROJECT_PLAIN_SETTINGS, projectFieldNames, (p) => p.settings);
export const GroupSettingFieldsResolver = settingFields<Namespace>(GroupType, NAMESPACE_PLAIN_SETTINGS, namespaceFieldNames, (g) => g.settings);
export const NamespaceSettingFieldsResolver = settingFields<Namespace>(
  NamespaceType,
  NAMESPACE_PLAIN_SETTINGS,
  namespaceFieldNames.filter((n) => NAMESPACE_PLAIN_SETTINGS[n].on === 'namespace'),
  (ns) => ns.settings,
);

/** `namespaceSettings` of a group or namespace, read from the same stored JSON. */
function namespaceSettingsField(objectType: ClassType): ClassType {
  @Resolver(() => objectType)
  class NamespaceSettingsField {
    @FieldResolver(() => NamespaceSettingsType, { nullable: true, description: 'Settings of the namespace kept together.' })
    namespaceSettings(@Root() ns: Namespace): NamespaceSettingsType {
      return { stepUpAuthRequiredOauthProvider: readSetting(NAMESPACE_PLAIN_SETTINGS, ns.settings, 'stepUpAuthRequiredOauthProvider') as string | null };
    }
  }
  return NamespaceSettingsField;
}

export const GroupNamespaceSettingsResolver = namespaceSettingsField(GroupType);
export const NamespaceNamespaceSettingsResolver = namespaceSettingsField(NamespaceType);

/** Every resolver of this module, for the schema. */
export const SETTINGS_RESOLVERS = [
  ProjectSettingFieldsResolver,
  GroupSettingFieldsResolver,
  NamespaceSettingFieldsResolver,
  GroupNamespaceSettingsResolver,
  NamespaceNamespaceSettingsResolver,
] as const;
