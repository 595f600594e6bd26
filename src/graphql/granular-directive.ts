import { getDirective, MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  defaultFieldResolver,
  DirectiveLocation,
  getNamedType,
  GraphQLDirective,
  GraphQLError,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  GraphQLString,
  isInterfaceType,
  isObjectType,
  Kind,
  parse,
  type ConstDirectiveNode,
  type FieldDefinitionNode,
  type GraphQLFieldConfig,
  type GraphQLFieldResolver,
  type GraphQLNamedType,
  type GraphQLSchema,
  type ObjectTypeDefinitionNode,
} from 'graphql';
import { Directive } from 'type-graphql';
import { granularDenial, projectResource, UNABLE_BOUNDARIES, UNABLE_BOUNDARIES_AND_PERMISSIONS, type GranularResource } from '../auth/granular';
import { RAW_PERMISSIONS } from '../auth/granular-permissions';
import { Namespace } from '../modules/namespace/namespace.entity';
import { Project } from '../modules/project/project.entity';
import { reachOf, subjectOfType, type SubjectKind, type Subjects } from '../policy/subjects';
import { declaredAbility } from './authorization';
import type { RequestContext } from '../core/context';
import { MODELS, type GlobalId } from '../core/global-id';

/**
 * Fine-grained tokens in the schema: every field says which granular permission a fine-grained token
 * needs to read it, and on which resource, with `@granularScope`, declared where GitLab declares it
 * (on the field; else on the type that owns the field; else on the type the field returns) and enforced
 * here only. The check is in addition to the abilities of `@authorize`: a fine-grained token narrows
 * what its user may do, never widens it.
 *
 *   @granularScope(permissions: ["read_project"])                          on a type: every field of an
 *       object of that type needs the permission on that object (GitLab's `authorize_granular_token`);
 *   @granularScope(permissions: ["read_member"], boundary: "parent")       on a field: on its object;
 *   @granularScope(permissions: ["read_project"], boundary: "result")      on the object the field returns;
 *   @granularScope(permissions: ["read_project"], boundary: "user")        on the user (or "instance");
 *   @granularScope(permissions: ["update_group"], boundaryArgument: "input.fullPath")
 *                                                                          on the project or group an
 *       argument names (a full path or a global ID), checked before the resolver runs;
 *   @granularScope(permissions: [])                                        open to fine-grained tokens
 *       (a field that reveals nothing about any resource).
 *
 * Types and fields of other modules need no decorator: a type's `@authorize(ability:)` gives its
 * permission where the mapping is plain (`ABILITY_PERMISSIONS`), and `FIELD_DECLARATIONS` holds the root
 * fields and the fields whose permission differs from their type's. Whatever is declared, declared or
 * derived, is printed in the SDL. A field of a resource type without any declaration refuses
 * fine-grained tokens ("Unable to determine boundaries and permissions for authorization"), and
 * test/security/granular-permissions.test.ts fails on it.
 *
 * Not checked, as in GitLab: fields of mutation payloads (the mutation is checked), and fields of value
 * types (`@authorize` without an ability: access levels, permission sets, page info), which belong to
 * the object they were read from. Fields of connections and edges belong to the field that returned
 * the connection; the items' own fields are checked by their type.
 */
export const GRANULAR_DIRECTIVE = 'granularScope';

export const granularScopeDirective = new GraphQLDirective({
  name: GRANULAR_DIRECTIVE,
  description:
    'The permission a fine-grained access token needs to read this field (on a field) or any field of an object of this type (on a type), and on which resource.',
  locations: [DirectiveLocation.FIELD_DEFINITION, DirectiveLocation.OBJECT, DirectiveLocation.INTERFACE],
  args: {
    permissions: { type: new GraphQLNonNull(new GraphQLList(new GraphQLNonNull(GraphQLString))) },
    boundary: { type: GraphQLString },
    boundaryArgument: { type: GraphQLString },
  },
});

export type GranularBoundary = 'parent' | 'result' | 'user' | 'instance';

export interface GranularDeclaration {
  permissions: readonly string[];
  /** Where the resource comes from; ignored when `boundaryArgument` is set. Default `parent`. */
  boundary?: GranularBoundary;
  /** Dotted path of the argument naming the resource (`fullPath`, `input.projectPath`, `input.groupId`). */
  boundaryArgument?: string;
}

/** Declares the granular permission of a field or type (see above). */
export const GranularScope = (declaration: GranularDeclaration) => Directive(directiveSource(declaration));

