import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { isInterfaceType, isUnionType, type GraphQLFieldConfig, type GraphQLFieldResolver, type GraphQLSchema, type GraphQLTypeResolver } from 'graphql';
import { builtMetadata, declaredTypeResolvers, type FieldResolverMetadata, type ParamMetadata } from './adapters/type-graphql-metadata';

type Resolver = GraphQLFieldResolver<unknown, unknown>;

/**
 * type-graphql calls every field through a wrapper made for its general case: for each call it makes
 * a `resolverData` object, looks the resolver instance up in its container, runs the (empty) list of
 * middlewares, sorts and maps the parameter list and checks each for a promise; a plain property is
 * read through the same machinery. On a page of 2,900 nodes that was a fifth of the request's CPU.
 * Labgate uses none of what the general case is for (no middlewares, no auth checker, no custom
 * parameter decorators), so each field's call is decided here once:
 *
 * - a plain `@Field` property is read directly;
 * - a `@FieldResolver` method of a `@Resolver` class whose parameters are only `@Root`, `@Ctx` and
 *   `@Info` is called directly with them;
 * - anything else (arguments, which type-graphql turns into class instances; a root that is not yet
 *   an instance of the class type-graphql would convert it to) keeps type-graphql's resolver, per
 *   call where the root decides.
 *
 * Run on type-graphql's schema before Labgate's own wrappers (scopes, abilities, deadline): the first
 * step of the single pass in graphql/schema.ts.
 */
export function directResolvers(schema: GraphQLSchema, resolverClasses: readonly Function[]): GraphQLSchema {
  return mapSchema(schema, { [MapperKind.OBJECT_FIELD]: directResolverStep(resolverClasses) });
}

/** `directResolvers` as one step of a single pass over the schema's fields (graphql/schema.ts). */
export function directResolverStep(resolverClasses: readonly Function[]) {
  // The metadata as type-graphql builds it for a schema (resolvers inherited from abstract classes
  // mapped onto the classes given), and the same search for each field's resolver as its generator's.
  const storage = builtMetadata(resolverClasses);
  const candidates = storage.fieldResolvers.filter((it) => it.kind === 'internal' || resolverClasses.includes(it.target));
  const instances = new Map<Function, Record<string, unknown>>();
  const instanceOf = (target: Function) => {
    let instance = instances.get(target);
    if (!instance) instances.set(target, (instance = new (target as new () => Record<string, unknown>)()));
    return instance;
  };

  const decided = new Map<string, ((original: Resolver) => Resolver) | null>();
  for (const type of storage.objectTypes) {
    const interfaceFields = storage.interfaceTypes.filter((it) => type.interfaceClasses?.includes(it.target)).flatMap((it) => it.fields ?? []);
    // In this order, a later field of the same name replaces an earlier one, as in the generator.
    for (const field of [...interfaceFields, ...(type.fields ?? [])]) {
      const key = `${type.name}.${field.schemaName}`;
      const meta = candidates.find((it) => it.getObjectType?.() === field.target && it.methodName === field.name);
      if (field.middlewares?.length || field.roles || (meta && (meta.middlewares?.length || meta.roles))) decided.set(key, null);
      else if (!meta) decided.set(key, plainProperty(field.name));
      else decided.set(key, meta.kind === 'external' ? directCall(meta, instanceOf(meta.target)) : null);
    }
  }

  return <S, C>(config: GraphQLFieldConfig<S, C>, fieldName: string, typeName: string): GraphQLFieldConfig<S, C> => {
    const decide = decided.get(`${typeName}.${fieldName}`);
    if (!decide || !config.resolve) return config;
    return { ...config, resolve: decide(config.resolve as Resolver) as GraphQLFieldResolver<S, C> };
  };
}

/** A field type-graphql reads from its root's property of the same name (`@Field` on a property). */
const plainProperty = (property: string) => () => (root: unknown) => (root as Record<string, unknown>)[property];

/** The method called with its root, context and info; null when a parameter needs type-graphql. */
function directCall(meta: FieldResolverMetadata, instance: Record<string, unknown>): ((original: Resolver) => Resolver) | null {
  const params = [...(meta.params ?? [])].sort((a, b) => a.index - b.index);
  if (params.some((p) => p.kind !== 'root' && p.kind !== 'context' && p.kind !== 'info')) return null;
  const method = instance[meta.methodName];
  if (typeof method !== 'function') return null;
  // type-graphql converts a root to the parameter's class when it is not an instance of it already;
  // such a root is left to type-graphql.
  const rootClass = params.find((p) => p.kind === 'root')?.getType?.();
  const rootReady = (root: unknown) =>
    typeof rootClass !== 'function' || rootClass === Object || (root !== null && root !== undefined && root instanceof rootClass);
  const value = (p: ParamMetadata, root: unknown, context: unknown, info: unknown) => {
    if (p.kind === 'info') return info;
    const source = p.kind === 'root' ? root : context;
    return p.propertyName ? (source as Record<string, unknown>)[p.propertyName] : source;
  };
  return (original) => {
    if (params.length === 1) {
      const [a] = params;
      return (root, args, context, info) => (rootReady(root) ? method.call(instance, value(a, root, context, info)) : original(root, args, context, info));
    }
    if (params.length === 2) {
      const [a, b] = params;
      return (root, args, context, info) =>
        rootReady(root) ? method.call(instance, value(a, root, context, info), value(b, root, context, info)) : original(root, args, context, info);
    }
    return (root, args, context, info) =>
      rootReady(root) ? method.apply(instance, params.map((p) => value(p, root, context, info))) : original(root, args, context, info);
  };
}

/**
 * type-graphql runs each interface's and union's `resolveType` in an async function, which costs a
 * promise for every node of a list of interfaces (each member of `projectMembers`). Labgate's own
 * return the type's name at once: the schema gets them back as written. Changes the schema in place.
 */
export function typeNamesAtOnce(schema: GraphQLSchema): GraphQLSchema {
  const declared = declaredTypeResolvers<Parameters<GraphQLTypeResolver<unknown, unknown>>>();
  for (const type of Object.values(schema.getTypeMap())) {
    const resolve = declared.get(type.name);
    if (!resolve || !(isInterfaceType(type) || isUnionType(type))) continue;
    type.resolveType = (value, context, info, abstractType) => {
      const name = resolve(value, context, info, abstractType);
      if (typeof name !== 'string') throw new Error(`${type.name}: resolveType must return a type name, not ${String(name)}`);
      return name;
    };
  }
  return schema;
}
