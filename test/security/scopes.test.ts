import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, type GraphQLSchema } from 'graphql';
import { labgateSchema } from '../../src/app';
import { enforceScopes, requiredScopes } from '../../src/auth/scope-directive';
import { MUTATION_SCOPES, QUERY_SCOPES } from '../../src/auth/scopes';

/**
 * Deny by default: every root field carries `@requireScopes(anyOf: [...])` or `@public`, and the
 * scopes each one needs are committed in root-field-scopes.json, so that a change to who can reach
 * what shows up in review. This file is compared, never rewritten by the test: after a deliberate
 * change, update the JSON by hand (the failure message prints the new content).
 */
const SNAPSHOT = path.join(__dirname, 'root-field-scopes.json');

type ScopeMap = Record<string, string[] | 'public'>;

function rootFieldScopes(schema: GraphQLSchema): { scopes: ScopeMap; unmarked: string[] } {
  const scopes: ScopeMap = {};
  const unmarked: string[] = [];
  for (const typeName of ['Query', 'Mutation'] as const) {
    const type = typeName === 'Query' ? schema.getQueryType() : schema.getMutationType();
    for (const name of Object.keys(type?.getFields() ?? {}).sort()) {
      const required = requiredScopes(schema, typeName, name);
      if (required === undefined) unmarked.push(`${typeName}.${name}`);
      else scopes[`${typeName}.${name}`] = required.length === 0 ? 'public' : [...required].sort();
    }
  }
  return { scopes, unmarked };
}

describe('root field scopes', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await labgateSchema();
  });

  it('has no Query or Mutation field without @requireScopes or @public', () => {
    expect(rootFieldScopes(schema).unmarked).toEqual([]);
  });

  it('matches the committed root-field-scopes.json', () => {
    const committed = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as ScopeMap;
    const { scopes } = rootFieldScopes(schema);
    const message = `root field scopes changed; if intended, replace ${path.relative(process.cwd(), SNAPSHOT)} with:\n${JSON.stringify(scopes, null, 2)}\n`;
    if (JSON.stringify(scopes) !== JSON.stringify(committed)) {
      // Show a readable diff and the file's new content.
      expect({ scopes, message }).toEqual({ scopes: committed, message });
    }
  });

  it('asks read_api or api of every query and api of every mutation (self_rotate only for rotation)', () => {
    const { scopes } = rootFieldScopes(schema);
    for (const [field, required] of Object.entries(scopes)) {
      if (required === 'public') continue;
      if (field.startsWith('Query.')) expect({ field, required }).toEqual({ field, required: [...QUERY_SCOPES].sort() });
      else if (/Rotate$/.test(field)) expect({ field, required }).toEqual({ field, required: [...MUTATION_SCOPES, 'self_rotate'].sort() });
      else expect({ field, required }).toEqual({ field, required: [...MUTATION_SCOPES].sort() });
    }
    // No mutation is open without a token scope.
    expect(Object.entries(scopes).filter(([field, required]) => field.startsWith('Mutation.') && required === 'public')).toEqual([]);
  });

  it('refuses to build a schema with an unmarked root field', () => {
    const bare = buildSchema(`
      directive @requireScopes(anyOf: [String!]!) on FIELD_DEFINITION
      directive @public on FIELD_DEFINITION
      type Query { marked: String @requireScopes(anyOf: ["api"]) open: String @public forgotten: String }
    `);
    expect(() => enforceScopes(bare)).toThrow('Query.forgotten has neither @requireScopes nor @public');
  });
});
