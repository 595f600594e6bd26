import {
  GraphQLError,
  isEnumType,
  Kind,
  parse,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionNode,
  type VariableDefinitionNode,
} from 'graphql';

/**
 * Validation and variable errors in graphql-ruby's wording, which GitLab's server (and the frontends
 * and tests written against it) use. graphql-js finds the same faults; only the sentences differ, so
 * its messages are rewritten here, in one place, from the message and the error's document nodes.
 * A message this does not recognise is returned unchanged (null).
 */
export function gitlabWording(given: GraphQLError, schema: GraphQLSchema): { message: string; extensions?: Record<string, unknown> } | null {
  const variable = /^Variable "\$[^"]+" got invalid value /.test(given.message) ? variableWording(given) : null;
  if (variable) return variable;
  const message = validationWording(given, schema);
  return message === null ? null : { message };
}

/**
 * A bad variable value, as graphql-ruby reports it: the variable and its type in the message (with the
 * path and explanation when the problem is inside an input object), and the problems in the extensions.
 */
function variableWording(error: GraphQLError): { message: string; extensions: Record<string, unknown> } | null {
  const r = /^Variable "\$([^"]+)" got invalid value .*?(?: at "[^".]+\.([^"]+)")?; (.*)$/s.exec(error.message);
  const nodes = error.nodes?.length ? error.nodes : error.originalError instanceof GraphQLError ? error.originalError.nodes : undefined;
  const node = nodes?.find((n) => n.kind === Kind.VARIABLE_DEFINITION) as VariableDefinitionNode | undefined;
  if (!r || !node) return null;
  const problem = variableProblem(r[3]);
  const path = r[2] ?? problem.path;
  return {
    message: `Variable $${r[1]} of type ${print(node.type)} was provided invalid value${path ? ` for ${path} (${problem.explanation})` : ''}`,
    extensions: { problems: [{ path: path ? path.split('.') : [], explanation: problem.explanation }] },
  };
}

function validationWording(given: GraphQLError, schema: GraphQLSchema): string | null {
  // Apollo re-wraps validation errors without their document nodes; graphql-js's own error keeps them.
  const inner = given.originalError instanceof GraphQLError ? given.originalError : null;
  const error = !given.nodes?.length && inner?.nodes?.length ? inner : given;
  const m = given.message;
  let r: RegExpExecArray | null;
  if ((r = /^Cannot query field "([^"]+)" on type "([^"]+)"\./.exec(m))) return `Field '${r[1]}' doesn't exist on type '${r[2]}'`;
  if ((r = /^Unknown argument "([^"]+)" on field "[^".]+\.([^"]+)"\./.exec(m))) return `Field '${r[2]}' doesn't accept argument '${r[1]}'`;
  if ((r = /^Unknown argument "([^"]+)" on directive "@([^"]+)"\./.exec(m))) return `Directive '${r[2]}' doesn't accept argument '${r[1]}'`;
  if ((r = /^Field "([^"]+)" argument "([^"]+)" of type "[^"]+" is required, but it was not provided\./.exec(m))) {
    return `Field '${r[1]}' is missing required arguments: ${r[2]}`;
  }
  if ((r = /^Directive "@([^"]+)" argument "([^"]+)" of type "[^"]+" is required, but it was not provided\./.exec(m))) {
    return `Directive '${r[1]}' is missing required arguments: ${r[2]}`;
  }
  if ((r = /^Unknown directive "@([^"]+)"\./.exec(m))) return `Directive @${r[1]} is not defined`;
  if ((r = /^Field "([^"]+)" of type "([^"]+)" must have a selection of subfields\./.exec(m))) {
    return `Field must have selections (field '${r[1]}' returns ${r[2].replace(/[[\]!]/g, '')} but has no selections. Did you mean '${r[1]} { ... }'?)`;
  }
  if ((r = /^Field "([^"]+)" must not have a selection since type "([^"]+)" has no subfields\./.exec(m))) {
    const node = error.nodes?.[0];
    // graphql-js points at the selection set that should not be there.
    const selections = node?.kind === Kind.SELECTION_SET ? node.selections : node?.kind === Kind.FIELD ? (node.selectionSet?.selections ?? []) : [];
    const selected = selections.map(selectionName);
    const typeName = r[2].replace(/[[\]!]/g, '');
    const kind = isEnumType(schema.getType(typeName)) ? 'enums' : 'scalars';
    return `Selections can't be made on ${kind} (field '${r[1]}' returns ${typeName} but has selections [${selected.join(', ')}])`;
  }
  if ((r = /^Variable "\$([^"]+)" is never used(?: in operation "([^"]+)")?\./.exec(m))) {
    return `Variable $${r[1]} is declared by ${r[2] ?? `anonymous ${operationType(error)}`} but not used`;
  }
  if ((r = /^Variable "\$([^"]+)" is not defined(?: by operation "([^"]+)")?\./.exec(m))) {
    return `Variable $${r[1]} is used by ${r[2] ?? `anonymous ${operationType(error)}`} but not declared`;
  }
  if ((r = /^Unknown type "([^"]+)"\./.exec(m))) {
    const variable = variableOf(error) ?? enclosingVariable(error);
    if (variable) return `${r[1]} isn't a defined input type (on $${variable.variable.name.value})`;
    return `No such type ${r[1]}, so it can't be a fragment condition`;
  }
  if ((r = /^Variable "\$([^"]+)" cannot be non-input type "([^"]+)"\./.exec(m))) return `${r[2].replace(/[[\]!]/g, '')} isn't a valid input type (on $${r[1]})`;
  if ((r = /^Variable "\$([^"]+)" of (?:required|non-null) type "([^"]+)" (?:was not provided|must not be null)\./.exec(m))) {
    return `Variable $${r[1]} of type ${r[2]} was provided invalid value`;
  }
  if (/^((Int|Float|String|Boolean|ID) cannot represent|Expected value of type "|Enum "[^"]+" cannot represent|Value "[^"]+" does not exist in "|Field "[^"]+" of required type "[^"]+" was not provided\.|Field "[^"]+" is not defined by type ")/.test(m)) {
    return invalidArgumentMessage(error, schema);
  }
  return null;
}

