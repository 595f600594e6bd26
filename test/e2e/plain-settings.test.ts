import { startHarness, type Harness } from '../helpers/harness';
import type { User } from '../../src/modules/user/user.entity';
import { NAMESPACE_PLAIN_SETTINGS, NAMESPACE_SETTINGS_WITHOUT_FIELD, PROJECT_PLAIN_SETTINGS, PROJECT_SETTINGS_WITHOUT_FIELD } from '../../src/modules/settings/plain-settings.data';

/**
 * The `# setting` fields of Project, Group and Namespace: GitLab's defaults while unset, the stored
 * value once set, `groupUpdate` for the group settings GitLab's mutation takes (Owners only), and the
 * project settings written through the service (`admin_project`) read back over HTTP.
 *
 *   top (public; olivia Owner, mike Maintainer) / top/sub (public) / top/sub/app (public project)
 */
describe('plain settings of projects, groups and namespaces', () => {
  let h: Harness;
  const u: Record<string, User> = {};
  const tokens: Record<string, string> = {};

  beforeAll(async () => {
    h = await startHarness();
    for (const name of ['olivia', 'mike', 'rita']) {
      u[name] = await h.createUser(name);
      tokens[name] = (await h.createPat(u[name], ['api'])).secret;
    }
    const top = await h.createGroup('top', { visibility: 'public', owner: u.olivia });
    await h.createGroup('sub', { parent: 'top', visibility: 'public' });
    const app = await h.createProject('app', 'top/sub', { visibility: 'public' });
    await h.addMember({ group: top }, u.mike, 'maintainer');
    await h.addMember({ project: app }, u.rita, 'developer');
  });
  afterAll(() => h.close());

  const gql = (query: string, variables: Record<string, unknown> = {}, who = 'olivia') => h.gql(query, variables, { token: tokens[who] });
  const projectFields = Object.keys(PROJECT_PLAIN_SETTINGS).filter((n) => !PROJECT_SETTINGS_WITHOUT_FIELD.has(n));
  const groupFields = Object.keys(NAMESPACE_PLAIN_SETTINGS).filter((n) => !NAMESPACE_SETTINGS_WITHOUT_FIELD.has(n));
  const namespaceFields = groupFields.filter((n) => NAMESPACE_PLAIN_SETTINGS[n].on === 'namespace');

  async function project(path = 'top/sub/app') {
    const res = await gql(`query($p: ID!) { project(fullPath: $p) { ${projectFields.join(' ')} issuesEnabled mergeRequestsEnabled duoFeaturesEnabled } }`, { p: path });
    expect(res.errors).toBeUndefined();
    return res.data.project;
  }

  async function group(path: string) {
    const res = await gql(`query($p: ID!) { group(fullPath: $p) { ${groupFields.join(' ')} namespaceSettings { stepUpAuthRequiredOauthProvider } } }`, { p: path });
    expect(res.errors).toBeUndefined();
    return res.data.group;
  }

  async function namespace(path: string) {
    const res = await gql(`query($p: ID!) { namespace(fullPath: $p) { ${namespaceFields.join(' ')} namespaceSettings { stepUpAuthRequiredOauthProvider } } }`, { p: path });
    expect(res.errors).toBeUndefined();
    return res.data.namespace;
  }

  const groupUpdate = (input: Record<string, unknown>, who = 'olivia') =>
    gql(
      'mutation($input: GroupUpdateInput!) { groupUpdate(input: $input) { errors group { fullPath name duoFeaturesEnabled sharedRunnersSetting webBasedCommitSigningEnabled mathRenderingLimitsEnabled lockMathRenderingLimitsEnabled lockDuoFeaturesEnabled namespaceSettings { stepUpAuthRequiredOauthProvider } } } }',
      { input },
      who,
    );

  it("answers GitLab's defaults while nothing is stored", async () => {
    expect(await project()).toMatchObject({
      allowMergeOnSkippedPipeline: false,
      allowsMultipleMergeRequestAssignees: false,
      autocloseReferencedIssues: true,
      ciConfigPathOrDefault: '.gitlab-ci.yml',
      containerRegistryEnabled: true,
      issuesEnabled: true,
      mergeRequestsEnabled: true,
      jobsEnabled: true,
      lfsEnabled: true,
      mergeCommitTemplate: null,
      onlyAllowMergeIfPipelineSucceeds: false,
      printingMergeRequestLinkEnabled: true,
      publicJobs: true,
      removeSourceBranchAfterMerge: true,
      secretPushProtectionEnabled: false,
      preReceiveSecretDetectionEnabled: false,
      sharedRunnersEnabled: true,
      squashReadOnly: false,
      wikiEnabled: true,
      duoFeaturesEnabled: true,
    });
    expect(await group('top')).toMatchObject({
      allowStaleRunnerPruning: false,
      autoDevopsEnabled: null,
      duoFeaturesEnabled: true,
      emailsEnabled: true,
      emailsDisabled: false,
      lfsEnabled: true,
      mathRenderingLimitsEnabled: true,
      mentionsDisabled: null,
      mergeRequestsEnabled: true,
      sharedRunnersSetting: 'ENABLED',
      webBasedCommitSigningEnabled: false,
      namespaceSettings: { stepUpAuthRequiredOauthProvider: null },
    });
    expect(await namespace('olivia')).toMatchObject({ lfsEnabled: true, sharedRunnersSetting: 'ENABLED', crossProjectPipelineAvailable: false });
  });

  it('stores what groupUpdate sets, for an Owner, and answers it on the group and on its namespace', async () => {
    const res = await groupUpdate({
      fullPath: 'top',
      duoFeaturesEnabled: false,
      lockDuoFeaturesEnabled: true,
      mathRenderingLimitsEnabled: false,
      lockMathRenderingLimitsEnabled: true,
      sharedRunnersSetting: 'DISABLED_AND_UNOVERRIDABLE',
      stepUpAuthRequiredOauthProvider: 'github',
      webBasedCommitSigningEnabled: true,
    });
    expect(res.errors).toBeUndefined();
    expect(res.data.groupUpdate).toEqual({
      errors: [],
      group: {
        fullPath: 'top',
        name: 'top',
        duoFeaturesEnabled: false,
        lockDuoFeaturesEnabled: true,
        mathRenderingLimitsEnabled: false,
        lockMathRenderingLimitsEnabled: true,
        sharedRunnersSetting: 'DISABLED_AND_UNOVERRIDABLE',
        webBasedCommitSigningEnabled: true,
        namespaceSettings: { stepUpAuthRequiredOauthProvider: 'github' },
      },
    });
    expect(await namespace('top')).toMatchObject({ sharedRunnersSetting: 'DISABLED_AND_UNOVERRIDABLE', namespaceSettings: { stepUpAuthRequiredOauthProvider: 'github' } });
    // Settings left out (or sent as null) keep their value; an empty provider clears it.
    await groupUpdate({ fullPath: 'top', duoFeaturesEnabled: null, stepUpAuthRequiredOauthProvider: '' });
    expect(await group('top')).toMatchObject({ duoFeaturesEnabled: false, namespaceSettings: { stepUpAuthRequiredOauthProvider: null } });
  });

  it('refuses to turn instance runners on below a group that forbids it, changing nothing', async () => {
    const res = await groupUpdate({ fullPath: 'top/sub', name: 'Renamed', sharedRunnersSetting: 'ENABLED' });
    expect(res.errors).toBeUndefined();
    expect(res.data.groupUpdate).toEqual({ errors: ['Shared runners enabled cannot be enabled because parent group has shared Runners disabled'], group: null });
    const overridable = await groupUpdate({ fullPath: 'top/sub', sharedRunnersSetting: 'DISABLED_AND_OVERRIDABLE' });
    expect(overridable.data.groupUpdate.errors).toEqual(['Allow descendants override disabled shared runners cannot be enabled because parent group does not allow it']);
    const sub = await gql('{ group(fullPath: "top/sub") { name sharedRunnersSetting } }');
    expect(sub.data.group).toEqual({ name: 'sub', sharedRunnersSetting: 'ENABLED' });
    // Once the parent allows it again, the subgroup may choose.
    await groupUpdate({ fullPath: 'top', sharedRunnersSetting: 'DISABLED_AND_OVERRIDABLE' });
    expect((await groupUpdate({ fullPath: 'top/sub', sharedRunnersSetting: 'DISABLED_AND_OVERRIDABLE' })).data.groupUpdate.errors).toEqual([]);
    expect((await group('top/sub')).sharedRunnersSetting).toBe('DISABLED_AND_OVERRIDABLE');
  });

  it('lets only Owners change group settings, and answers others as for a group they cannot find', async () => {
    const before = await h.rowCounts();
    const res = await groupUpdate({ fullPath: 'top', duoFeaturesEnabled: true }, 'mike');
    expect(res.errors?.[0].message).toBe("The resource that you are attempting to access does not exist or you don't have permission to perform this action");
    expect((await group('top')).duoFeaturesEnabled).toBe(false);
    expect(await h.rowCounts()).toEqual(before);
  });

  it('refuses a value that is not one of the enum values, with a validation error', async () => {
    const res = await groupUpdate({ fullPath: 'top', sharedRunnersSetting: 'SOMETIMES' });
    expect(res.errors?.[0].message).toMatch(/SharedRunnersSetting/);
  });

  it('stores project settings for whoever may administer the project, and answers them over HTTP', async () => {
    await h.app.services.projectFeatures.updateSettings(h.as(u.mike), 'top/sub/app', {
      plain: { onlyAllowMergeIfPipelineSucceeds: true, mergeCommitTemplate: 'Merge %{source_branch}', ciConfigPath: 'ci/main.yml', secretPushProtectionEnabled: true, wikiEnabled: false },
    });
    expect(await project()).toMatchObject({
      onlyAllowMergeIfPipelineSucceeds: true,
      mergeCommitTemplate: 'Merge %{source_branch}',
      ciConfigPathOrDefault: 'ci/main.yml',
      secretPushProtectionEnabled: true,
      preReceiveSecretDetectionEnabled: true,
      wikiEnabled: false,
      removeSourceBranchAfterMerge: true,
    });
    // projectSettingsUpdate keeps them.
    const res = await gql('mutation { projectSettingsUpdate(input: { fullPath: "top/sub/app", duoFeaturesEnabled: false }) { errors } }');
    expect(res.data.projectSettingsUpdate.errors).toEqual([]);
    expect(await project()).toMatchObject({ duoFeaturesEnabled: false, onlyAllowMergeIfPipelineSucceeds: true, wikiEnabled: false });
    // null puts the default back.
    await h.app.services.projectFeatures.updateSettings(h.as(u.mike), 'top/sub/app', { plain: { mergeCommitTemplate: null, wikiEnabled: null } });
    expect(await project()).toMatchObject({ mergeCommitTemplate: null, wikiEnabled: true, ciConfigPathOrDefault: 'ci/main.yml' });
  });

  it('refuses project settings from a Developer, of the wrong kind, or derived, changing nothing', async () => {
    const before = await project();
    await expect(h.app.services.projectFeatures.updateSettings(h.as(u.rita), 'top/sub/app', { plain: { publicJobs: false } })).rejects.toThrow(/permission/);
    await expect(h.app.services.projectFeatures.updateSettings(h.as(u.mike), 'top/sub/app', { plain: { publicJobs: 'no' as never } })).rejects.toThrow('publicJobs must be true or false');
    await expect(h.app.services.projectFeatures.updateSettings(h.as(u.mike), 'top/sub/app', { plain: { ciConfigPathOrDefault: 'x' } })).rejects.toThrow('ciConfigPathOrDefault is not a setting that can be changed');
    await expect(h.app.services.projectFeatures.updateSettings(h.as(u.mike), 'top/sub/app', { plain: { squashReadOnly: null } })).rejects.toThrow('squashReadOnly cannot be null');
    expect(await project()).toEqual(before);
  });
});

