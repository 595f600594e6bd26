import { Field, ObjectType, registerEnumType } from 'type-graphql';
import { Authorize } from '../../graphql/authorization';
import { NAMESPACE_PLAIN_SETTINGS, SHARED_RUNNERS_SETTINGS } from './plain-settings.data';

/** GitLab's `SharedRunnersSetting`. */
export const SharedRunnersSettingEnum = Object.fromEntries(SHARED_RUNNERS_SETTINGS.map((v) => [v, v])) as Record<(typeof SHARED_RUNNERS_SETTINGS)[number], string>;
registerEnumType(SharedRunnersSettingEnum, {
  name: 'SharedRunnersSetting',
  description: 'Whether instance runners are available to a namespace.',
  valuesConfig: {
    DISABLED_AND_OVERRIDABLE: { description: 'Off, and a subgroup may turn it on.' },
    DISABLED_AND_UNOVERRIDABLE: { description: 'Off, and no subgroup may turn it on.' },
    ENABLED: { description: 'On.' },
  },
});

/** GitLab's `NamespaceSettings`: settings of a namespace GitLab groups under one object. */
@ObjectType('NamespaceSettings', { description: 'Settings of a namespace kept together.' })
@Authorize()
export class NamespaceSettingsType {
  @Field(() => String, { nullable: true, description: NAMESPACE_PLAIN_SETTINGS.stepUpAuthRequiredOauthProvider.description })
  stepUpAuthRequiredOauthProvider!: string | null;
}

