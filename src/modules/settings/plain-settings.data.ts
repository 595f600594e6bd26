/**
 * Plain settings of areas Labgate does not implement (merge requests, CI, pages, security...), stored
 * so that a client reads back what was set: each is a key of the subject's `settings` JSON column
 * (`projects.settings`, `namespaces.settings`), answered with GitLab's default while unset.
 *
 * Each setting is described once here; the GraphQL fields (settings.resolver.ts), the services that
 * write them and their validation are generated from these tables.
 */

export type SettingValue = boolean | string | null;

export interface SettingSpec {
  /** GraphQL type of the field: a scalar, or an enum whose values are listed. */
  type: 'Boolean' | 'String' | { enumName: string; values: readonly string[] };
  nullable: boolean;
  /** GitLab's value while nothing is stored. */
  default: SettingValue;
  description: string;
  deprecationReason?: string;
  /** Answered from other settings (and not stored itself). */
  derived?: (read: (name: string) => SettingValue) => SettingValue;
}

const EXPERIMENT_18_2 = '**Status**: Experiment. Introduced in GitLab 18.2.';
const EXPERIMENT_18_3 = '**Status**: Experiment. Introduced in GitLab 18.3.';

/** GitLab's `SharedRunnersSetting` values. */
export const SHARED_RUNNERS_SETTINGS = ['DISABLED_AND_OVERRIDABLE', 'DISABLED_AND_UNOVERRIDABLE', 'ENABLED'] as const;

const bool = (value: boolean, description: string, nullable = true): SettingSpec => ({ type: 'Boolean', nullable, default: value, description });
const text = (description: string): SettingSpec => ({ type: 'String', nullable: true, default: null, description });

/** GitLab's project feature levels of the container registry, as its REST API spells them. */
export const CONTAINER_REGISTRY_ACCESS_LEVELS = ['disabled', 'private', 'enabled'] as const;

