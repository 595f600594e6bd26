import { readFileSync } from 'node:fs';
import path from 'node:path';
import { buildSchema, execute, parse, type GraphQLSchema } from 'graphql';
import { labgateSchema } from '../../src/app';
import { RAW_PERMISSIONS, ASSIGNABLE_PERMISSIONS } from '../../src/auth/granular-permissions';
import { enforceGranular, granularRules, granularSnapshot, undeclaredFields } from '../../src/graphql/granular-directive';
import { printLabgateSchema } from '../../src/graphql/schema';

/**
 * Deny by default for fine-grained tokens: every field a fine-grained token can reach has a granular
 * permission, declared on the field, on its type, or derived from its type's `@authorize` ability,
 * and what each needs is committed in granular-permissions.json, so that a change shows up in review.
 * The JSON is compared, never rewritten by the test: after a deliberate change, replace it with the
 * content the failure message prints.
 */
const SNAPSHOT = path.join(__dirname, 'granular-permissions.json');

describe('granular permissions of the schema', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await labgateSchema();
  });

  it('has no field that a fine-grained token reaches without a declared permission', () => {
    // A field listed here refuses fine-grained tokens ("Unable to determine boundaries and permissions
    // for authorization"). Declare it: `@GranularScope(...)` on the field or its type, an entry in
    // FIELD_DECLARATIONS (src/graphql/granular-directive.ts), or an `@authorize` ability it maps from.
    expect(undeclaredFields(schema)).toEqual([]);
  });

  it('matches the committed granular-permissions.json', () => {
    const committed = JSON.parse(readFileSync(SNAPSHOT, 'utf8'));
    const current = granularSnapshot(schema);
    const message = `granular permissions changed; if intended, replace ${path.relative(process.cwd(), SNAPSHOT)} with:\n${JSON.stringify(current, null, 2)}\n`;
    if (JSON.stringify(current) !== JSON.stringify(committed)) expect({ current, message }).toEqual({ current: committed, message });
  });

  it('names only permissions that some assignable permission grants, and checks every root field', () => {
    const rules = granularRules(schema);
    for (const [key, rule] of rules) {
      if (rule.kind === 'check') for (const p of rule.declaration.permissions) expect({ key, p, known: RAW_PERMISSIONS.has(p) }).toEqual({ key, p, known: true });
      if (/^(Query|Mutation)\./.test(key)) expect({ key, kind: rule.kind }).not.toEqual({ key, kind: 'covered' });
    }
    // Mutations all need a permission: none is open to fine-grained tokens.
    expect([...rules].filter(([key, rule]) => key.startsWith('Mutation.') && rule.kind === 'open')).toEqual([]);
    // Every catalogue entry grants at least one raw permission, and names are unique.
    expect(new Set(ASSIGNABLE_PERMISSIONS.map((p) => p.name)).size).toBe(ASSIGNABLE_PERMISSIONS.length);
    expect(ASSIGNABLE_PERMISSIONS.every((p) => p.permissions.length > 0 && p.boundaries.length > 0)).toBe(true);
  });

  it('prints what each root field and resource type needs in the SDL', () => {
    const sdl = printLabgateSchema(schema);
    expect(sdl).toMatch(/^directive @granularScope\(boundary: String, boundaryArgument: String, permissions: \[String!\]!\) on FIELD_DEFINITION \| INTERFACE \| OBJECT$/m);
    expect(sdl).toMatch(/ project\(fullPath: ID!\): Project @requireScopes\(anyOf: \["api", "read_api"\]\) @granularScope\(permissions: \["read_project"\], boundary: "result"\)$/m);
    expect(sdl).toMatch(/ groupUpdate\(input: GroupUpdateInput!\): GroupUpdatePayload .*@granularScope\(permissions: \["update_group"\], boundaryArgument: "input.fullPath"\)$/m);
    expect(sdl).toMatch(/^type Project implements ProjectInterface @authorize\(ability: "read_project"\) @granularScope\(permissions: \["read_project"\]\) \{$/m);
  });

  it('refuses a fine-grained token on a field without a declaration, and lets other callers through', async () => {
    const bare = buildSchema(`
      directive @granularScope(permissions: [String!]!, boundary: String, boundaryArgument: String) on FIELD_DEFINITION | OBJECT | INTERFACE
      type Query { open: String @granularScope(permissions: []) forgotten: String }
    `);
    const enforced = enforceGranular(bare);
    expect(granularSnapshot(enforced).fields).toEqual({ 'Query.forgotten': 'UNDECLARED', 'Query.open': 'open' });
    const run = (granular: boolean) =>
      execute({
        schema: enforced,
        document: parse('{ open forgotten }'),
        rootValue: { open: 'yes', forgotten: 'yes' },
        contextValue: { principal: { token: { granular } } },
      });
    expect(await run(false)).toEqual({ data: { open: 'yes', forgotten: 'yes' } });
    const refused = await run(true);
    expect(refused.data).toEqual({ open: 'yes', forgotten: null });
    expect(refused.errors?.map((e) => e.message)).toEqual(['Unable to determine boundaries and permissions for authorization']);
  });

  it('refuses to build a schema that names an unknown permission', () => {
    const bad = buildSchema(`
      directive @granularScope(permissions: [String!]!, boundary: String, boundaryArgument: String) on FIELD_DEFINITION | OBJECT | INTERFACE
      type Query { typo: String @granularScope(permissions: ["read_projects"], boundary: "user") }
    `);
    expect(() => enforceGranular(bad)).toThrow('Query.typo: @granularScope names unknown permission read_projects');
  });
});
