import { useHarness } from '../helpers/harness';

/** `echoCreate`: writes nothing and answers with its input, for a token that may run mutations. */
describe('echoCreate', () => {
  const h = useHarness();
  const tokens: Record<string, string> = {};
  const MUTATION = 'mutation($input: EchoCreateInput!) { echoCreate(input: $input) { __typename clientMutationId echoes errors } }';

  beforeAll(async () => {
    const ann = await h.createUser('ann');
    tokens.api = (await h.createPat(ann, ['api'])).secret;
    tokens.read = (await h.createPat(ann, ['read_api'])).secret;
  });

  it('answers with the messages and errors it was sent, and changes nothing', async () => {
    const before = await h.rowCounts();
    const res = await h.gql(MUTATION, { input: { clientMutationId: 'c1', messages: ['hello', 'world'], errors: ['oops'] } }, { token: tokens.api });
    expect(res.errors).toBeUndefined();
    expect(res.data.echoCreate).toEqual({ __typename: 'EchoCreatePayload', clientMutationId: 'c1', echoes: ['hello', 'world'], errors: ['oops'] });
    const empty = await h.gql(MUTATION, { input: {} }, { token: tokens.api });
    expect(empty.data.echoCreate).toEqual({ __typename: 'EchoCreatePayload', clientMutationId: null, echoes: null, errors: [] });
    expect(await h.rowCounts()).toEqual(before);
  });

  it('needs a token that may write: a read-only token and anonymous callers are refused', async () => {
    const read = await h.gql(MUTATION, { input: { messages: ['x'] } }, { token: tokens.read });
    expect(read.errors?.[0].message).toMatch(/scope|permission/i);
    expect(read.data?.echoCreate ?? null).toBeNull();
    const anonymous = await h.gql(MUTATION, { input: { messages: ['x'] } });
    expect(anonymous.errors?.[0].message).toMatch(/scope|permission|authenticat/i);
    expect(anonymous.data?.echoCreate ?? null).toBeNull();
  });
});