describe('plain preferences of users', () => {
  let h: Harness;
  const tokens: Record<string, string> = {};
  let ann: User;

  beforeAll(async () => {
    h = await startHarness();
    ann = await h.createUser('ann');
    tokens.ann = (await h.createPat(ann, ['api'])).secret;
    tokens.bob = (await h.createPat(await h.createUser('bob'), ['api'])).secret;
  });
  afterAll(() => h.close());

  const PREFERENCES = 'issuesSort mergeRequestDashboardListType mergeRequestDashboardShowDrafts useWorkItemsView visibilityPipelineIdType workItemsDisplaySettings projectsSort';
  const update = (input: Record<string, unknown>) =>
    h.gql(`mutation($input: UserPreferencesUpdateInput!) { userPreferencesUpdate(input: $input) { errors userPreferences { ${PREFERENCES} } } }`, { input }, { token: tokens.ann });

  it("answers GitLab's defaults, and the IDE and Gitpod settings of an instance without Gitpod or Duo", async () => {
    const res = await h.gql(`{ currentUser { gitpodEnabled preferencesGitpodPath profileEnableGitpodPath ide { codeSuggestionsEnabled } userPreferences { ${PREFERENCES} } } }`, {}, { token: tokens.ann });
    expect(res.errors).toBeUndefined();
    expect(res.data.currentUser).toEqual({
      gitpodEnabled: false,
      preferencesGitpodPath: null,
      profileEnableGitpodPath: null,
      ide: { codeSuggestionsEnabled: false },
      userPreferences: {
        issuesSort: null,
        mergeRequestDashboardListType: 'ACTION_BASED',
        mergeRequestDashboardShowDrafts: true,
        useWorkItemsView: false,
        visibilityPipelineIdType: 'ID',
        workItemsDisplaySettings: {},
        projectsSort: null,
      },
    });
  });

  it('stores what userPreferencesUpdate sets, for the user alone', async () => {
    const res = await update({
      issuesSort: 'TITLE_ASC',
      mergeRequestDashboardListType: 'ROLE_BASED',
      mergeRequestDashboardShowDrafts: false,
      mergeRequestsSort: 'MERGED_AT_DESC',
      useWorkItemsView: true,
      visibilityPipelineIdType: 'IID',
      workItemsDisplaySettings: { shouldOpenItemsInSidePanel: false },
      projectsSort: 'NAME_ASC',
    });
    expect(res.errors).toBeUndefined();
    const expected = {
      issuesSort: 'TITLE_ASC',
      mergeRequestDashboardListType: 'ROLE_BASED',
      mergeRequestDashboardShowDrafts: false,
      useWorkItemsView: true,
      visibilityPipelineIdType: 'IID',
      workItemsDisplaySettings: { shouldOpenItemsInSidePanel: false },
      projectsSort: 'NAME_ASC',
    };
    expect(res.data.userPreferencesUpdate).toEqual({ errors: [], userPreferences: expected });
    const read = await h.gql(`{ currentUser { userPreferences { ${PREFERENCES} } } }`, {}, { token: tokens.ann });
    expect(read.data.currentUser.userPreferences).toEqual(expected);
    const fresh = (await h.app.services.users.findById(h.system(), ann.id))!;
    expect(h.app.services.users.preferences(h.as(fresh), fresh)).toMatchObject({ mergeRequestsSort: 'MERGED_AT_DESC' });
    // Another user sees none of them.
    const other = await h.gql('{ user(username: "ann") { userPreferences { issuesSort } } }', {}, { token: tokens.bob });
    expect(other.data.user.userPreferences).toBeNull();
    // Null clears a sort order and leaves a switch as it is.
    const cleared = await update({ issuesSort: null, useWorkItemsView: null });
    expect(cleared.data.userPreferencesUpdate.userPreferences).toMatchObject({ issuesSort: null, useWorkItemsView: true });
  });

  it('refuses display settings that are not a JSON object, and values outside the enums, changing nothing', async () => {
    const before = await h.gql(`{ currentUser { userPreferences { ${PREFERENCES} } } }`, {}, { token: tokens.ann });
    const res = await update({ workItemsDisplaySettings: [1, 2], useWorkItemsView: false });
    expect(res.data.userPreferencesUpdate).toEqual({ errors: ['Work items display settings must be a valid json schema'], userPreferences: null });
    const bad = await update({ visibilityPipelineIdType: 'NUMBER' });
    expect(bad.errors?.[0].message).toMatch(/VisibilityPipelineIdType/);
    const after = await h.gql(`{ currentUser { userPreferences { ${PREFERENCES} } } }`, {}, { token: tokens.ann });
    expect(after.data).toEqual(before.data);
  });
});