function directiveSource(d: GranularDeclaration): string {
  const args = [`permissions: [${d.permissions.map((p) => JSON.stringify(p)).join(', ')}]`];
  if (d.boundaryArgument) args.push(`boundaryArgument: ${JSON.stringify(d.boundaryArgument)}`);
  else if (d.boundary) args.push(`boundary: ${JSON.stringify(d.boundary)}`);
  return `@${GRANULAR_DIRECTIVE}(${args.join(', ')})`;
}

/** The subject an object of a type is (policy/subjects.ts), for a type that is a resource. */
const resourceKindOf = (typeName: string): SubjectKind | null => (typeName === 'Query' ? null : subjectOfType(typeName));

/**
 * The granular permission an `@authorize` ability stands for, where the mapping is plain. A type
 * declaring such an ability needs no `@granularScope` of its own; an ability not listed here needs one.
 */
export const ABILITY_PERMISSIONS: Readonly<Record<string, string>> = {
  read_project: 'read_project',
  read_group: 'read_group',
  read_namespace: 'read_group',
  read_user: 'read_user',
  read_project_member: 'read_member',
  read_group_member: 'read_member',
  read_user_personal_access_tokens: 'read_personal_access_token',
  read_resource_access_tokens: 'read_resource_access_token',
  read_deploy_token: 'read_deploy_token',
  read_instance_metadata: 'read_metadata',
};

/**
 * Types read only through a list whose own field is checked: a membership is read through the
 * project's or group's member list (`read_member` on that project or group, as GitLab's
 * `GET /projects/:id/members/all`, which lists the members inherited from its groups too) or through a
 * user's memberships (`read_user`). Its fields belong to that list; the objects they lead to (its
 * user, project, group) are checked by their own types.
 */
const COVERED_BY_LIST: ReadonlySet<string> = new Set(['ProjectMember', 'GroupMember', 'MemberInterface']);

const ROOT_READ = (permission: string, boundary: GranularBoundary): GranularDeclaration => ({ permissions: [permission], boundary });
const ON_ARGUMENT = (permission: string, boundaryArgument: string): GranularDeclaration => ({ permissions: [permission], boundaryArgument });
const OPEN: GranularDeclaration = { permissions: [] };

/**
 * Root fields, and fields whose permission differs from their type's (GitLab's REST table, section 7 of
 * the reference, for the same operation). Root fields declared with `@GranularScope` in their own
 * module do not appear here.
 */
export const FIELD_DECLARATIONS: Readonly<Record<string, GranularDeclaration>> = {
  'Query.currentUser': ROOT_READ('read_user', 'user'),
  'Query.user': ROOT_READ('read_user', 'user'),
  'Query.users': ROOT_READ('read_user', 'user'),
  'Query.project': ROOT_READ('read_project', 'result'),
  'Query.projects': ROOT_READ('read_project', 'user'),
  'Query.group': ROOT_READ('read_group', 'result'),
  'Query.groups': ROOT_READ('read_group', 'user'),
  'Query.namespace': ROOT_READ('read_group', 'result'),
  'Query.metadata': ROOT_READ('read_metadata', 'instance'),
  // `echo` answers with the caller's username: the user's own data.
  'Query.echo': ROOT_READ('read_user', 'user'),
  // Nothing about any resource: the query's own cost.
  'Query.queryComplexity': OPEN,
  // Writes nothing and answers with its own input, like `echo`: the user's own business.
  'Mutation.echoCreate': ROOT_READ('read_user', 'user'),

  'Mutation.groupUpdate': ON_ARGUMENT('update_group', 'input.fullPath'),
  'Mutation.groupMemberBulkUpdate': ON_ARGUMENT('update_member', 'input.groupId'),
  'Mutation.projectMemberBulkUpdate': ON_ARGUMENT('update_member', 'input.projectId'),
  // `POST /projects/:id/star` and `unstar`, both granted by `update_project`.
  'Mutation.starProject': { permissions: ['star_project', 'unstar_project'], boundaryArgument: 'input.projectId' },
  'Mutation.projectAccessTokenCreate': ON_ARGUMENT('create_resource_access_token', 'input.projectPath'),
  'Mutation.projectAccessTokenRevoke': ON_ARGUMENT('delete_resource_access_token', 'input.projectPath'),
  'Mutation.projectAccessTokenRotate': ON_ARGUMENT('rotate_resource_access_token', 'input.projectPath'),
  'Mutation.groupAccessTokenCreate': ON_ARGUMENT('create_resource_access_token', 'input.groupPath'),
  'Mutation.groupAccessTokenRevoke': ON_ARGUMENT('delete_resource_access_token', 'input.groupPath'),
  'Mutation.groupAccessTokenRotate': ON_ARGUMENT('rotate_resource_access_token', 'input.groupPath'),

  // Lists below a group: GitLab's `GET /groups/:id/projects` (read_project), subgroups (read_group).
  'Group.projects': { permissions: ['read_project'], boundary: 'parent' },
  'Namespace.projects': { permissions: ['read_project'], boundary: 'parent' },
  'Group.descendantGroups': { permissions: ['read_descendant_group'], boundary: 'parent' },
  // `GET /users/:user_id/starred_projects`.
  'UserCore.starredProjects': { permissions: ['read_starred_project'], boundary: 'parent' },
  'CurrentUser.starredProjects': { permissions: ['read_starred_project'], boundary: 'parent' },
  'AutocompletedUser.starredProjects': { permissions: ['read_starred_project'], boundary: 'parent' },
};

