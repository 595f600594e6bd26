import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/**
 * Whether the client selected a field named `name` anywhere below the field being resolved (through
 * fragments too). It may say yes for a field of the same name deeper down: use it only to fetch ahead
 * what would otherwise be fetched a moment later.
 */
export function selectsBelow(info: GraphQLResolveInfo, name: string): boolean {
  // graphql-js gives every item of a list the same `fieldNodes`: the answer is found once per field
  // of the document, not once per node.
  let answers = answered.get(info.fieldNodes);
  if (!answers) answered.set(info.fieldNodes, (answers = new Map()));
  let answer = answers.get(name);
  if (answer === undefined) answers.set(name, (answer = search(info, name)));
  return answer;
}

const answered = new WeakMap<GraphQLResolveInfo['fieldNodes'], Map<string, boolean>>();

function search(info: GraphQLResolveInfo, name: string): boolean {
  const seen = new Set<string>();
  const visit = (set: SelectionSetNode | undefined): boolean =>
    !!set?.selections.some((selection) => {
      if (selection.kind === Kind.FIELD) return selection.name.value === name || visit(selection.selectionSet);
      if (selection.kind === Kind.INLINE_FRAGMENT) return visit(selection.selectionSet);
      if (seen.has(selection.name.value)) return false;
      seen.add(selection.name.value);
      return visit(info.fragments[selection.name.value]?.selectionSet);
    });
  return info.fieldNodes.some((node) => visit(node.selectionSet));
}
