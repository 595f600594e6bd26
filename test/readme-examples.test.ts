import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parse, validate } from 'graphql';
import { labgateSchema } from '../src/app';

/**
 * The README's curl examples must work as written: every JSON body in them parses, and every GraphQL
 * document in those bodies is valid against the schema. (The examples were also run against a server.)
 */
const readme = readFileSync(path.join(__dirname, '..', 'README.md'), 'utf8');
const bodies = [...readme.matchAll(/(?:-d|gql) '(\{"query".*?\})'/g)].map((m) => m[1]);

describe('README examples', () => {
  it('has curl examples to check', () => {
    expect(bodies.length).toBeGreaterThanOrEqual(8);
  });

  it.each(bodies.map((body, i) => [i + 1, body]))('example %i is valid JSON with a valid GraphQL document', async (_n, body) => {
    const parsed = JSON.parse(body as string);
    const errors = validate(await labgateSchema(), parse(parsed.query));
    expect(errors.map((e) => e.message)).toEqual([]);
  });

  it('shows GET queries that are valid too', async () => {
    const gets = [...readme.matchAll(/--data-urlencode 'query=(.*?)'/g)].map((m) => m[1]);
    expect(gets.length).toBeGreaterThan(0);
    for (const query of gets) expect(validate(await labgateSchema(), parse(query))).toEqual([]);
  });
});
