import { Arg, Field, Int, ObjectType } from 'type-graphql';
import { countOf, type PageInfo as PageInfoFields } from '../db/paging';
import { Authorize } from './authorization';

/**
 * The GraphQL side of connections: the `PageInfo` type and the `<Name>Connection` / `<Name>Edge`
 * types. The keyset paging they present (cursors, sort keys, `paginate`) is in `db/paging.ts`.
 */

@ObjectType('PageInfo', { description: 'Information to aid in pagination.' })
@Authorize()
export class PageInfo implements PageInfoFields {
  @Field(() => String, { nullable: true, description: 'When paginating forwards, the cursor to continue.' })
  endCursor!: string | null;

  @Field({ description: 'When paginating forwards, are there more items?' })
  hasNextPage!: boolean;

  @Field({ description: 'When paginating backwards, are there more items?' })
  hasPreviousPage!: boolean;

  @Field(() => String, { nullable: true, description: 'When paginating backwards, the cursor to continue.' })
  startCursor!: string | null;
}

/**
 * Declares `<Name>Connection` and `<Name>Edge` for a node type, with GitLab's nullability
 * (`edges: [Edge]`, `nodes: [Node]`, `pageInfo: PageInfo!`, `count: Int!` on countable connections).
 */
export function connectionType(name: string, nodeType: () => Function, options: { count: boolean; description?: string }) {
  @ObjectType(`${name}Edge`, { description: 'An edge in a connection.' })
  class Edge {
    @Field({ description: 'A cursor for use in pagination.' })
    cursor!: string;

    @Field(nodeType, { nullable: true, description: 'The item at the end of the edge.' })
    node!: unknown;
  }

  @ObjectType(`${name}Connection`, { description: options.description ?? `The connection type for ${name}.` })
  class ConnectionType {
    @Field(() => [Edge], { nullable: 'itemsAndList', description: 'A list of edges.' })
    edges!: Edge[];

    @Field(() => [nodeType()], { nullable: 'itemsAndList', description: 'A list of nodes.' })
    nodes!: unknown[];

    @Field(() => PageInfo, { description: 'Information to aid in pagination.' })
    pageInfo!: PageInfo;
  }

  if (options.count) {
    // `count(limit:)` as GitLab's countable connections have it; declared by hand because only
    // countable connections carry it.
    const proto = ConnectionType.prototype as unknown as Record<string, unknown>;
    proto.count = function count(this: object, limit?: number | null) {
      return countOf(this, limit);
    };
    Arg('limit', () => Int, {
      nullable: true,
      description: 'Limit applied to the count query, returns limit + 1. When not provided, returns the exact count.',
    })(proto, 'count', 0);
    Field(() => Int, { description: 'Total count of collection. Returns limit + 1 for counts greater than the limit.' })(proto, 'count', Object.getOwnPropertyDescriptor(proto, 'count')!);
  }
  return ConnectionType;
}
