import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  Kind,
  parse,
  print,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLNamedType,
} from 'graphql';
import { labgateSchema } from '../src/app';
import { introspectLabgateSchema, printLabgateSchema } from '../src/graphql/schema';

/**
 * GitLab's documented GraphQL surface (18.9) for the types in scope, kept with the tests. Each field of
 * Project, Group, Namespace and the user types is marked: unmarked (Labgate's domain), `# setting (<area>)`
 * (a stored setting of another area) or `# out of scope: <area>` (data of an area Labgate does not
 * implement); types marked `# out of scope: stub` only stand in for what in-scope fields refer to.
 */
const REFERENCE = path.join(__dirname, 'fixtures', 'gitlab-schema-in-scope.graphql');

interface SurfaceItem {
  kind: 'field' | 'argument' | 'value' | 'interface';
  type: string;
  name?: string;
  argument?: string;
  typeText?: string;
  /** `Type.field`, `Type.field(arg:)`, `Enum.VALUE` or `Type implements Interface`. */
  label: string;
}

/**
 * What Labgate must have: every field, argument and enum value of the reference's in-scope types that is
 * unmarked or a `# setting`, and the interfaces those types implement. Comments carry the marks, so the
 * reference is read twice: parsed for structure, and line by line for the mark that ends a definition.
 */
function requiredSurface(): SurfaceItem[] {
  const text = readFileSync(REFERENCE, 'utf8');
  const lines = text.split('\n');
  const markOf = (line: number) => /#\s*(out of scope|setting)[^\n]*/.exec(lines[line - 1])?.[0] ?? '';
  const items: SurfaceItem[] = [];
  for (const def of parse(text).definitions) {
    if (!('name' in def) || !def.name || !def.loc) continue;
    if (/out of scope: stub/.test(lines[def.loc.endToken.line - 1])) continue;
    const type = def.name.value;
    if ('interfaces' in def) for (const i of def.interfaces ?? []) items.push({ kind: 'interface', type, name: i.name.value, label: `${type} implements ${i.name.value}` });
    if (def.kind === Kind.ENUM_TYPE_DEFINITION) {
      for (const v of def.values ?? []) items.push({ kind: 'value', type, name: v.name.value, label: `${type}.${v.name.value}` });
    }
    if (def.kind === Kind.OBJECT_TYPE_DEFINITION || def.kind === Kind.INTERFACE_TYPE_DEFINITION || def.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION) {
      for (const f of def.fields ?? []) {
        if (/out of scope/.test(markOf(f.loc!.endToken.line))) continue;
        const label = `${type}.${f.name.value}`;
        items.push({ kind: 'field', type, name: f.name.value, typeText: print(f.type), label });
        if ('arguments' in f) {
          for (const a of f.arguments ?? []) {
            items.push({ kind: 'argument', type, name: f.name.value, argument: a.name.value, typeText: print(a.type), label: `${label}(${a.name.value}:)` });
          }
        }
      }
    }
  }
  return items;
}

/**
 * What Labgate leaves out of GitLab's documented surface, and why. Reviewed: an entry must name
 * something GitLab documents that Labgate lacks (a test fails on stale entries). `Type.*` covers a whole
 * type (fields, arguments and values) and every field returning it is listed on its own.
 */
const NO_REPOSITORIES = 'Labgate stores no repositories: no clone URLs, languages, storage sizes or repository checks';
const OTHER_AREA = 'filters or data of an area Labgate does not implement (issues, merge requests, security, compliance, pages, Duo)';
const NO_ORGANIZATIONS = 'Labgate has no organizations';
const NO_INVITES = 'Labgate has no invitations or access requests, so no member is ever pending';
const NO_APPROVALS = 'member promotion approvals belong to billing (seat management), which Labgate does not have';
const NO_EMAILS = 'Labgate keeps one e-mail address per user: no secondary, commit or notification e-mails';
const NO_2FA = 'Labgate has no two-factor authentication';
const NO_CUSTOM_ATTRIBUTES = 'custom attributes (administrator key/value pairs) are not built yet';
const NO_INSTANCE_FEATURES = 'Labgate runs no KAS agent server and has no feature flags';
const OTHER_ABILITIES = 'abilities of areas Labgate does not implement (AI catalog, issues and work items, epics, CRM, runners); the policy module has no rule for them';
const TOKENS_ENGINEER = "personal access token details owned by the access-token module's own work (IP history, date filters)";
const NO_EMAIL_EXPORT = 'an experiment that e-mails the member list as a CSV file to the requester; Labgate sends no e-mail';
const NO_MINIMAL_ACCESS = 'returned for members with the Minimal Access role (GitLab Premium), which no Labgate member can hold';

