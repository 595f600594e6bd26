import { getDirective, MapperKind, mapSchema } from '@graphql-tools/utils';
import {
  DirectiveLocation,
  getNullableType,
  GraphQLDirective,
  GraphQLError,
  GraphQLString,
  isInterfaceType,
  isNonNullType,
  isObjectType,
  type GraphQLFieldConfig,
  type GraphQLNamedType,
  type GraphQLSchema,
} from 'graphql';
import { Directive } from 'type-graphql';
import { isUnconditional } from '../policy/policy';
import { subjectOfType, type SubjectKind } from '../policy/subjects';
import type { RequestContext } from '../core/context';
import { RESOURCE_NOT_AVAILABLE } from '../core/errors';

/**
 * Abilities declared on the schema, as GitLab's `authorize` does, and checked here only:
 *
 * - on an object or interface type, `@authorize(ability: "read_project")`: an object of that type
 *   that the viewer may not read resolves to `null` wherever a field returns it alone. Lists are
 *   filtered in SQL by the services (so counts and pages never show what is hidden) and are not
 *   checked again item by item;
 * - on a field, `@authorize(ability: "read_project_member")`: the field resolves to `null` unless the
 *   viewer holds that ability on the field's parent object;
 * - `@authorize` with no ability on a type: a value that belongs to the object it is read from
 *   (an access level, a permissions set, a scope) and needs nothing beyond that object's own check.
 *
 * A schema test fails on a type that declares nothing. Which policy subject an object of each type
 * is, is said once, in policy/subjects.ts.
 */
export const AUTHORIZE_DIRECTIVE = 'authorize';

export const authorizeDirective = new GraphQLDirective({
  name: AUTHORIZE_DIRECTIVE,
  description:
    'The ability the viewer needs on this object (on a type) or on the parent object (on a field); without an ability, the type is a value of the object it is read from.',
  locations: [DirectiveLocation.OBJECT, DirectiveLocation.INTERFACE, DirectiveLocation.FIELD_DEFINITION],
  args: { ability: { type: GraphQLString } },
});

/** Declares the ability of a type or field; without one, marks a value type. */
export const Authorize = (ability?: string) => Directive(ability ? `@${AUTHORIZE_DIRECTIVE}(ability: ${JSON.stringify(ability)})` : `@${AUTHORIZE_DIRECTIVE}`);

/** The declaration on a type or field: undefined when there is none, null for a value type. */
export function declaredAbility(schema: GraphQLSchema, node: Parameters<typeof getDirective>[1]): string | null | undefined {
  const declared = getDirective(schema, node, AUTHORIZE_DIRECTIVE)?.[0];
  if (!declared) return undefined;
  return (declared.ability as string | undefined) ?? null;
}

function subjectOf(typeName: string): SubjectKind {
  const kind = subjectOfType(typeName);
  if (!kind) throw new Error(`@${AUTHORIZE_DIRECTIVE}: no policy subject is known for type ${typeName}`);
  return kind;
}

/** The type's declared ability, when it is an object or interface type that declares one. */
function typeAbility(schema: GraphQLSchema, type: GraphQLNamedType): { ability: string; kind: SubjectKind } | null {
  if (!isObjectType(type) && !isInterfaceType(type)) return null;
  const ability = declaredAbility(schema, type);
  if (!ability) return null;
  const kind = subjectOf(type.name);
  return isUnconditional(kind, ability) ? null : { ability, kind };
}

/** Connection items are filtered in SQL; an edge's node is one of them, not a lookup of its own. */
const isEdgeType = (typeName: string) => typeName.endsWith('Edge');

export function enforceAbilities(schema: GraphQLSchema): GraphQLSchema {
  return mapSchema(schema, { [MapperKind.OBJECT_FIELD]: abilityStep(schema) });
}

/** `enforceAbilities` as one step of a single pass over the schema's fields (graphql/schema.ts). */
export function abilityStep(schema: GraphQLSchema) {
  return <S>(fieldConfig: GraphQLFieldConfig<S, RequestContext>, _fieldName: string, typeName: string): GraphQLFieldConfig<S, RequestContext> => {
    const resolve = fieldConfig.resolve;
    if (!resolve) return fieldConfig;
    // Abilities computed before a mutation's write are forgotten by the write itself
    // (`RequestContext.run`): the payload is read afresh.

    const onField = declaredAbility(schema, fieldConfig);
    const parent = onField ? { ability: onField, kind: subjectOf(typeName) } : null;
    const returned = isEdgeType(typeName) ? null : typeAbility(schema, getNullableType(fieldConfig.type) as GraphQLNamedType);
    if (!parent && !returned) return fieldConfig;
    const nonNull = isNonNullType(fieldConfig.type);

    return {
      ...fieldConfig,
      async resolve(source, args, ctx, info) {
        if (parent && !(await ctx.app.policy.can(ctx, parent.kind, source, parent.ability))) return null;
        const value = await resolve(source, args, ctx, info);
        if (!returned || value === null || value === undefined) return value;
        if (await ctx.app.policy.can(ctx, returned.kind, value, returned.ability)) return value;
        // A non-null field cannot hide its object: it fails as GitLab's unauthorized field does.
        if (nonNull) throw new GraphQLError(RESOURCE_NOT_AVAILABLE, { extensions: { code: 'RESOURCE_NOT_AVAILABLE' } });
        return null;
      },
    };
  };
}