/** Stored with a project. */
export const PROJECT_PLAIN_SETTINGS: Readonly<Record<string, SettingSpec>> = {
  allowMergeOnSkippedPipeline: bool(false, 'Whether a merge request may be merged when its pipeline was skipped.'),
  allowsMultipleMergeRequestAssignees: bool(false, 'Whether a merge request may have several assignees.', false),
  allowsMultipleMergeRequestReviewers: bool(false, 'Whether a merge request may have several reviewers.', false),
  autocloseReferencedIssues: bool(true, 'Whether issues referenced by a merged merge request are closed on the default branch.'),
  ciConfigPath: text('Path of the CI configuration file, when not the default.'),
  ciConfigPathOrDefault: {
    type: 'String',
    nullable: false,
    default: '.gitlab-ci.yml',
    description: 'Path of the CI configuration file: the one set, or `.gitlab-ci.yml`.',
    derived: (read) => read('ciConfigPath') ?? '.gitlab-ci.yml',
  },
  containerRegistryAccessLevel: {
    type: { enumName: 'ContainerRegistryAccessLevel', values: CONTAINER_REGISTRY_ACCESS_LEVELS },
    nullable: false,
    default: 'enabled',
    description: "Who may use the project's container registry (GitLab's REST `container_registry_access_level`).",
  },
  containerRegistryEnabled: {
    type: 'Boolean',
    nullable: true,
    default: true,
    description: 'Whether the container registry is enabled.',
    // GitLab's legacy flag: the registry is on unless its access level is `disabled`.
    derived: (read) => read('containerRegistryAccessLevel') !== 'disabled',
  },
  containerScanningForRegistryEnabled: bool(false, 'Whether images pushed to the registry are scanned.'),
  hasJiraVulnerabilityIssueCreationEnabled: bool(false, 'Whether Jira issues may be created from vulnerabilities.', false),
  jobsEnabled: bool(true, 'Whether CI/CD jobs are enabled.'),
  lfsEnabled: bool(true, 'Whether Git LFS is enabled.'),
  mergeCommitTemplate: text('Template of merge commit messages.'),
  mergeRequestTitleRegex: text('Regular expression merge request titles must match.'),
  mergeRequestTitleRegexDescription: text('Explanation shown when a title does not match `mergeRequestTitleRegex`.'),
  mergeRequestsDisableCommittersApproval: bool(false, 'Whether committers are kept from approving merge requests they committed to.', false),
  mergeRequestsFfOnlyEnabled: bool(false, 'Whether only fast-forward merges are allowed.'),
  onlyAllowMergeIfAllDiscussionsAreResolved: bool(false, 'Whether every thread must be resolved before a merge.'),
  onlyAllowMergeIfAllStatusChecksPassed: bool(false, 'Whether every external status check must pass before a merge.'),
  onlyAllowMergeIfPipelineSucceeds: bool(false, 'Whether the pipeline must succeed before a merge.'),
  pagesForceHttps: bool(false, 'Whether Pages sites are served over HTTPS only.', false),
  pagesUseUniqueDomain: bool(false, 'Whether the Pages site has a domain of its own.', false),
  preReceiveSecretDetectionEnabled: {
    type: 'Boolean',
    nullable: true,
    default: false,
    description: 'Former name of `secretPushProtectionEnabled`.',
    deprecationReason: 'Use `secret_push_protection_enabled` instead. Deprecated in GitLab 17.6.',
    derived: (read) => read('secretPushProtectionEnabled'),
  },
  preventMergeWithoutJiraIssueEnabled: bool(false, 'Whether a merge needs a Jira issue key.', false),
  printingMergeRequestLinkEnabled: bool(true, 'Whether a push answers with the link to create or view a merge request.'),
  publicJobs: bool(true, 'Whether anyone who can see the project can see its job logs and artifacts.'),
  removeSourceBranchAfterMerge: bool(true, 'Whether the source branch is removed after a merge by default.'),
  secretPushProtectionEnabled: bool(false, 'Whether pushes are checked for secrets.'),
  serviceDeskEnabled: bool(false, 'Whether the Service Desk is enabled.'),
  sharedRunnersEnabled: bool(true, 'Whether instance runners run jobs of the project.'),
  snippetsEnabled: bool(true, 'Whether snippets are enabled.'),
  squashCommitTemplate: text('Template of squash commit messages.'),
  squashReadOnly: bool(false, 'Whether the squash choice is imposed (always or never) rather than left to each merge request.', false),
  suggestionCommitMessage: text('Commit message used when a suggestion is applied.'),
  wikiEnabled: bool(true, 'Whether the wiki is enabled.'),
};

/** Project settings answered without a field of their own (read through another one). */
export const PROJECT_SETTINGS_WITHOUT_FIELD: ReadonlySet<string> = new Set(['ciConfigPath', 'containerRegistryAccessLevel']);

/** Stored with a group's namespace; the `namespace` ones also with a personal namespace. */
export const NAMESPACE_PLAIN_SETTINGS: Readonly<Record<string, SettingSpec & { on: 'group' | 'namespace' }>> = {
  allowStaleRunnerPruning: { ...bool(false, 'Whether stale runners of the group are removed regularly.', false), on: 'group' },
  autoDevopsEnabled: { type: 'Boolean', nullable: true, default: null, description: 'Whether Auto DevOps is enabled; null to follow the instance.', on: 'group' },
  crossProjectPipelineAvailable: { ...bool(false, 'Whether pipelines may trigger pipelines of other projects.', false), on: 'namespace' },
  duoFeaturesEnabled: { ...bool(true, 'Whether GitLab Duo features are enabled.'), on: 'group' },
  emailsEnabled: { ...bool(true, 'Whether notification e-mails are sent.'), on: 'group' },
  emailsDisabled: {
    type: 'Boolean',
    nullable: true,
    default: false,
    description: 'The opposite of `emailsEnabled`.',
    deprecationReason: 'Use `emails_enabled` instead. Deprecated in GitLab 16.5.',
    derived: (read) => !read('emailsEnabled'),
    on: 'group',
  },
  epicsEnabled: { ...bool(false, 'Whether epics are available.'), on: 'group' },
  lfsEnabled: { ...bool(true, 'Whether Git LFS is enabled.'), on: 'namespace' },
  lockDuoFeaturesEnabled: { ...bool(false, 'Whether `duoFeaturesEnabled` is imposed on every subgroup.'), on: 'group' },
  lockMathRenderingLimitsEnabled: { ...bool(false, 'Whether `mathRenderingLimitsEnabled` is imposed on every subgroup.'), on: 'group' },
  mathRenderingLimitsEnabled: { ...bool(true, 'Whether math rendering is limited.'), on: 'group' },
  mentionsDisabled: { type: 'Boolean', nullable: true, default: null, description: 'Whether mentioning the group notifies nobody.', on: 'group' },
  mergeRequestsEnabled: { ...bool(true, 'Whether merge requests are enabled.', false), deprecationReason: EXPERIMENT_18_3, on: 'namespace' },
  sharedRunnersSetting: {
    type: { enumName: 'SharedRunnersSetting', values: SHARED_RUNNERS_SETTINGS },
    nullable: true,
    default: 'ENABLED',
    description: 'Whether instance runners are available to the namespace and everything below it.',
    on: 'namespace',
  },
  webBasedCommitSigningEnabled: { ...bool(false, 'Whether commits made in the web interface are signed.', false), deprecationReason: EXPERIMENT_18_2, on: 'group' },
  stepUpAuthRequiredOauthProvider: { ...text('OAuth provider whose step-up authentication the group requires.'), on: 'group' },
};