function selectionName(node: SelectionNode): string {
  if (node.kind === Kind.FIELD) return `"${node.name.value}"`;
  if (node.kind === Kind.FRAGMENT_SPREAD) return `"${node.name.value}"`;
  return `"... on ${node.typeCondition?.name.value ?? ''} { ... }"`;
}

/** `query` or `mutation`: the kind of the (anonymous) operation the error is in. */
function operationType(error: GraphQLError): string {
  const op = error.nodes?.find((n): n is OperationDefinitionNode => n.kind === Kind.OPERATION_DEFINITION);
  return op?.operation ?? 'query';
}

/** The variable definition around the error's location (an unknown type is reported on the type's name). */
function enclosingVariable(error: GraphQLError): VariableDefinitionNode | null {
  const at = error.nodes?.[0]?.loc?.start;
  const body = error.source?.body;
  if (at === undefined || body === undefined) return null;
  let found: VariableDefinitionNode | null = null;
  try {
    visit(parse(body), {
      VariableDefinition(node) {
        if (node.loc && at >= node.loc.start && at < node.loc.end) found = node;
      },
    });
  } catch {
    return null;
  }
  return found;
}

function variableOf(error: GraphQLError): VariableDefinitionNode | null {
  return (error.nodes?.find((n) => n.kind === Kind.VARIABLE_DEFINITION) as VariableDefinitionNode | undefined) ?? null;
}

/** graphql-js's explanation of a bad variable value, as graphql-ruby words its problems. */
function variableProblem(text: string): { path: string | null; explanation: string } {
  let r: RegExpExecArray | null;
  if ((r = /^Field "([^"]+)" of required type "[^"]+" was not provided\./.exec(text))) return { path: r[1], explanation: 'Expected value to not be null' };
  if ((r = /^Field "([^"]+)" is not defined by type "([^"]+)"/.exec(text))) return { path: r[1], explanation: `Field is not defined on ${r[2]}` };
  if (/^Expected non-nullable type "[^"]+" not to be null\./.test(text)) return { path: null, explanation: 'Expected value to not be null' };
  return { path: null, explanation: text.replace(/\.$/, '') };
}

/**
 * graphql-ruby reports a bad literal on the argument it belongs to, with the argument's whole value
 * and type: "Argument 'first' on Field 'projects' has an invalid value (x). Expected type 'Int'."
 */
function invalidArgumentMessage(error: GraphQLError, schema: GraphQLSchema): string | null {
  const at = error.nodes?.[0]?.loc?.start;
  const body = error.source?.body;
  if (at === undefined || body === undefined) return null;
  let document: DocumentNode;
  try {
    document = parse(body);
  } catch {
    return null;
  }
  const typeInfo = new TypeInfo(schema);
  let message: string | null = null;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument(node) {
        if (message !== null || !node.loc || at < node.value.loc!.start || at >= node.value.loc!.end) return;
        const argument = typeInfo.getArgument();
        const owner = typeInfo.getDirective() ? `Directive '${typeInfo.getDirective()!.name}'` : `Field '${typeInfo.getFieldDef()?.name ?? '?'}'`;
        if (!argument) return;
        message = `Argument '${node.name.value}' on ${owner} has an invalid value (${print(node.value)}). Expected type '${String(argument.type)}'.`;
      },
    }),
  );
  return message;
}
