import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { getNullableType, isInputObjectType, isListType, type GraphQLArgument, type GraphQLFieldConfig, type GraphQLInputType, type GraphQLSchema } from 'graphql';
import { ArgumentError } from '../core/errors';
import { MAX_LIST_ARGUMENT_LENGTH } from '../core/limits';

/** `fullPaths` → `full paths`: the argument's name as GitLab words it in its "more than" messages. */
function noun(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
}

type Check = (value: unknown) => void;

/**
 * The check of one input type: every list in it (in input objects too, at any depth) holds at most
 * `MAX_LIST_ARGUMENT_LENGTH` values. Null when the type holds no list, so that most arguments cost
 * nothing. `name` words the message: the argument or input field that holds the list.
 */
function listCheck(type: GraphQLInputType, name: string, building: Map<string, Check | null>): Check | null {
  const nullable = getNullableType(type);
  if (isListType(nullable)) {
    const item = listCheck(nullable.ofType, name, building);
    return (value) => {
      if (!Array.isArray(value)) return;
      if (value.length > MAX_LIST_ARGUMENT_LENGTH) throw new ArgumentError(`You cannot provide more than ${MAX_LIST_ARGUMENT_LENGTH} ${noun(name)}.`);
      if (item) for (const v of value) item(v);
    };
  }
  if (!isInputObjectType(nullable)) return null;
  // An input type that refers to itself is checked through the entry being built.
  if (building.has(nullable.name)) {
    return (value) => building.get(nullable.name)?.(value);
  }
  building.set(nullable.name, null);
  const fields = Object.values(nullable.getFields())
    .map((field) => [field.name, listCheck(field.type, field.name, building)] as const)
    .filter((entry): entry is readonly [string, Check] => entry[1] !== null);
  const check: Check | null = fields.length
    ? (value) => {
        if (value === null || typeof value !== 'object') return;
        for (const [field, fieldCheck] of fields) fieldCheck((value as Record<string, unknown>)[field]);
      }
    : null;
  building.set(nullable.name, check);
  return check;
}

function argumentsCheck(args: readonly GraphQLArgument[]): ((values: Record<string, unknown>) => void) | null {
  const building = new Map<string, Check | null>();
  const checks = args.map((arg) => [arg.name, listCheck(arg.type, arg.name, building)] as const).filter((entry): entry is readonly [string, Check] => entry[1] !== null);
  if (!checks.length) return null;
  return (values) => {
    for (const [name, check] of checks) check(values[name]);
  };
}

/**
 * Caps every list argument of the schema before its resolver runs: past `MAX_LIST_ARGUMENT_LENGTH`
 * values the field fails with GitLab's `ArgumentError` wording ("You cannot provide more than 50 full
 * paths.", which GitLab applies to `fullPaths`; the same words for every other list, an inferred
 * generalisation). Without it a long `ids` or `usernames` list reaches SQL and passes the database's
 * own limit on bound parameters. Services may hold a list to a smaller number of their own.
 */
export function enforceListLimits(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, { [MapperKind.OBJECT_FIELD]: listLimitStep(schema) });
}

/** `enforceListLimits` as one step of a single pass over the schema's fields (graphql/schema.ts). */
export function listLimitStep(schema: GraphQLSchema) {
  const fieldsWithLists = new Map<string, (values: Record<string, unknown>) => void>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!('getFields' in type) || isInputObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const check = 'args' in field ? argumentsCheck(field.args) : null;
      if (check) fieldsWithLists.set(`${type.name}.${field.name}`, check);
    }
  }
  return <S, C>(fieldConfig: GraphQLFieldConfig<S, C>, fieldName: string, typeName: string): GraphQLFieldConfig<S, C> => {
    const check = fieldsWithLists.get(`${typeName}.${fieldName}`);
    const resolve = fieldConfig.resolve;
    if (!check || !resolve) return fieldConfig;
    return {
      ...fieldConfig,
      resolve(source, args, context, info) {
        check(args);
        return resolve(source, args, context, info);
      },
    };
  };
}