/** Namespace settings answered through `namespaceSettings` rather than a field of their own. */
export const NAMESPACE_SETTINGS_WITHOUT_FIELD: ReadonlySet<string> = new Set(['stepUpAuthRequiredOauthProvider']);

const parsedCache = new Map<string, Record<string, unknown>>();

function parse(stored: string | null): Record<string, unknown> {
  if (!stored) return {};
  let parsed = parsedCache.get(stored);
  if (!parsed) {
    try {
      const value: unknown = JSON.parse(stored);
      parsed = value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
    } catch {
      parsed = {};
    }
    // A bounded cache: the same row is read once per field.
    if (parsedCache.size > 1000) parsedCache.clear();
    parsedCache.set(stored, parsed);
  }
  return parsed;
}

/** The value of one setting in a subject's stored JSON: the stored one, or GitLab's default. */
export function readSetting(specs: Readonly<Record<string, SettingSpec>>, stored: string | null, name: string): SettingValue {
  const spec = specs[name];
  const read = (other: string) => readSetting(specs, stored, other);
  if (spec.derived) return spec.derived(read);
  const saved = parse(stored)[name];
  return saved === undefined ? spec.default : (saved as SettingValue);
}

/**
 * The stored JSON with `changes` applied; a message per value of the wrong kind. Derived settings and
 * names not in `specs` are refused, so nothing but a known setting is ever written.
 */
export function applySettings(
  specs: Readonly<Record<string, SettingSpec>>,
  stored: string | null,
  changes: Record<string, SettingValue | undefined>,
): { json: string; errors: string[] } {
  const next: Record<string, unknown> = { ...parse(stored) };
  const errors: string[] = [];
  for (const [name, value] of Object.entries(changes)) {
    if (value === undefined) continue;
    const spec = specs[name];
    if (!spec || spec.derived) {
      errors.push(`${name} is not a setting that can be changed`);
      continue;
    }
    if (value === null || (value === '' && spec.type === 'String')) {
      if (spec.type === 'Boolean' && !spec.nullable) errors.push(`${name} cannot be null`);
      else delete next[name];
      continue;
    }
    if (spec.type === 'Boolean' && typeof value !== 'boolean') errors.push(`${name} must be true or false`);
    else if (spec.type === 'String' && typeof value !== 'string') errors.push(`${name} must be a string`);
    else if (typeof spec.type === 'object' && !spec.type.values.includes(String(value))) errors.push(`${name} must be one of: ${spec.type.values.join(', ')}`);
    else if (typeof value === 'string' && (value.length > 255 || value.includes('\u0000'))) errors.push(`${name} is too long (maximum is 255 characters) or holds a null byte`);
    else next[name] = value;
  }
  return { json: JSON.stringify(next), errors };
}