/** How one field is treated. */
export type FieldRule =
  | { kind: 'check'; declaration: GranularDeclaration; from: 'field' | 'table' | 'ability' | 'type' | 'return type' }
  | { kind: 'open' }
  /** Covered by another check: a payload, a value type, a connection or edge. */
  | { kind: 'covered'; why: string }
  | { kind: 'undeclared' };

function declarationOn(schema: GraphQLSchema, node: Parameters<typeof getDirective>[1]): GranularDeclaration | undefined {
  const found = getDirective(schema, node, GRANULAR_DIRECTIVE)?.[0];
  if (!found) return undefined;
  return {
    permissions: found.permissions as string[],
    boundary: found.boundary as GranularBoundary | undefined,
    boundaryArgument: found.boundaryArgument as string | undefined,
  };
}

/** A type's own declaration: its directive, the table, or its `@authorize` ability. */
export function typeDeclaration(schema: GraphQLSchema, type: GraphQLNamedType): { declaration: GranularDeclaration; from: 'field' | 'type' } | null {
  if (!isObjectType(type) && !isInterfaceType(type)) return null;
  const own = declarationOn(schema, type);
  if (own) return { declaration: own, from: 'field' };
  if (COVERED_BY_LIST.has(type.name)) return null;
  const ability = declaredAbility(schema, type);
  const mapped = ability ? ABILITY_PERMISSIONS[ability] : undefined;
  return mapped ? { declaration: { permissions: [mapped] }, from: 'type' } : null;
}

const isValueType = (schema: GraphQLSchema, type: GraphQLNamedType) =>
  (isObjectType(type) || isInterfaceType(type)) && declaredAbility(schema, type) === null;

/**
 * The rule of every field of every object type, decided once per schema: GitLab's lookup order (the
 * field, the type that owns it, the type it returns), with Labgate's tables as defaults.
 */
export function granularRules(schema: GraphQLSchema): Map<string, FieldRule> {
  const rules = new Map<string, FieldRule>();
  const roots = new Set([schema.getQueryType()?.name, schema.getMutationType()?.name]);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__')) continue;
    for (const [name, field] of Object.entries(type.getFields())) {
      const key = `${type.name}.${name}`;
      rules.set(key, fieldRule(schema, type, field, key, roots.has(type.name)));
    }
  }
  return rules;
}

function fieldRule(
  schema: GraphQLSchema,
  owner: GraphQLObjectType,
  field: { astNode?: FieldDefinitionNode | null; type: Parameters<typeof getNamedType>[0] } & Parameters<typeof getDirective>[1],
  key: string,
  root: boolean,
): FieldRule {
  const explicit = declarationOn(schema, field);
  const declared = explicit ?? FIELD_DECLARATIONS[key];
  if (declared) return declared.permissions.length ? { kind: 'check', declaration: declared, from: explicit ? 'field' : 'table' } : { kind: 'open' };
  if (root) return { kind: 'undeclared' };
  if (owner.name.endsWith('Payload')) return { kind: 'covered', why: 'mutation payload' };
  if (/(Connection|Edge)$/.test(owner.name)) return { kind: 'covered', why: 'connection' };
  if (isValueType(schema, owner)) return { kind: 'covered', why: 'value' };
  if (COVERED_BY_LIST.has(owner.name)) return { kind: 'covered', why: 'list' };
  // A field-level ability with a plain mapping: on the field's object.
  const ability = declaredAbility(schema, field);
  if (ability && ABILITY_PERMISSIONS[ability]) {
    return { kind: 'check', declaration: { permissions: [ABILITY_PERMISSIONS[ability]], boundary: 'parent' }, from: 'ability' };
  }
  const ownerDeclaration = typeDeclaration(schema, owner);
  if (ownerDeclaration && resourceKindOf(owner.name)) {
    return { kind: 'check', declaration: { permissions: ownerDeclaration.declaration.permissions, boundary: 'parent' }, from: 'type' };
  }
  const returned = getNamedType(field.type);
  if (!isObjectType(returned) && !isInterfaceType(returned)) return { kind: 'undeclared' };
  const returnedDeclaration = typeDeclaration(schema, returned);
  if (returnedDeclaration && resourceKindOf(returned.name)) {
    return { kind: 'check', declaration: { permissions: returnedDeclaration.declaration.permissions, boundary: 'result' }, from: 'return type' };
  }
  return { kind: 'undeclared' };
}

