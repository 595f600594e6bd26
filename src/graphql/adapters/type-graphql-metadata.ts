import { getMetadataStorage } from 'type-graphql';

/**
 * The one place that reads type-graphql's metadata storage, which is not public API.
 *
 * Relies on (type-graphql 2.0 release candidates): `getMetadataStorage()` returns the storage every
 * decorator writes to; its `clone()` copies it and `build({ resolvers })` maps resolvers inherited
 * from abstract classes onto the classes given, as type-graphql does before generating a schema; the
 * built storage lists `objectTypes`, `interfaceTypes` and `fieldResolvers` in the shapes below, and
 * `interfaceTypes` and `unions` keep the `resolveType` each was declared with.
 * test/unit/library-adapters.test.ts fails if the storage or these shapes change.
 */

export interface ParamMetadata {
  kind: string;
  index: number;
  propertyName?: string;
  getType?: () => unknown;
}

export interface FieldResolverMetadata {
  kind: 'internal' | 'external';
  target: Function;
  methodName: string;
  getObjectType?: () => Function;
  params?: ParamMetadata[];
  middlewares?: unknown[];
  roles?: unknown[];
}

export interface FieldMetadata {
  target: Function;
  name: string;
  schemaName: string;
  middlewares?: unknown[];
  roles?: unknown[];
}

/** The part of type-graphql's metadata storage read here, once built for a schema. */
export interface BuiltMetadata {
  build(options: { resolvers: readonly Function[] }): void;
  objectTypes: Array<{ name: string; target: Function; fields?: FieldMetadata[]; interfaceClasses?: Function[] }>;
  interfaceTypes: Array<{ target: Function; fields?: FieldMetadata[] }>;
  fieldResolvers: FieldResolverMetadata[];
}

/** type-graphql's metadata as it builds it for a schema of these resolver classes (a copy: the storage is untouched). */
export function builtMetadata(resolverClasses: readonly Function[]): BuiltMetadata {
  const storage = (getMetadataStorage() as unknown as { clone(): BuiltMetadata }).clone();
  storage.build({ resolvers: resolverClasses });
  return storage;
}

/** The `resolveType` declared for each interface and union, by type name. */
export function declaredTypeResolvers<Args extends unknown[]>(): Map<string, (...args: Args) => unknown> {
  const storage = getMetadataStorage();
  const declared = new Map<string, (...args: Args) => unknown>();
  for (const type of [...storage.interfaceTypes, ...storage.unions]) if (type.resolveType) declared.set(type.name, type.resolveType as never);
  return declared;
}