const EXCLUDED: Record<string, string> = {
  'Project.sshUrlToRepo': NO_REPOSITORIES,
  'Query.*rojects(programmingLanguageName:)': NO_REPOSITORIES,
  'Query.*rojects(lastRepositoryCheckFailed:)': NO_REPOSITORIES,
  'User.starredProjects(programmingLanguageName:)': NO_REPOSITORIES,
  'UserCore.starredProjects(programmingLanguageName:)': NO_REPOSITORIES,
  'CurrentUser.starredProjects(programmingLanguageName:)': NO_REPOSITORIES,
  'AutocompletedUser.starredProjects(programmingLanguageName:)': NO_REPOSITORIES,
  'ProjectSort.STORAGE_SIZE_ASC': NO_REPOSITORIES,
  'ProjectSort.STORAGE_SIZE_DESC': NO_REPOSITORIES,
  'NamespaceProjectSort.*_SIZE_*': NO_REPOSITORIES,
  'Group.projects(hasCodeCoverage:)': NO_REPOSITORIES,
  'Namespace.projects(hasCodeCoverage:)': NO_REPOSITORIES,
  'Query.*rojects(withDuoEligible:)': OTHER_AREA,
  'Query.*rojects(includeHidden:)': 'hidden projects are a GitLab import state Labgate does not have',
  '*.projects(complianceFrameworkFilters:)': OTHER_AREA,
  '*.projects(hasVulnerabilities:)': OTHER_AREA,
  '*.projects(sbomComponentId:)': OTHER_AREA,
  '*ComplianceFramework*.*': OTHER_AREA,
  '*.projects(withNamespaceDomainPages:)': OTHER_AREA,
  'Group.groupMembers(enterprise:)': 'enterprise users are a GitLab.com (SaaS) feature',
  'Project.organizationEditPath': NO_ORGANIZATIONS,
  'Group.organizationEditPath': NO_ORGANIZATIONS,
  'Query.topics(organizationId:)': NO_ORGANIZATIONS,
  'Group.pendingMembers': NO_INVITES,
  'PendingMemberInterface.*': NO_INVITES,
  'PendingGroupMember.*': NO_INVITES,
  'PendingProjectMember.*': NO_INVITES,
  'PendingMemberInterfaceConnection.*': NO_INVITES,
  'PendingMemberInterfaceEdge.*': NO_INVITES,
  'Project.pendingMemberApprovals': NO_APPROVALS,
  'Group.pendingMemberApprovals': NO_APPROVALS,
  'Mutation.processUserBillablePromotionRequest': NO_APPROVALS,
  'MemberApproval.*': NO_APPROVALS,
  'MemberApprovalConnection.*': NO_APPROVALS,
  'MemberApprovalEdge.*': NO_APPROVALS,
  'UsersQueuedForRolePromotion.*': NO_APPROVALS,
  'UsersQueuedForRolePromotionConnection.*': NO_APPROVALS,
  'UsersQueuedForRolePromotionEdge.*': NO_APPROVALS,
  'ProcessUserBillablePromotionRequestInput.*': NO_APPROVALS,
  'ProcessUserBillablePromotionRequestPayload.*': NO_APPROVALS,
  '*.emails': NO_EMAILS,
  '*.commitEmail': NO_EMAILS,
  'GroupMember.notificationEmail': NO_EMAILS,
  'Email.*': NO_EMAILS,
  'EmailConnection.*': NO_EMAILS,
  'EmailEdge.*': NO_EMAILS,
  'Group.requireTwoFactorAuthentication': NO_2FA,
  'Group.twoFactorGracePeriod': NO_2FA,
  '*.customAttributes': NO_CUSTOM_ATTRIBUTES,
  'CustomAttribute.*': NO_CUSTOM_ATTRIBUTES,
  'Mutation.*CustomAttribute*': NO_CUSTOM_ATTRIBUTES,
  '*CustomAttribute*Input.*': NO_CUSTOM_ATTRIBUTES,
  '*CustomAttribute*Payload.*': NO_CUSTOM_ATTRIBUTES,
  'Metadata.kas': NO_INSTANCE_FEATURES,
  'Metadata.featureFlags': NO_INSTANCE_FEATURES,
  'Kas.*': NO_INSTANCE_FEATURES,
  'GitlabInstanceFeatureFlag.*': NO_INSTANCE_FEATURES,
  'NamespacePermissions.*': OTHER_ABILITIES,
  'ProjectPermissions.adminAiCatalogItem': OTHER_ABILITIES,
  'ProjectPermissions.adminAiCatalogItemConsumer': OTHER_ABILITIES,
  'ProjectPermissions.adminIssue': OTHER_ABILITIES,
  'ProjectPermissions.adminWorkItemLifecycle': OTHER_ABILITIES,
  'ProjectPermissions.createWorkItem': OTHER_ABILITIES,
  'ProjectPermissions.importIssues': OTHER_ABILITIES,
  'ProjectPermissions.manageAiFlowTriggers': OTHER_ABILITIES,
  'ProjectPermissions.readAiCatalogItem': OTHER_ABILITIES,
  'ProjectPermissions.readAiCatalogItemConsumer': OTHER_ABILITIES,
  'ProjectPermissions.readCrmContact': OTHER_ABILITIES,
  'ProjectPermissions.readCrmOrganization': OTHER_ABILITIES,
  'ProjectPermissions.readRunnerCloudProvisioningInfo': OTHER_ABILITIES,
  'GroupPermissions.adminAiCatalogItemConsumer': OTHER_ABILITIES,
  'GroupPermissions.adminWorkItemLifecycle': OTHER_ABILITIES,
  'GroupPermissions.readRunnerCloudProvisioningInfo': OTHER_ABILITIES,
  'PersonalAccessTokenCreateInput.granularScopes': 'GitLab requires granular scopes; Labgate keeps them optional beside classic `scopes`',
  'AccessTokenPermission.*': TOKENS_ENGINEER,
  'AccessTokenGranularScope.*': TOKENS_ENGINEER,
  '*.autocompleteUsers(includeServiceAccountsForTriggerEvents:)': 'service accounts of AI flow triggers belong to Duo flows, which Labgate does not implement',
  'ProjectSettingsUpdateInput.duoContextExclusionSettings': OTHER_AREA,
  'ProjectSetting.duoContextExclusionSettings': OTHER_AREA,
  'DuoContextExclusionSettingsInput.*': OTHER_AREA,
  'UserPreferences.organizationGroupsProjectsDisplay': NO_ORGANIZATIONS,
  'UserPreferences.organizationGroupsProjectsSort': NO_ORGANIZATIONS,
  'UserPreferencesUpdateInput.organizationGroupsProjectsDisplay': NO_ORGANIZATIONS,
  'UserPreferencesUpdateInput.organizationGroupsProjectsSort': NO_ORGANIZATIONS,
  'UserPreferencesUpdateInput.duoDefaultNamespaceId': OTHER_AREA,
  'Mutation.groupMembersExport': NO_EMAIL_EXPORT,
  'GroupMembersExportInput.*': NO_EMAIL_EXPORT,
  'GroupMembersExportPayload.*': NO_EMAIL_EXPORT,
  'Todoable.*': 'to-do items belong to issues and merge requests, which Labgate does not implement',
  '* implements Todoable': 'to-do items belong to issues and merge requests, which Labgate does not implement',
  'ProjectMinimalAccess.*': NO_MINIMAL_ACCESS,
  'GroupMinimalAccess.*': NO_MINIMAL_ACCESS,
};