/**
 * What a fine-grained token needs, as committed data: each declared type's permission, and each field
 * whose rule is not simply its type's (`permissions @ boundary`, `open` or `UNDECLARED`). Fields of a
 * declared type that the snapshot does not list need the type's permission on their object.
 */
export function granularSnapshot(schema: GraphQLSchema): { types: Record<string, string>; fields: Record<string, string> } {
  const types: Record<string, string> = {};
  for (const type of Object.values(schema.getTypeMap()).sort((a, b) => a.name.localeCompare(b.name))) {
    if (type.name.startsWith('__')) continue;
    const declared = typeDeclaration(schema, type);
    if (declared) types[type.name] = declared.declaration.permissions.join(' ');
  }
  const fields: Record<string, string> = {};
  const rules = granularRules(schema);
  for (const key of [...rules.keys()].sort()) {
    const rule = rules.get(key)!;
    if (rule.kind === 'covered') continue;
    if (rule.kind === 'open') fields[key] = 'open';
    else if (rule.kind === 'undeclared') fields[key] = 'UNDECLARED';
    else if (rule.from !== 'type') {
      const d = rule.declaration;
      fields[key] = `${d.permissions.join(' ')} @ ${d.boundaryArgument ? `argument ${d.boundaryArgument}` : (d.boundary ?? 'parent')}`;
    }
  }
  return { types, fields };
}

/** The fields a fine-grained token can never read, for want of a declaration. */
export function undeclaredFields(schema: GraphQLSchema): string[] {
  return [...granularRules(schema)].filter(([, rule]) => rule.kind === 'undeclared').map(([key]) => key).sort();
}

export class GranularPermissionError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: 'INSUFFICIENT_GRANULAR_SCOPE' } });
  }
}

/** The key of an object for the per-request memo, without loading anything. */
function objectKey(kind: SubjectKind, value: unknown): string {
  if (kind === 'instance') return 'instance';
  if (kind === 'user' || kind === 'personalAccessToken') return 'user';
  // A group is checked as its namespace, a membership as its source, whichever type it is read as.
  const shared = kind === 'group' ? 'namespace' : kind === 'projectMember' || kind === 'groupMember' ? 'member' : kind;
  return `${shared}:${(value as { id: number }).id}`;
}

/**
 * The resource an object is, for the check (null when it cannot be told): what decides for it
 * (policy/subjects.ts), as a granular boundary. Any user, and a personal token, is the user boundary.
 */
async function resourceOf(ctx: RequestContext, kind: SubjectKind, value: unknown): Promise<GranularResource | null> {
  if (kind === 'user' || kind === 'personalAccessToken') return { kind: 'user' };
  const reach = await reachOf(ctx, kind, value as Subjects[SubjectKind]);
  if (!reach) return null;
  switch (reach.kind) {
    case 'instance':
    case 'user':
      return { kind: reach.kind };
    case 'project':
      return projectResource(ctx, reach.project);
    case 'group':
      return { kind: 'namespace', namespace: reach.group };
    case 'namespace':
      return { kind: 'namespace', namespace: reach.namespace };
  }
}

/** The concrete kind of a value returned through an interface or union: by the runtime type. */
function kindOfValue(declaredType: GraphQLNamedType, value: unknown): SubjectKind | null {
  const direct = resourceKindOf(declaredType.name);
  if (direct) return direct;
  if (value instanceof Project) return 'project';
  if (value instanceof Namespace) return 'namespace';
  return null;
}

