import {
  getNamedType,
  getVariableValues,
  GraphQLError,
  Kind,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import type { ActorFacts } from '../policy/abilities';
import { DEFAULT_PAGE_SIZE, INTROSPECTION_MAX_COMPLEXITY, MAX_COMPLEXITY, MAX_DEPTH, MAX_PAGE_SIZE, type LimitTier } from './limits';

/**
 * Query cost as GitLab counts it: every field costs 1 plus its children; `sort` adds 1 and `search`
 * adds 5; a connection adds 1% of its cost per item it may return, so a full page of 100 doubles it.
 */
const gitlabEstimator: ComplexityEstimator = ({ field, args, childComplexity }) => {
  let cost = 1 + childComplexity;
  if (args.sort !== undefined && args.sort !== null) cost += 1;
  if (args.search !== undefined && args.search !== null) cost += 5;
  if (getNamedType(field.type).name.endsWith('Connection')) {
    const requested = [args.first, args.last].filter((n): n is number => typeof n === 'number');
    const limit = Math.min(MAX_PAGE_SIZE, ...(requested.length ? requested : [DEFAULT_PAGE_SIZE]));
    cost += cost * Math.max(limit, 0) * 0.01;
  }
  return Math.floor(cost);
};

export function limitTier(actor: ActorFacts): LimitTier {
  if (actor.admin) return 'admin';
  return actor.signedIn ? 'authenticated' : 'anonymous';
}

function isIntrospection(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && s.name.value.startsWith('__'));
}

function depthOf(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen: Set<string>): number {
  let deepest = 0;
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      deepest = Math.max(deepest, 1 + (selection.selectionSet ? depthOf(selection.selectionSet, fragments, seen) : 0));
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      deepest = Math.max(deepest, depthOf(selection.selectionSet, fragments, seen));
    } else {
      const fragment = fragments.get(selection.name.value);
      if (fragment && !seen.has(fragment.name.value)) {
        deepest = Math.max(deepest, depthOf(fragment.selectionSet, fragments, new Set([...seen, fragment.name.value])));
      }
    }
  }
  return deepest;
}

/**
 * Checks one operation against the viewer's tier and returns its score and limit (for
 * `Query.queryComplexity`), or throws with graphql-ruby's messages.
 */
export function checkQueryLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  actor: ActorFacts,
): { score: number; limit: number } {
  const tier = limitTier(actor);
  const introspection = isIntrospection(operation);
  const limit = introspection ? Math.max(INTROSPECTION_MAX_COMPLEXITY, MAX_COMPLEXITY[tier]) : MAX_COMPLEXITY[tier];
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) fragments.set(def.name.value, def);

  const depth = depthOf(operation.selectionSet, fragments, new Set());
  const maxDepth = MAX_DEPTH[tier];
  if (depth > maxDepth && !introspection) throw new GraphQLError(`Query has depth of ${depth}, which exceeds max depth of ${maxDepth}`);

  // Variables that do not coerce are reported by execution, with graphql-js's own message; the
  // cost of an operation that will not run does not matter.
  if (getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}).errors) return { score: 0, limit };

  const score = getComplexity({
    schema,
    query: document,
    variables: variables ?? {},
    operationName: operation.name?.value,
    estimators: [gitlabEstimator],
  });
  if (score > limit) throw new GraphQLError(`Query has complexity of ${score}, which exceeds max complexity of ${limit}`);
  return { score, limit };
}