/** The reason an item is left out, by exact label or by a `*` pattern. */
function excludedBy(label: string): string | undefined {
  if (EXCLUDED[label]) return EXCLUDED[label];
  // The arguments of a field left out, and the interfaces of a type left out, go with it.
  const field = /^(\w+\.\w+)\(\w+:\)$/.exec(label)?.[1];
  if (field && field !== label && excludedBy(field)) return excludedBy(field);
  const implementer = /^(\w+) implements \w+$/.exec(label)?.[1];
  if (implementer && excludedBy(`${implementer}.*`)) return excludedBy(`${implementer}.*`);
  for (const [pattern, reason] of Object.entries(EXCLUDED)) {
    if (!pattern.includes('*')) continue;
    const re = new RegExp(`^${pattern.replace(/[.()]/g, (c) => `\\${c}`).replace(/\*/g, '[^ ]*')}$`);
    if (re.test(label)) return reason;
  }
  return undefined;
}

/** Types Labgate adds in GitLab's style where GitLab has no GraphQL (resource tokens, the group setting). */
const LABGATE_ADDITIONS = /^(ResourceAccessToken|ProjectAccessToken|GroupAccessToken|GroupMemberBulkUpdate|DeployToken|ProjectDeployToken|GroupDeployToken)/;

function fieldsOf(type: GraphQLNamedType): Record<string, GraphQLField<unknown, unknown> | GraphQLInputField> {
  if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) return type.getFields();
  return {};
}