/** The project or group an argument names: a global ID or a full path. Hidden ones are not found. */
async function resourceFromArgument(ctx: RequestContext, args: Record<string, unknown>, path: string): Promise<GranularResource | null> {
  let value: unknown = args;
  for (const part of path.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[part] : undefined;
  let resource: GranularResource | null = null;
  if (value && typeof value === 'object' && 'model' in value) {
    const gid = value as GlobalId;
    if (gid.model === MODELS.project) {
      const project = await ctx.loaders.projects.load(gid.id);
      resource = project && (await ctx.app.policy.can(ctx, 'project', project, 'read_project')) ? await projectResource(ctx, project) : null;
    } else if (gid.model === MODELS.group || gid.model === MODELS.namespace) {
      const ns = await ctx.loaders.namespaces.load(gid.id);
      resource = ns && (await ctx.app.policy.can(ctx, 'namespace', ns, 'read_namespace')) ? { kind: 'namespace', namespace: ns } : null;
    }
  } else if (typeof value === 'string' && value !== '') {
    const ds = ctx.app.dataSource;
    const project = await ds.getRepository(Project).createQueryBuilder('p').where('LOWER(p.full_path) = LOWER(:path)', { path: value }).getOne();
    if (project) {
      resource = (await ctx.app.policy.can(ctx, 'project', project, 'read_project')) ? await projectResource(ctx, project) : null;
    } else {
      const ns = await ds.getRepository(Namespace).createQueryBuilder('n').where('LOWER(n.full_path) = LOWER(:path)', { path: value }).getOne();
      resource = ns && (await ctx.app.policy.can(ctx, 'namespace', ns, 'read_namespace')) ? { kind: 'namespace', namespace: ns } : null;
    }
  }
  return resource;
}

/** Checks one object; throws GitLab's message when the token may not. Memoized per request. */
async function checkObject(ctx: RequestContext, permissions: readonly string[], kind: SubjectKind, value: unknown): Promise<void> {
  const key = `granular-object:${permissions.join(',')}:${objectKey(kind, value)}`;
  const denial = await ctx.memo(key, async () => {
    const resource = await resourceOf(ctx, kind, value);
    return granularDenial(ctx, permissions, resource ? [resource] : []);
  });
  if (denial) throw new GranularPermissionError(denial);
}

const isGranularRequest = (ctx: RequestContext | undefined) => ctx?.principal?.token?.granular === true;

type Resolver = GraphQLFieldResolver<unknown, RequestContext>;

/** The resolver with its check; decided once here, so that each call only does what its rule needs. */
function wrap(rule: FieldRule, resolve: Resolver, ownerKind: SubjectKind | null, returned: GraphQLNamedType): Resolver | null {
  if (rule.kind === 'open' || rule.kind === 'covered') return null;
  if (rule.kind === 'undeclared') {
    return (source, args, ctx, info) => {
      if (isGranularRequest(ctx)) throw new GranularPermissionError(UNABLE_BOUNDARIES_AND_PERMISSIONS);
      return resolve(source, args, ctx, info);
    };
  }
  const { permissions, boundary = 'parent', boundaryArgument } = rule.declaration;
  // Each wrapper tests the token first and, for any other token, calls the resolver as it is: no
  // promise, no closure, nothing else.
  if (boundaryArgument) {
    const checked = async (source: unknown, args: Record<string, unknown>, ctx: RequestContext, info: Parameters<Resolver>[3]) => {
      const resource = await resourceFromArgument(ctx, args, boundaryArgument);
      const denial = await granularDenial(ctx, permissions, resource ? [resource] : []);
      if (denial) throw new GranularPermissionError(denial === UNABLE_BOUNDARIES_AND_PERMISSIONS ? UNABLE_BOUNDARIES : denial);
      return resolve(source, args, ctx, info);
    };
    return (source, args, ctx, info) => (isGranularRequest(ctx) ? checked(source, args, ctx, info) : resolve(source, args, ctx, info));
  }
  if (boundary === 'user' || boundary === 'instance') {
    return (source, args, ctx, info) =>
      isGranularRequest(ctx) ? checkObject(ctx, permissions, boundary, null).then(() => resolve(source, args, ctx, info)) : resolve(source, args, ctx, info);
  }
  if (boundary === 'parent') {
    if (!ownerKind) return wrap({ kind: 'undeclared' }, resolve, null, returned);
    return (source, args, ctx, info) =>
      isGranularRequest(ctx) ? checkObject(ctx, permissions, ownerKind, source).then(() => resolve(source, args, ctx, info)) : resolve(source, args, ctx, info);
  }
  // On the returned object(s), once the policy has had its say (a hidden object is null, not an error).
  const checkResult = async (value: unknown, ctx: RequestContext) => {
    if (value === null || value === undefined) return value;
    for (const item of Array.isArray(value) ? value : [value]) {
      if (item === null || item === undefined) continue;
      const kind = kindOfValue(returned, item);
      if (!kind) throw new GranularPermissionError(UNABLE_BOUNDARIES);
      await checkObject(ctx, permissions, kind, item);
    }
    return value;
  };
  return (source, args, ctx, info) =>
    isGranularRequest(ctx) ? Promise.resolve(resolve(source, args, ctx, info)).then((value) => checkResult(value, ctx)) : resolve(source, args, ctx, info);
}

/** The directive as an SDL node, to print what was derived beside what was written. */
function directiveNode(declaration: GranularDeclaration): ConstDirectiveNode {
  const doc = parse(`type X { f: Int ${directiveSource(declaration)} }`);
  return (doc.definitions[0] as ObjectTypeDefinitionNode).fields![0].directives![0] as ConstDirectiveNode;
}

function withDirective<T extends { directives?: readonly ConstDirectiveNode[] }>(node: T | null | undefined, fallback: () => T, declaration: GranularDeclaration): T {
  const base = node ?? fallback();
  if (base.directives?.some((d) => d.name.value === GRANULAR_DIRECTIVE)) return base;
  return { ...base, directives: [...(base.directives ?? []), directiveNode(declaration)] };
}

/**
 * Enforces `@granularScope` on every object field: `(schema) => schema`, rules decided once here. For
 * any token that is not fine-grained, a checked field costs one property test per call.
 */
export function enforceGranular(schema: GraphQLSchema): GraphQLSchema {
  const { typeStep, fieldStep } = granularSteps(schema);
  return mapSchema(schema, { [MapperKind.OBJECT_TYPE]: typeStep, [MapperKind.OBJECT_FIELD]: fieldStep });
}

/**
 * `enforceGranular` as steps of a single pass over the schema (graphql/schema.ts): one for each object
 * type (the derived declaration printed on it), one for each of its fields.
 */
export function granularSteps(schema: GraphQLSchema) {
  const rules = granularRules(schema);
  const roots = new Set([schema.getQueryType()?.name, schema.getMutationType()?.name, schema.getSubscriptionType()?.name]);
  for (const [key, rule] of rules) {
    if (rule.kind === 'check') {
      for (const p of rule.declaration.permissions) if (!RAW_PERMISSIONS.has(p)) throw new Error(`${key}: @${GRANULAR_DIRECTIVE} names unknown permission ${p}`);
    }
  }
  return {
    typeStep: (type: GraphQLObjectType): GraphQLObjectType => {
      const declared = typeDeclaration(schema, type);
      if (!declared || declared.from === 'field') return type;
      const config = type.toConfig();
      const fallback = (): ObjectTypeDefinitionNode => ({ kind: Kind.OBJECT_TYPE_DEFINITION, name: { kind: Kind.NAME, value: type.name } });
      return new GraphQLObjectType({ ...config, astNode: withDirective(config.astNode, fallback, declared.declaration) });
    },
    fieldStep: <S>(fieldConfig: GraphQLFieldConfig<S, RequestContext>, fieldName: string, typeName: string): GraphQLFieldConfig<S, RequestContext> => {
      const rule = rules.get(`${typeName}.${fieldName}`);
      if (!rule) return fieldConfig;
      const resolve = (fieldConfig.resolve ?? defaultFieldResolver) as Resolver;
      const wrapped = wrap(rule, resolve, roots.has(typeName) ? null : resourceKindOf(typeName), getNamedType(fieldConfig.type));
      if (!wrapped) return fieldConfig;
      let astNode = fieldConfig.astNode;
      // What a table or an ability gave a field is printed on it; what its type gave, on the type.
      if (rule.kind === 'check' && rule.from !== 'field' && rule.from !== 'type') {
        const fallback = (): FieldDefinitionNode => ({
          kind: Kind.FIELD_DEFINITION,
          name: { kind: Kind.NAME, value: fieldName },
          type: { kind: Kind.NAMED_TYPE, name: { kind: Kind.NAME, value: getNamedType(fieldConfig.type).name } },
        });
        astNode = withDirective(fieldConfig.astNode, fallback, rule.declaration);
      }
      return { ...fieldConfig, astNode, resolve: wrapped as GraphQLFieldResolver<S, RequestContext> };
    },
  };
}
