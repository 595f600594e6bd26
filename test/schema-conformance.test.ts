import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  isUnionType,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLNamedType,
} from 'graphql';
import { labgateSchema } from '../src/app';
import { introspectLabgateSchema, printLabgateSchema } from '../src/graphql/schema';

/** GitLab's schema for the types in scope (names, arguments, types, nullability), kept with the tests. */
const REFERENCE = path.join(__dirname, 'fixtures', 'gitlab-reference-schema.graphql');

/** Types Labgate adds in GitLab's style where GitLab has no GraphQL (resource tokens, the group setting). */
const LABGATE_ADDITIONS = /^(ResourceAccessToken|ProjectAccessToken|GroupAccessToken|GroupUpdate|GroupMemberBulkUpdate)/;

function fieldsOf(type: GraphQLNamedType): Record<string, GraphQLField<unknown, unknown> | GraphQLInputField> {
  if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) return type.getFields();
  return {};
}

describe('the emitted schema', () => {
  it('is committed under schema/ and current (run `npm run schema:update` after a schema change)', async () => {
    const schema = await labgateSchema();
    const committed = readFileSync(path.join(__dirname, '..', 'schema', 'schema.graphql'), 'utf8');
    expect(printLabgateSchema(schema).trim()).toBe(committed.trim());
    const json = JSON.parse(readFileSync(path.join(__dirname, '..', 'schema', 'introspection.json'), 'utf8'));
    expect(json).toEqual(JSON.parse(JSON.stringify(introspectLabgateSchema(schema))));
  });

  it("matches GitLab's names, argument types and nullability wherever both have a type, field or value", async () => {
    const ours = await labgateSchema();
    const reference = buildSchema(readFileSync(REFERENCE, 'utf8'));
    const problems: string[] = [];
    let compared = 0;
    for (const type of Object.values(ours.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      const theirs = reference.getType(type.name);
      if (!theirs) {
        if (!LABGATE_ADDITIONS.test(type.name)) problems.push(`type ${type.name} is not in GitLab's schema`);
        continue;
      }
      if (theirs.constructor !== type.constructor) problems.push(`${type.name} is a different kind of type`);
      if (isEnumType(type) && isEnumType(theirs)) {
        const values = new Set(theirs.getValues().map((v) => v.name));
        for (const v of type.getValues()) if (!values.has(v.name)) problems.push(`enum ${type.name} has extra value ${v.name}`);
      }
      if (isUnionType(type) && isUnionType(theirs)) {
        const members = new Set(theirs.getTypes().map((t) => t.name));
        for (const t of type.getTypes()) if (!members.has(t.name)) problems.push(`union ${type.name} has extra member ${t.name}`);
      }
      if ((isObjectType(type) || isInterfaceType(type)) && (isObjectType(theirs) || isInterfaceType(theirs))) {
        const theirInterfaces = new Set(theirs.getInterfaces().map((i) => i.name));
        for (const i of type.getInterfaces()) if (!theirInterfaces.has(i.name)) problems.push(`${type.name} implements ${i.name}, GitLab's does not`);
      }
      const theirFields = fieldsOf(theirs);
      for (const [name, field] of Object.entries(fieldsOf(type))) {
        const theirField = theirFields[name];
        const label = `${type.name}.${name}`;
        if (!theirField) {
          // Labgate's additions on GitLab types: resource tokens and the top-level token setting.
          if (!['Project.accessTokens', 'Group.accessTokens', 'Group.resourceAccessTokenCreationAllowed', 'Mutation.groupUpdate', 'Mutation.groupMemberBulkUpdate', 'PersonalAccessTokenCreateInput.scopes'].includes(label)
            && !/^Mutation\.(project|group)AccessToken/.test(label)) {
            problems.push(`field ${label} is not in GitLab's schema`);
          }
          continue;
        }
        compared += 1;
        if (String(field.type) !== String(theirField.type)) {
          // GitLab requires granular scopes; Labgate makes them optional beside classic `scopes`.
          if (label !== 'PersonalAccessTokenCreateInput.granularScopes') {
            problems.push(`${label}: ${String(field.type)}, GitLab has ${String(theirField.type)}`);
          }
        }
        if ('args' in field && 'args' in theirField) {
          for (const arg of field.args) {
            const theirArg = theirField.args.find((a) => a.name === arg.name);
            if (!theirArg) problems.push(`${label}(${arg.name}:) is not in GitLab's schema`);
            else if (String(arg.type) !== String(theirArg.type)) {
              problems.push(`${label}(${arg.name}:) is ${String(arg.type)}, GitLab has ${String(theirArg.type)}`);
            }
          }
        }
      }
    }
    expect(problems).toEqual([]);
    expect(compared).toBeGreaterThan(300);
  });

  it('has no field that could carry a secret: no digest, hash or password anywhere, and the plaintext token only in create and rotate payloads', async () => {
    const schema = await labgateSchema();
    const suspicious: string[] = [];
    const tokenFields: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__')) continue;
      for (const name of Object.keys(fieldsOf(type))) {
        if (/digest|hash|password|secret|encrypted/i.test(name)) suspicious.push(`${type.name}.${name}`);
        if (name === 'token') tokenFields.push(`${type.name}.${name}`);
      }
    }
    expect(suspicious).toEqual([]);
    expect(tokenFields.sort()).toEqual([
      'GroupAccessTokenCreatePayload.token',
      'GroupAccessTokenRotatePayload.token',
      'PersonalAccessTokenCreatePayload.token',
      'PersonalAccessTokenRotatePayload.token',
      'ProjectAccessTokenCreatePayload.token',
      'ProjectAccessTokenRotatePayload.token',
    ]);
  });
});
