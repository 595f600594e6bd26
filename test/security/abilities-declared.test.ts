import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isInterfaceType, isObjectType, type GraphQLSchema } from 'graphql';
import { labgateSchema } from '../../src/app';
import { declaredAbility } from '../../src/graphql/authorization';

/**
 * Deny by default, for roles as for scopes: every object type declares the ability a viewer needs to
 * read one of its objects (`@authorize(ability: ...)`), or says it is a value of the object it is read
 * from (`@authorize`). Connections, edges, payloads and the root types are structure, not data.
 * The declarations are committed in declared-abilities.json so that a change shows up in review.
 */
const SNAPSHOT = path.join(__dirname, 'declared-abilities.json');
const STRUCTURAL = /(Connection|Edge|Payload)$|^(Query|Mutation)$/;

type Declarations = Record<string, string>;

function declarations(schema: GraphQLSchema): { declared: Declarations; undeclared: string[] } {
  const declared: Declarations = {};
  const undeclared: string[] = [];
  for (const type of Object.values(schema.getTypeMap()).sort((a, b) => a.name.localeCompare(b.name))) {
    if (type.name.startsWith('__') || (!isObjectType(type) && !isInterfaceType(type))) continue;
    const ability = declaredAbility(schema, type);
    if (ability !== undefined) declared[type.name] = ability ?? '(value)';
    else if (isInterfaceType(type)) {
      // An interface needs no declaration of its own when every type implementing it declares one.
      const implementations = schema.getPossibleTypes(type);
      if (implementations.some((t) => !declaredAbility(schema, t))) undeclared.push(type.name);
    } else if (!STRUCTURAL.test(type.name)) undeclared.push(type.name);
    for (const [name, field] of Object.entries(type.getFields()).sort(([a], [b]) => a.localeCompare(b))) {
      const onField = declaredAbility(schema, field);
      if (onField) declared[`${type.name}.${name}`] = onField;
    }
  }
  return { declared, undeclared };
}

describe('declared abilities', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await labgateSchema();
  });

  it('has no object type without a declared read ability (or a value marker)', () => {
    expect(declarations(schema).undeclared).toEqual([]);
  });

  it('matches the committed declared-abilities.json', () => {
    const committed = JSON.parse(readFileSync(SNAPSHOT, 'utf8')) as Declarations;
    const { declared } = declarations(schema);
    const message = `declared abilities changed; if intended, replace ${path.relative(process.cwd(), SNAPSHOT)} with:\n${JSON.stringify(declared, null, 2)}\n`;
    if (JSON.stringify(declared) !== JSON.stringify(committed)) expect({ declared, message }).toEqual({ declared: committed, message });
  });

  it('declares the reads GitLab declares: projects, groups, namespaces, members and tokens', () => {
    const { declared } = declarations(schema);
    expect(declared).toMatchObject({
      Project: 'read_project',
      Group: 'read_group',
      Namespace: 'read_namespace',
      ProjectMember: 'read_project',
      GroupMember: 'read_group',
      'Project.projectMembers': 'read_project_member',
      'Group.groupMembers': 'read_group_member',
      'Project.accessTokens': 'read_resource_access_tokens',
      'Group.accessTokens': 'read_resource_access_tokens',
      'UserCore.personalAccessTokens': 'read_user_personal_access_tokens',
    });
  });
});
