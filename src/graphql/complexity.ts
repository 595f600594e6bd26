import {
  getNamedType,
  getNullableType,
  getVariableValues,
  GraphQLError,
  GraphQLIncludeDirective,
  GraphQLSkipDirective,
  isAbstractType,
  isCompositeType,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isListType,
  isObjectType,
  isUnionType,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  TypeNameMetaFieldDef,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { getArgumentValues, getDirectiveValues } from 'graphql/execution/values';
import type { ActorFacts } from '../policy/abilities';
import { ANALYSIS_CACHE_SIZE, INTROSPECTION_MAX_COMPLEXITY, MAX_COMPLEXITY, MAX_DEPTH, MAX_NODES, UNPAGED_LIST_ESTIMATE, LIST_FIELD_ESTIMATES, type LimitTier } from './limits';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../core/limits';

/**
 * What an operation may cost, computed before it runs, in one pass over the document:
 *
 * - depth: fields nested in fields (fragments add no level of their own);
 * - complexity, as GitLab counts it: every field costs 1 plus its children; `sort` adds 1 and `search`
 *   adds 5; a connection adds 1% of its cost per item it may return, so a full page of 100 doubles it.
 *   On an abstract type the most expensive of its possible types counts;
 * - nodes: the most objects the answer can hold. A connection multiplies what each of its items holds
 *   by its page size (`first`/`last`, 100 when absent), so nested connections multiply.
 *
 * Each fragment is analysed once per operation and its result reused wherever it is spread, so a
 * document whose fragments each spread the previous one twice costs time linear in its size, while
 * its score still grows as the answer would.
 *
 * Introspection is counted like any other field. Its lists are sized from the schema itself (see
 * `introspectionListSizes`), so `__schema { types { fields { args { name } } } }` counts the objects
 * its answer really holds, and three aliases of it count three times as many.
 */
export interface OperationCost {
  depth: number;
  complexity: number;
  nodes: number;
}

interface Cost {
  depth: number;
  /** Complexity and nodes per possible concrete type of the selection's parent. */
  complexity: number;
  nodes: number;
}

const ZERO: Cost = { depth: 0, complexity: 0, nodes: 0 };

/** Types that wrap a page rather than being returned objects of their own. */
const isConnectionType = (name: string) => name.endsWith('Connection');
const isEdgeType = (name: string) => name.endsWith('Edge');
const PAGE_INFO = 'PageInfo';

/**
 * How long each introspection list is in this schema: `__Schema.types` and `__Schema.directives`
 * exactly, the lists below them (`__Type.fields`, `__Field.args`...) as their average length over
 * every item of the list above. Multiplied down the usual `types { fields { args } }` shape, the
 * averages give back the schema's totals, which is what such an answer holds. Made once per schema.
 */
const listSizesBySchema = new WeakMap<GraphQLSchema, ReadonlyMap<string, number>>();

export function introspectionListSizes(schema: GraphQLSchema): ReadonlyMap<string, number> {
  let sizes = listSizesBySchema.get(schema);
  if (sizes) return sizes;
  const types = Object.values(schema.getTypeMap());
  const directives = schema.getDirectives();
  let fields = 0;
  let fieldArgs = 0;
  let interfaces = 0;
  let possibleTypes = 0;
  let enumValues = 0;
  let inputFields = 0;
  for (const type of types) {
    if (isObjectType(type) || isInterfaceType(type)) {
      const list = Object.values(type.getFields());
      fields += list.length;
      for (const field of list) fieldArgs += field.args.length;
      interfaces += type.getInterfaces().length;
    }
    if (isInterfaceType(type) || isUnionType(type)) possibleTypes += schema.getPossibleTypes(type).length;
    if (isEnumType(type)) enumValues += type.getValues().length;
    if (isInputObjectType(type)) inputFields += Object.keys(type.getFields()).length;
  }
  const directiveArgs = directives.reduce((sum, d) => sum + d.args.length, 0);
  const per = (total: number, over: number) => (over > 0 ? total / over : 0);
  sizes = new Map([
    ['__Schema.types', types.length],
    ['__Schema.directives', directives.length],
    ['__Type.fields', per(fields, types.length)],
    ['__Type.interfaces', per(interfaces, types.length)],
    ['__Type.possibleTypes', per(possibleTypes, types.length)],
    ['__Type.enumValues', per(enumValues, types.length)],
    ['__Type.inputFields', per(inputFields, types.length)],
    ['__Field.args', per(fieldArgs, fields)],
    ['__Directive.args', per(directiveArgs, directives.length)],
  ]);
  listSizesBySchema.set(schema, sizes);
  return sizes;
}

function pageSize(args: Record<string, unknown>): number {
  const requested = [args.first, args.last].filter((n): n is number => typeof n === 'number');
  return Math.max(0, Math.min(MAX_PAGE_SIZE, ...(requested.length ? requested : [DEFAULT_PAGE_SIZE])));
}

class Analysis {
  private readonly fragments = new Map<string, FragmentDefinitionNode>();
  private readonly fragmentCosts = new Map<string, Cost>();
  private readonly inProgress = new Set<string>();
  private readonly listSizes: ReadonlyMap<string, number>;

  constructor(
    private readonly schema: GraphQLSchema,
    document: DocumentNode,
    private readonly variables: Record<string, unknown>,
  ) {
    for (const def of document.definitions) if (def.kind === Kind.FRAGMENT_DEFINITION) this.fragments.set(def.name.value, def);
    this.listSizes = introspectionListSizes(schema);
  }

  operation(operation: OperationDefinitionNode): OperationCost {
    const root = this.schema.getRootType(operation.operation);
    if (!root) return { ...ZERO };
    const cost = this.selectionSet(operation.selectionSet, root);
    // Introspection lists have fractional average lengths: an answer holds whole objects.
    // Averages make the sum fractional; the tolerance keeps floating-point noise from adding a node.
    return { depth: cost.depth, complexity: cost.complexity, nodes: Math.ceil(cost.nodes - 1e-6) };
  }

  /** The items a list that is not a paged connection is counted as. */
  private listSize(parent: GraphQLCompositeType, fieldName: string): number {
    const key = `${parent.name}.${fieldName}`;
    return this.listSizes.get(key) ?? LIST_FIELD_ESTIMATES[key] ?? UNPAGED_LIST_ESTIMATE;
  }

  private included(node: { directives?: readonly unknown[] }): boolean {
    if (!node.directives?.length) return true;
    const n = node as FieldNode;
    const skip = getDirectiveValues(GraphQLSkipDirective, n, this.variables);
    if (skip?.if === true) return false;
    const include = getDirectiveValues(GraphQLIncludeDirective, n, this.variables);
    return include?.if !== false;
  }

  private possibleTypeNames(type: GraphQLCompositeType): string[] {
    return isAbstractType(type) ? this.schema.getPossibleTypes(type).map((t) => t.name) : [type.name];
  }

  /**
   * Sums the selections per possible type of `parent`, then takes the largest, as the complexity
   * library GitLab's numbers were matched against does. Depth is the deepest selection.
   */
  private selectionSet(selectionSet: SelectionSetNode, parent: GraphQLCompositeType): Cost {
    const possible = this.possibleTypeNames(parent);
    const perType = new Map<string, { complexity: number; nodes: number }>();
    let depth = 0;
    const add = (cost: Cost, typeNames: readonly string[]) => {
      depth = Math.max(depth, cost.depth);
      for (const name of typeNames) {
        const sum = perType.get(name) ?? { complexity: 0, nodes: 0 };
        sum.complexity += cost.complexity;
        sum.nodes += cost.nodes;
        perType.set(name, sum);
      }
    };

    for (const selection of selectionSet.selections) {
      if (!this.included(selection)) continue;
      if (selection.kind === Kind.FIELD) {
        add(this.field(selection, parent), possible);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? this.schema.getType(selection.typeCondition.name.value) : parent;
        if (!type || !isCompositeType(type)) continue;
        add(this.selectionSet(selection.selectionSet, type), this.possibleTypeNames(type));
      } else {
        const name = selection.name.value;
        const fragment = this.fragments.get(name);
        const type = fragment && this.schema.getType(fragment.typeCondition.name.value);
        if (!fragment || !type || !isCompositeType(type)) continue;
        add(this.fragment(name, fragment, type), this.possibleTypeNames(type));
      }
    }

    let complexity = 0;
    let nodes = 0;
    for (const sum of perType.values()) {
      complexity = Math.max(complexity, sum.complexity);
      nodes = Math.max(nodes, sum.nodes);
    }
    return { depth, complexity, nodes };
  }

  /** A fragment costs the same wherever it is spread: analysed once, then reused. */
  private fragment(name: string, fragment: FragmentDefinitionNode, type: GraphQLCompositeType): Cost {
    const known = this.fragmentCosts.get(name);
    if (known) return known;
    // Validation refuses fragment cycles before analysis runs; this only keeps a cycle from looping.
    if (this.inProgress.has(name)) return ZERO;
    this.inProgress.add(name);
    const cost = this.selectionSet(fragment.selectionSet, type);
    this.inProgress.delete(name);
    this.fragmentCosts.set(name, cost);
    return cost;
  }

  private fieldDefinition(node: FieldNode, parent: GraphQLCompositeType): GraphQLField<unknown, unknown> | undefined {
    switch (node.name.value) {
      case SchemaMetaFieldDef.name:
        return SchemaMetaFieldDef;
      case TypeMetaFieldDef.name:
        return TypeMetaFieldDef;
      case TypeNameMetaFieldDef.name:
        return TypeNameMetaFieldDef;
      default:
        return isObjectType(parent) || isInterfaceType(parent) ? parent.getFields()[node.name.value] : undefined;
    }
  }

  private field(node: FieldNode, parent: GraphQLCompositeType): Cost {
    const field = this.fieldDefinition(node, parent);
    if (!field) return ZERO;
    let args: Record<string, unknown>;
    try {
      args = getArgumentValues(field, node, this.variables);
    } catch {
      args = {};
    }
    const named = getNamedType(field.type);
    const child = node.selectionSet && isCompositeType(named) ? this.selectionSet(node.selectionSet, named) : ZERO;

    let complexity = 1 + child.complexity;
    if (args.sort !== undefined && args.sort !== null) complexity += 1;
    if (args.search !== undefined && args.search !== null) complexity += 5;
    let nodes = 0;
    if (isConnectionType(named.name)) {
      const size = pageSize(args);
      complexity += complexity * size * 0.01;
      nodes = size * child.nodes;
    } else if (isCompositeType(named) && named.name !== PAGE_INFO) {
      // The items of a connection are counted by the connection; an edge is a wrapper, its node is not.
      const perItem = (isEdgeType(named.name) ? 0 : 1) + child.nodes;
      const inConnectionPage = isConnectionType(parent.name) && (node.name.value === 'nodes' || node.name.value === 'edges');
      nodes = inConnectionPage || !isListType(getNullableType(field.type)) ? perItem : this.listSize(parent, node.name.value) * perItem;
    }
    return { depth: 1 + child.depth, complexity: Math.floor(complexity), nodes };
  }
}

/** Analyses one operation with its (already coerced) variable values. */
export function analyzeOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variableValues: Record<string, unknown> = {},
): OperationCost {
  return new Analysis(schema, document, variableValues).operation(operation);
}

