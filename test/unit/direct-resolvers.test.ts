import 'reflect-metadata';
import { graphql, type GraphQLSchema } from 'graphql';
import { Arg, buildSchema, Ctx, Field, FieldResolver, Info, Int, InterfaceType, ObjectType, Query, Resolver, Root } from 'type-graphql';
import { directResolvers, typeNamesAtOnce } from '../../src/graphql/direct-resolvers';

/**
 * `directResolvers` replaces type-graphql's per-call machinery with direct calls; a schema with and
 * without it must answer every query alike, whatever its roots are (class instances, or plain objects
 * that type-graphql turns into instances before calling a resolver).
 */
@ObjectType()
class Box {
  @Field()
  name!: string;

  @Field(() => Int, { name: 'size' })
  volume!: number;

  describe(): string {
    return `box ${this.name}`;
  }
}

@InterfaceType({ resolveType: () => 'Crate' })
abstract class Container {
  @Field()
  name!: string;
}

@ObjectType({ implements: Container })
class Crate extends Container {}

@Resolver(() => Box)
class BoxResolver {
  @Query(() => Container)
  container(): Container {
    return Object.assign(new Crate(), { name: 'crate' });
  }

  @Query(() => [Box])
  boxes(): Box[] {
    const made = Object.assign(new Box(), { name: 'made', volume: 2 });
    // A plain object: type-graphql makes it a Box before `label` sees it.
    return [made, { name: 'plain', volume: 3 } as Box];
  }

  @FieldResolver(() => String)
  label(@Root() box: Box, @Ctx() ctx: { suffix: string }, @Info() info: { fieldName: string }): string {
    return `${box.describe()} ${ctx.suffix} ${info.fieldName}`;
  }

  @FieldResolver(() => String)
  echo(@Root() box: Box, @Arg('word') word: string): string {
    return `${box.name}:${word}`;
  }

  @FieldResolver(() => Int)
  async doubled(@Root() box: Box): Promise<number> {
    return box.volume * 2;
  }
}

describe('direct resolvers', () => {
  let original: GraphQLSchema;
  let direct: GraphQLSchema;

  beforeAll(async () => {
    original = await buildSchema({ resolvers: [BoxResolver], validate: false });
    direct = directResolvers(await buildSchema({ resolvers: [BoxResolver], validate: false }), [BoxResolver]);
  });

  it('answers as type-graphql does, for instances and plain roots alike', async () => {
    const source = '{ boxes { name size label echo(word: "hi") doubled } }';
    const run = (schema: GraphQLSchema) => graphql({ schema, source, contextValue: { suffix: '!' } });
    const expected = await run(original);
    expect(expected.errors).toBeUndefined();
    expect(await run(direct)).toEqual(expected);
    expect(expected.data?.boxes).toEqual([
      { name: 'made', size: 2, label: 'box made ! label', echo: 'made:hi', doubled: 4 },
      { name: 'plain', size: 3, label: 'box plain ! label', echo: 'plain:hi', doubled: 6 },
    ]);
  });

  it("names the type of an interface's value without a promise", async () => {
    const schema = typeNamesAtOnce(directResolvers(await buildSchema({ resolvers: [BoxResolver], validate: false }), [BoxResolver]));
    const container = schema.getType('Container') as unknown as { resolveType: (...args: unknown[]) => unknown };
    expect(container.resolveType({ name: 'x' }, {}, {}, container)).toBe('Crate');
    expect(await graphql({ schema, source: '{ container { name __typename } }' })).toEqual({ data: { container: { name: 'crate', __typename: 'Crate' } } });
  });

  it('calls root-and-context resolvers and reads properties directly, and leaves resolvers with arguments to type-graphql', () => {
    const fields = direct.getType('Box') as unknown as { getFields(): Record<string, { resolve?: Function }> };
    const originals = original.getType('Box') as unknown as { getFields(): Record<string, { resolve?: Function }> };
    for (const name of ['name', 'size', 'label', 'doubled']) expect(fields.getFields()[name].resolve).not.toBe(originals.getFields()[name].resolve);
    expect(fields.getFields().size.resolve!({ volume: 7 })).toBe(7);
    expect(fields.getFields().echo.resolve!.toString()).toBe(originals.getFields().echo.resolve!.toString());
  });
});