describe('the emitted schema', () => {
  it('is committed under schema/ and current (run `npm run schema:update` after a schema change)', async () => {
    const schema = await labgateSchema();
    const committed = readFileSync(path.join(__dirname, '..', 'schema', 'schema.graphql'), 'utf8');
    expect(printLabgateSchema(schema).trim()).toBe(committed.trim());
    const json = JSON.parse(readFileSync(path.join(__dirname, '..', 'schema', 'introspection.json'), 'utf8'));
    expect(json).toEqual(JSON.parse(JSON.stringify(introspectLabgateSchema(schema))));
  });

  it("matches GitLab's names, argument types and nullability wherever both have a type, field or value", async () => {
    const ours = await labgateSchema();
    const reference = buildSchema(readFileSync(REFERENCE, 'utf8'));
    const problems: string[] = [];
    let compared = 0;
    for (const type of Object.values(ours.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      const theirs = reference.getType(type.name);
      if (!theirs) {
        if (!LABGATE_ADDITIONS.test(type.name)) problems.push(`type ${type.name} is not in GitLab's schema`);
        continue;
      }
      if (theirs.constructor !== type.constructor) problems.push(`${type.name} is a different kind of type`);
      if (isEnumType(type) && isEnumType(theirs)) {
        const values = new Set(theirs.getValues().map((v) => v.name));
        // GitLab 18.9 dropped the migration bot user type; Labgate keeps the accounts it may hold.
        for (const v of type.getValues()) if (!values.has(v.name) && `${type.name}.${v.name}` !== 'UserType.MIGRATION_BOT') problems.push(`enum ${type.name} has extra value ${v.name}`);
      }
      if (isUnionType(type) && isUnionType(theirs)) {
        const members = new Set(theirs.getTypes().map((t) => t.name));
        for (const t of type.getTypes()) if (!members.has(t.name)) problems.push(`union ${type.name} has extra member ${t.name}`);
      }
      if ((isObjectType(type) || isInterfaceType(type)) && (isObjectType(theirs) || isInterfaceType(theirs))) {
        const theirInterfaces = new Set(theirs.getInterfaces().map((i) => i.name));
        for (const i of type.getInterfaces()) if (!theirInterfaces.has(i.name)) problems.push(`${type.name} implements ${i.name}, GitLab's does not`);
      }
      const theirFields = fieldsOf(theirs);
      for (const [name, field] of Object.entries(fieldsOf(type))) {
        const theirField = theirFields[name];
        const label = `${type.name}.${name}`;
        if (!theirField) {
          // Labgate's additions on GitLab types: resource tokens and the top-level token setting.
          // `GroupPermissions.changeGroup` was in GitLab's schema up to 18.6; the policy module still shows it.
          if (!['GroupPermissions.changeGroup', 'Project.accessTokens', 'Group.accessTokens', 'Group.resourceAccessTokenCreationAllowed', 'GroupUpdateInput.resourceAccessTokenCreationAllowed', 'Mutation.groupMemberBulkUpdate', 'PersonalAccessTokenCreateInput.scopes'].includes(label)
            && !/^Mutation\.(project|group)(AccessToken|DeployToken)/.test(label)
            && !['Project.deployTokens', 'Group.deployTokens'].includes(label)) {
            problems.push(`field ${label} is not in GitLab's schema`);
          }
          continue;
        }
        compared += 1;
        if (String(field.type) !== String(theirField.type) && !EXCLUDED[label]) {
          problems.push(`${label}: ${String(field.type)}, GitLab has ${String(theirField.type)}`);
        }
        if ('args' in field && 'args' in theirField) {
          for (const arg of field.args) {
            const theirArg = theirField.args.find((a) => a.name === arg.name);
            if (!theirArg) problems.push(`${label}(${arg.name}:) is not in GitLab's schema`);
            else if (String(arg.type) !== String(theirArg.type)) {
              problems.push(`${label}(${arg.name}:) is ${String(arg.type)}, GitLab has ${String(theirArg.type)}`);
            }
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(compared).toBeGreaterThan(400);
  });

  it("has every field, argument and enum value GitLab documents for the types in scope (unmarked and `# setting`), or a reviewed reason for leaving it out", async () => {
    const ours = await labgateSchema();
    const missing: string[] = [];
    const required = requiredSurface().filter((item) => !excludedBy(item.label));
    // A type Labgate lacks is required only when a required field or argument refers to it.
    const referenced = new Set(required.flatMap((item) => (item.typeText ? [item.typeText.replace(/[[\]!]/g, '')] : [])));
    for (const item of required) {
      const type = ours.getType(item.type);
      if (!type) {
        if (referenced.has(item.type) || item.type === 'Query' || item.type === 'Mutation') missing.push(`${item.label}: type ${item.type} is missing`);
        continue;
      }
      if (item.kind === 'value') {
        if (!isEnumType(type) || !type.getValue(item.name!)) missing.push(`${item.label}: enum value is missing`);
        continue;
      }
      if (item.kind === 'interface') {
        if (!(isObjectType(type) || isInterfaceType(type)) || !type.getInterfaces().some((i) => i.name === item.name)) {
          missing.push(`${item.label}: ${item.type} does not implement ${item.name}`);
        }
        continue;
      }
      const field = fieldsOf(type)[item.name!];
      if (!field) {
        missing.push(`${item.label}: field is missing (${item.typeText})`);
        continue;
      }
      if (item.kind === 'field' && String(field.type) !== item.typeText) missing.push(`${item.label}: ${String(field.type)}, GitLab has ${item.typeText}`);
      if (item.kind === 'argument') {
        const arg = 'args' in field ? field.args.find((a) => a.name === item.argument) : undefined;
        if (!arg) missing.push(`${item.label}: argument is missing (${item.typeText})`);
        else if (String(arg.type) !== item.typeText) missing.push(`${item.label}: ${String(arg.type)}, GitLab has ${item.typeText}`);
      }
    }
    expect(missing).toEqual([]);
  });

  it('keeps the exclusion list honest: every entry names something GitLab documents and Labgate still lacks', async () => {
    const ours = await labgateSchema();
    const surface = new Set(requiredSurface().map((i) => i.label));
    const stale: string[] = [];
    for (const label of Object.keys(EXCLUDED)) {
      if (label.includes('*') || label.startsWith('#')) continue;
      if (!surface.has(label)) stale.push(`${label}: not in GitLab's documented surface`);
      const [typeName, rest] = label.split('.');
      const type = ours.getType(typeName);
      if (!rest) {
        if (type) stale.push(`${label}: Labgate has it now; remove the exclusion`);
        continue;
      }
      const fieldName = rest.replace(/\(.*$/, '');
      const argName = /\((\w+):\)$/.exec(rest)?.[1];
      const field = type ? fieldsOf(type)[fieldName] : undefined;
      if (type && isEnumType(type) && type.getValue(fieldName)) stale.push(`${label}: Labgate has it now; remove the exclusion`);
      if (!field) continue;
      if (!argName && label !== 'PersonalAccessTokenCreateInput.granularScopes') stale.push(`${label}: Labgate has it now; remove the exclusion`);
      if (argName && 'args' in field && field.args.some((a) => a.name === argName)) stale.push(`${label}: Labgate has it now; remove the exclusion`);
    }
    expect(stale).toEqual([]);
  });

  it('has no field that could carry a secret: no digest, hash or password anywhere, and the plaintext token only in create and rotate payloads', async () => {
    const schema = await labgateSchema();
    const suspicious: string[] = [];
    const tokenFields: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      for (const name of Object.keys(fieldsOf(type))) {
        if (/digest|hash|password|secret|encrypted/i.test(name)) suspicious.push(`${type.name}.${name}`);
        if (name === 'token') tokenFields.push(`${type.name}.${name}`);
      }
    }
    // Two Boolean settings of secret detection (whether pushes are checked for secrets): flags, not secrets.
    expect(suspicious).toEqual(['Project.preReceiveSecretDetectionEnabled', 'Project.secretPushProtectionEnabled']);
    expect(schema.getType('Project') && String((fieldsOf(schema.getType('Project')!) as any).secretPushProtectionEnabled.type)).toBe('Boolean');
    expect(tokenFields.sort()).toEqual([
      'GroupAccessTokenCreatePayload.token',
      'GroupAccessTokenRotatePayload.token',
      'GroupDeployTokenCreatePayload.token',
      'PersonalAccessTokenCreatePayload.token',
      'PersonalAccessTokenRotatePayload.token',
      'ProjectAccessTokenCreatePayload.token',
      'ProjectAccessTokenRotatePayload.token',
      'ProjectDeployTokenCreatePayload.token',
    ]);
  });
});