export function limitTier(actor: ActorFacts): LimitTier {
  if (actor.admin) return 'admin';
  return actor.signedIn ? 'authenticated' : 'anonymous';
}

/** Whether every root field of the operation is an introspection field (`__schema`, `__type`, `__typename`). */
export function isIntrospection(operation: OperationDefinitionNode): boolean {
  return operation.selectionSet.selections.every((s) => s.kind === Kind.FIELD && s.name.value.startsWith('__'));
}

/**
 * Costs already computed, per parsed document (Apollo keeps one parsed document per query text), then
 * per operation and variables. Bounded: a document's entry holds at most a few variable sets.
 */
const costCache = new WeakMap<DocumentNode, Map<string, OperationCost | null>>();
const COST_KEYS_PER_DOCUMENT = 16;
const MAX_CACHED_VARIABLES_LENGTH = 2_000;
let cachedDocuments = 0;

/** The variables as a cache key, or null when they cannot be one (the HTTP layer refuses deeper nesting first). */
function variablesCacheKey(variables: Record<string, unknown> | undefined): string | null {
  try {
    return JSON.stringify(variables ?? {});
  } catch {
    return null;
  }
}

function cachedCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
): OperationCost | null {
  const hasVariables = (operation.variableDefinitions?.length ?? 0) > 0;
  const variablesKey = hasVariables ? variablesCacheKey(variables) : '';
  const cacheable = variablesKey !== null && variablesKey.length <= MAX_CACHED_VARIABLES_LENGTH;
  const key = `${operation.name?.value ?? ''}\u0000${variablesKey}`;
  let perDocument = costCache.get(document);
  if (cacheable && perDocument?.has(key)) return perDocument.get(key)!;

  let cost: OperationCost | null = null;
  // Variables that do not coerce are reported by execution, with graphql-js's own message; the
  // cost of an operation that will not run does not matter.
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  if (!coerced.errors) cost = analyzeOperation(schema, document, operation, coerced.coerced);

  if (cacheable) {
    if (!perDocument) {
      // A WeakMap cannot be counted or evicted; the counter only keeps pathological traffic in check.
      if (cachedDocuments >= ANALYSIS_CACHE_SIZE) return cost;
      cachedDocuments += 1;
      perDocument = new Map();
      costCache.set(document, perDocument);
    }
    if (perDocument.size >= COST_KEYS_PER_DOCUMENT) perDocument.delete(perDocument.keys().next().value!);
    perDocument.set(key, cost);
  }
  return cost;
}

