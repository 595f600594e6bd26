import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { isValidDate } from '../clock';

/** GitLab's `Time`: an instant in ISO 8601, written in UTC without fractions (`2026-01-15T12:00:00Z`). */
export const TimeScalar = new GraphQLScalarType<Date, string>({
  name: 'Time',
  description: 'An instant in ISO 8601 format, for example `2026-01-15T12:00:00Z`.',
  serialize(value) {
    const date = value instanceof Date ? value : new Date(String(value));
    if (Number.isNaN(date.getTime())) throw new GraphQLError(`Time cannot represent ${String(value)}`);
    return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  },
  parseValue: parseTime,
  parseLiteral: (ast) => parseTime(ast.kind === Kind.STRING ? ast.value : undefined),
});

function parseTime(value: unknown): Date {
  if (typeof value !== 'string') throw new GraphQLError(`${JSON.stringify(value)} is not a valid Time`);
  // A bare date is taken as midnight UTC, as GitLab's time parser does.
  const text = isValidDate(value) ? `${value}T00:00:00Z` : value;
  const date = new Date(text);
  if (!/^\d{4}-\d{2}-\d{2}[T ]/.test(text) || Number.isNaN(date.getTime())) {
    throw new GraphQLError(`${JSON.stringify(value)} is not a valid Time`);
  }
  return date;
}

function dateScalar(name: string, description: string) {
  const parse = (value: unknown): string => {
    if (typeof value !== 'string' || !isValidDate(value)) {
      throw new GraphQLError(`${JSON.stringify(value)} is not a valid ${name}`);
    }
    return value;
  };
  return new GraphQLScalarType<string, string>({
    name,
    description,
    serialize(value) {
      if (value instanceof Date) return value.toISOString().slice(0, 10);
      return parse(value);
    },
    parseValue: parse,
    parseLiteral: (ast) => parse(ast.kind === Kind.STRING ? ast.value : undefined),
  });
}

/** GitLab's output `Date`: a calendar date, `YYYY-MM-DD`. */
export const DateScalar = dateScalar('Date', 'A calendar date in ISO 8601 format, `YYYY-MM-DD`.');

/** GitLab's input `ISO8601Date`. */
export const ISO8601DateScalar = dateScalar('ISO8601Date', 'A calendar date in ISO 8601 format, `YYYY-MM-DD`.');
