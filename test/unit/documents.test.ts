import { buildSchema } from 'graphql';
import { PreparedDocuments } from '../../src/graphql/documents';

/** The endpoint's cache of parsed documents (src/graphql/documents.ts). */
describe('prepared documents', () => {
  const schema = buildSchema('type Query { a: Int b: Int } type Mutation { m: Int }');

  it('parses once per text, validates on demand, and finds the operation a request names', () => {
    const documents = new PreparedDocuments(schema);
    const doc = documents.get('query One { a } mutation Two { m }');
    expect(documents.get('query One { a } mutation Two { m }')).toBe(doc);
    expect(doc.valid).toBe(true);
    expect(doc.operation('Two')?.operation).toBe('mutation');
    expect(doc.operation('Three')).toBeNull();
    // Two operations and no name: graphql-js cannot tell which one runs.
    expect(doc.operation(undefined)).toBeNull();
    expect(documents.get('{ c }').valid).toBe(false);
    const broken = documents.get('{ a');
    expect(broken.document).toBeNull();
    expect(broken.valid).toBe(false);
    expect(broken.operation(undefined)).toBeNull();
  });

  it('keeps the most recently used texts up to its capacity', () => {
    const documents = new PreparedDocuments(schema, 2);
    const a = documents.get('{ a }');
    const b = documents.get('{ b }');
    expect(documents.get('{ a }')).toBe(a);
    documents.get('{ a b }');
    // `{ b }` was the least recently used: it is parsed afresh, `{ a }` is still there.
    expect(documents.get('{ a }')).toBe(a);
    expect(documents.get('{ b }')).not.toBe(b);
  });
});