/**
 * What the earlier operations of the same HTTP request have used: a batch shares one node limit, one
 * complexity limit (graphql-ruby sums the complexity of a multiplex against the limit GitLab passes
 * it) and one response size cap.
 */
export class NodeBudget {
  used = 0;
  complexity = 0;
  /** Bytes of the answers already given to earlier operations. */
  bytes = 0;
}

export class QueryLimitError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: 'QUERY_LIMIT_EXCEEDED', http: { status: 200 } } });
  }
}

/**
 * Checks one operation against the viewer's tier and returns its score and limit (for
 * `Query.queryComplexity`), or throws with graphql-ruby's messages (and a message of the same shape
 * for the node limit, which GitLab does not have). Introspection keeps its raised complexity limit
 * (the standard introspection query must always run) but is held to the depth limit, as graphql-ruby
 * counts introspection fields by default. In a batch the complexity compared with the limit is the
 * sum over the operations so far, as graphql-ruby reports it for a multiplex.
 */
export function checkQueryLimits(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  actor: ActorFacts,
  budget: NodeBudget = new NodeBudget(),
): { score: number; limit: number } {
  const tier = limitTier(actor);
  const introspection = isIntrospection(operation);
  const limit = introspection ? Math.max(INTROSPECTION_MAX_COMPLEXITY, MAX_COMPLEXITY[tier]) : MAX_COMPLEXITY[tier];
  const cost = cachedCost(schema, document, operation, variables);
  if (!cost) return { score: 0, limit };

  const maxDepth = MAX_DEPTH[tier];
  if (cost.depth > maxDepth) throw new QueryLimitError(`Query has depth of ${cost.depth}, which exceeds max depth of ${maxDepth}`);
  const complexity = budget.complexity + cost.complexity;
  if (complexity > limit) throw new QueryLimitError(`Query has complexity of ${complexity}, which exceeds max complexity of ${limit}`);
  const nodes = budget.used + cost.nodes;
  if (nodes > MAX_NODES) {
    const what = budget.used > 0 ? 'Batch' : 'Query';
    throw new QueryLimitError(`${what} may return ${nodes} nodes, which exceeds max nodes of ${MAX_NODES}`);
  }
  budget.used = nodes;
  budget.complexity = complexity;
  return { score: cost.complexity, limit };
}
