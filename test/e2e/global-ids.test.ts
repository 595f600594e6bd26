import { GraphQLError } from 'graphql';
import { useHarness } from '../helpers/harness';
import { GroupIDScalar, NamespaceIDScalar } from '../../src/graphql/global-id';
import type { User } from '../../src/modules/user/user.entity';
import type { Namespace } from '../../src/modules/namespace/namespace.entity';
import type { Project } from '../../src/modules/project/project.entity';

/**
 * GitLab's global IDs: the `gid://gitlab/<Model>/<id>` strings on output, and the typed ID scalars
 * (`UserID`, `GroupID`, `ProjectID`, `PersonalAccessTokenID`...) that refuse malformed and wrong-model
 * IDs with GitLab's coercion messages (docs/reference/gitlab-graphql.md §3).
 */
describe('global IDs', () => {
  const h = useHarness();
  let alice: User;
  let token: string;
  let group: Namespace;
  let project: Project;

  beforeAll(async () => {
    alice = await h.createUser('alice', { admin: true });
    token = (await h.createPat(alice, ['api'])).secret;
    group = await h.app.services.groups.create(h.system(), { path: 'acme', visibility: 'public' }, alice);
    project = await h.app.services.projects.create(h.system(), { path: 'web', namespace: 'acme', visibility: 'public' });
  });

  const gql = (query: string, variables?: Record<string, unknown>) => h.gql(query, variables, { token });

  describe('on output', () => {
    it('writes the model and the database id', async () => {
      const res = await gql(`{ project(fullPath: "acme/web") { id group { id } namespace { id } projectMembers { nodes { id } } }
        group(fullPath: "acme") { id groupMembers { nodes { id } } } currentUser { id } user(username: "alice") { id } }`);
      expect(res.errors).toBeUndefined();
      expect(res.data.project.id).toBe(`gid://gitlab/Project/${project.id}`);
      expect(res.data.project.group.id).toBe(`gid://gitlab/Group/${group.id}`);
      expect(res.data.project.namespace.id).toBe(`gid://gitlab/Group/${group.id}`);
      expect(res.data.group.id).toBe(`gid://gitlab/Group/${group.id}`);
      expect(res.data.currentUser.id).toBe(`gid://gitlab/User/${alice.id}`);
      expect(res.data.user.id).toBe(`gid://gitlab/User/${alice.id}`);
      expect(res.data.group.groupMembers.nodes[0].id).toMatch(/^gid:\/\/gitlab\/GroupMember\/\d+$/);
    });

    it('feeds back into the typed arguments', async () => {
      const me = await gql('{ currentUser { id } }');
      const res = await gql('query($id: UserID!) { user(id: $id) { username } }', { id: me.data.currentUser.id });
      expect(res.data.user).toEqual({ username: 'alice' });
      const g = await gql('{ group(fullPath: "acme") { id } }');
      const members = await gql('query($g: GroupID) { users(groupId: $g) { nodes { username } } }', { g: g.data.group.id });
      expect(members.data.users.nodes).toEqual([{ username: 'alice' }]);
    });
  });

  describe('typed ID scalars', () => {
    const cases: Array<{ what: string; value: string; message: (v: string) => string }> = [
      { what: 'a malformed ID', value: 'abc', message: (v) => `"${v}" is not a valid Global ID` },
      { what: 'a bare number in a string', value: '42', message: (v) => `"${v}" is not a valid Global ID` },
      { what: 'an ID of another application', value: 'gid://other-app/User/1', message: (v) => `"${v}" is not a Gitlab Global ID` },
      { what: 'an ID of another model', value: 'gid://gitlab/Project/1', message: (v) => `"${v}" does not represent an instance of User` },
    ];

    for (const c of cases) {
      it(`refuse ${c.what} written as a literal, with GitLab's message`, async () => {
        const res = await gql(`{ user(id: "${c.value}") { username } }`);
        expect(res.status).toBe(200);
        expect(res.data).toBeUndefined();
        expect(res.errors?.map((e) => e.message)).toEqual([c.message(c.value)]);
        expect((res.errors?.[0] as any).locations).toEqual([{ line: 1, column: 12 }]);
      });

      it(`refuse ${c.what} passed as a variable, quoting GitLab's message`, async () => {
        const res = await gql('query($id: UserID) { user(id: $id) { username } }', { id: c.value });
        expect(res.status).toBe(200);
        expect(res.data).toBeUndefined();
        expect(res.errors).toHaveLength(1);
        // graphql-ruby's wording: the variable in the message, the scalar's explanation in `problems`.
        expect(res.errors![0].message).toBe('Variable $id of type UserID was provided invalid value');
        expect(res.errors![0].extensions?.problems).toEqual([{ path: [], explanation: c.message(c.value) }]);
        expect(res.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
      });
    }

    it('refuse a literal of the wrong kind, showing it as GitLab does', async () => {
      const res = await gql('{ user(id: 42) { username } }');
      expect(res.errors?.map((e) => e.message)).toEqual(['42 is not a valid Global ID']);
    });

    it('name the expected model: GroupID', async () => {
      const res = await gql(`{ users(groupId: "gid://gitlab/Project/${project.id}") { nodes { username } } }`);
      expect(res.errors?.map((e) => e.message)).toEqual([`"gid://gitlab/Project/${project.id}" does not represent an instance of Group`]);
      const variable = await gql('query($g: GroupID) { users(groupId: $g) { nodes { username } } }', { g: `gid://gitlab/User/${alice.id}` });
      expect(variable.errors?.[0].extensions?.problems).toEqual([{ path: [], explanation: `"gid://gitlab/User/${alice.id}" does not represent an instance of Group` }]);
    });

    it('name the expected model: ProjectID and UserID in mutation inputs (checked before anything runs)', async () => {
      const res = await gql(`mutation { projectMemberBulkUpdate(input: {
        projectId: "gid://gitlab/Group/${group.id}", userIds: ["gid://gitlab/User/${alice.id}"], accessLevel: GUEST }) { errors } }`);
      expect(res.errors?.map((e) => e.message)).toEqual([`"gid://gitlab/Group/${group.id}" does not represent an instance of Project`]);
      const users = await gql(`mutation { projectMemberBulkUpdate(input: {
        projectId: "gid://gitlab/Project/${project.id}", userIds: ["nope"], accessLevel: GUEST }) { errors } }`);
      expect(users.errors?.map((e) => e.message)).toEqual(['"nope" is not a valid Global ID']);
    });

    it('name the expected model: PersonalAccessTokenID', async () => {
      const res = await gql(`mutation { personalAccessTokenRevoke(input: { id: "gid://gitlab/User/${alice.id}" }) { errors } }`);
      expect(res.errors?.map((e) => e.message)).toEqual([`"gid://gitlab/User/${alice.id}" does not represent an instance of PersonalAccessToken`]);
    });

    it('accept a well-formed ID of a record that does not exist (the field is then null)', async () => {
      const res = await gql('{ user(id: "gid://gitlab/User/987654") { username } }');
      expect(res.errors).toBeUndefined();
      expect(res.data).toEqual({ user: null });
    });

    it('are declared with GitLab\'s names and descriptions', async () => {
      const res = await gql('{ __type(name: "ProjectID") { kind name description } }');
      expect(res.data.__type).toEqual({
        kind: 'SCALAR',
        name: 'ProjectID',
        description: 'A `ProjectID` is a global ID. It is encoded as a string.\n\nAn example `ProjectID` is: `"gid://gitlab/Project/1"`.',
      });
    });
  });

  describe('NamespaceID', () => {
    // No field of the schema GitLab gives us takes a NamespaceID, so it is not reachable through
    // GraphQL here; the scalar itself is checked.
    it('accepts a Group GID and a personal namespace GID, as GitLab accepts subclasses', () => {
      expect(NamespaceIDScalar.parseValue(`gid://gitlab/Group/${group.id}`)).toEqual({ model: 'Group', id: group.id });
      expect(NamespaceIDScalar.parseValue('gid://gitlab/Namespaces::UserNamespace/3')).toEqual({ model: 'Namespaces::UserNamespace', id: 3 });
      expect(NamespaceIDScalar.parseValue('gid://gitlab/Namespace/4')).toEqual({ model: 'Namespace', id: 4 });
    });

    it('refuses other models, and a GroupID refuses a Namespace GID', () => {
      expect(() => NamespaceIDScalar.parseValue('gid://gitlab/Project/1')).toThrow(
        new GraphQLError('"gid://gitlab/Project/1" does not represent an instance of Namespace'),
      );
      expect(() => GroupIDScalar.parseValue('gid://gitlab/Namespace/1')).toThrow('"gid://gitlab/Namespace/1" does not represent an instance of Group');
    });
  });

  describe('plain ID filters (ids: [ID!])', () => {
    it("refuse what is not a GitLab ID with parse_gid's message", async () => {
      const res = await gql('{ projects(ids: ["abc"]) { nodes { id } } }');
      expect(res.errors?.map((e) => e.message)).toEqual(['abc is not a valid GitLab ID.']);
      expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(res.data).toEqual({ projects: null });
    });

    it('refuse an ID of another model', async () => {
      const res = await gql(`{ users(ids: ["gid://gitlab/Project/${project.id}"]) { nodes { id } } }`);
      expect(res.errors?.map((e) => e.message)).toEqual([`gid://gitlab/Project/${project.id} is not a valid ID for User.`]);
    });

    it('accept the right model', async () => {
      const res = await gql(`{ groups(ids: ["gid://gitlab/Group/${group.id}"]) { nodes { fullPath } } }`);
      expect(res.data.groups.nodes).toEqual([{ fullPath: 'acme' }]);
    });
  });
});
