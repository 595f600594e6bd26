import { buildSchema, execute, parse, type GraphQLResolveInfo } from 'graphql';
import { selectsBelow } from '../../src/graphql/lookahead';

/** `selectsBelow`: what a resolver may fetch ahead for the fields selected under it. */
describe('selectsBelow', () => {
  const schema = buildSchema('type Query { page: Page } type Page { nodes: [Node] count: Int } type Node { id: ID user: User } type User { name: String }');

  function seen(source: string): boolean {
    let answer: boolean | undefined;
    const rootValue = { page: (_args: unknown, _ctx: unknown, info: GraphQLResolveInfo) => ((answer = selectsBelow(info, 'user')), { nodes: [], count: 0 }) };
    execute({ schema, document: parse(source), rootValue });
    return answer!;
  }

  it('finds the field in the selection, in inline fragments and in named fragments', () => {
    expect(seen('{ page { nodes { id user { name } } } }')).toBe(true);
    expect(seen('{ page { nodes { ... on Node { user { name } } } } }')).toBe(true);
    expect(seen('query { page { ...P } } fragment P on Page { nodes { ...N } } fragment N on Node { user { name } }')).toBe(true);
  });

  it('says no when the field is not selected', () => {
    expect(seen('{ page { count nodes { id } } }')).toBe(false);
    expect(seen('query { page { ...P } } fragment P on Page { nodes { id } }')).toBe(false);
  });
});
