import { PROJECT_PLAIN_SETTINGS, readSetting } from '../settings/plain-settings.data';

/**
 * Settings stored with a project (the `settings` JSON column): feature access levels and plain flags
 * of areas Labgate does not implement, kept so that a client can read back what it set.
 */
export interface ProjectSettings {
  forkingAccessLevel: number;
  issuesAccessLevel: number;
  mergeRequestsAccessLevel: number;
  /** Who reaches the repository (Git and the code): GitLab's `repository_access_level`. */
  repositoryAccessLevel: number;
  duoFeaturesEnabled: boolean;
  webBasedCommitSigningEnabled: boolean;
}

/** GitLab's `ProjectFeature` levels. */
export const FEATURE_LEVELS = { DISABLED: 0, PRIVATE: 10, ENABLED: 20 } as const;

const DEFAULTS: ProjectSettings = {
  forkingAccessLevel: FEATURE_LEVELS.ENABLED,
  issuesAccessLevel: FEATURE_LEVELS.ENABLED,
  mergeRequestsAccessLevel: FEATURE_LEVELS.ENABLED,
  repositoryAccessLevel: FEATURE_LEVELS.ENABLED,
  // GitLab's column defaults.
  duoFeaturesEnabled: true,
  webBasedCommitSigningEnabled: false,
};

export function projectSettings(stored: string | null): ProjectSettings {
  if (!stored) return { ...DEFAULTS };
  try {
    return { ...DEFAULTS, ...(JSON.parse(stored) as Partial<ProjectSettings>) };
  } catch {
    return { ...DEFAULTS };
  }
}

/** `{ integerValue, stringValue }` of a level. */
export function featureAccess(level: number): { integerValue: number; stringValue: 'DISABLED' | 'PRIVATE' | 'ENABLED' } {
  const name = level >= FEATURE_LEVELS.ENABLED ? 'ENABLED' : level >= FEATURE_LEVELS.PRIVATE ? 'PRIVATE' : 'DISABLED';
  return { integerValue: FEATURE_LEVELS[name], stringValue: name };
}

/** The project's container registry feature level (`FEATURE_LEVELS`), from its stored settings. */
export function containerRegistryAccessLevel(stored: string | null): number {
  const name = readSetting(PROJECT_PLAIN_SETTINGS, stored, 'containerRegistryAccessLevel');
  return name === 'disabled' ? FEATURE_LEVELS.DISABLED : name === 'private' ? FEATURE_LEVELS.PRIVATE : FEATURE_LEVELS.ENABLED;
}
