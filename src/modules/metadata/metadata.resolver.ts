import { Arg, Ctx, Field, InputType, Int, Mutation, ObjectType, Query, Resolver } from 'type-graphql';
import { MutationInput, MutationPayload } from '../../graphql/mutation';
import { Public, ReadScopes, WriteScopes } from '../../auth/scope-directive';
import { Authorize } from '../../graphql/authorization';
import type { RequestContext } from '../../core/context';
import type { GraphQLContext } from '../../graphql/context';
import { GITLAB_API_VERSION, LABGATE_VERSION } from '../../version';

@ObjectType('Metadata', { description: 'About this instance.' })
@Authorize('read_instance_metadata')
export class MetadataType {
  @Field({ description: 'Whether the instance runs an enterprise edition (Labgate: no).' })
  enterprise!: boolean;

  @Field({ description: 'Revision of the server software.' })
  revision!: string;

  @Field({ description: 'GitLab version whose API the instance serves.' })
  version!: string;
}

@ObjectType('QueryComplexity', { description: 'Cost of the current query and the most it may cost.' })
@Authorize()
export class QueryComplexityType {
  @Field(() => Int, { nullable: true, description: 'Largest complexity allowed for this request.' })
  limit!: number | null;

  @Field(() => Int, { nullable: true, description: 'Complexity of this query.' })
  score!: number | null;
}

@InputType('EchoCreateInput')
export class EchoCreateInput extends MutationInput {
  @Field(() => [String], { nullable: true, description: 'Errors to answer with, in the payload.' })
  errors?: string[] | null;

  @Field(() => [String], { nullable: true, description: 'Messages to answer with, in the payload.' })
  messages?: string[] | null;
}

@ObjectType('EchoCreatePayload')
export class EchoCreatePayload extends MutationPayload {
  @Field(() => [String], { nullable: true, description: 'The messages of the input.' })
  echoes?: string[] | null;
}

@Resolver()
export class MetadataResolver {
  @Mutation(() => EchoCreatePayload, {
    nullable: true,
    description: 'Changes nothing and answers with the messages and errors it was sent: a way to check that a token may run mutations.',
  })
  @WriteScopes()
  echoCreate(@Arg('input', () => EchoCreateInput) input: EchoCreateInput): EchoCreatePayload {
    return { clientMutationId: input.clientMutationId ?? null, echoes: input.messages ?? null, errors: input.errors ?? [] };
  }

  @Query(() => MetadataType, { nullable: true, description: 'About this instance; for signed-in users.' })
  @ReadScopes()
  metadata(): MetadataType {
    return { enterprise: false, revision: `labgate-${LABGATE_VERSION}`, version: GITLAB_API_VERSION };
  }

  @Query(() => QueryComplexityType, { nullable: true, description: 'Complexity of this query and the limit that applies to it.' })
  @Public()
  queryComplexity(@Ctx() ctx: GraphQLContext): QueryComplexityType {
    return { score: ctx.complexity?.score ?? null, limit: ctx.complexity?.limit ?? null };
  }

  @Query(() => String, { description: 'Answers with the text, prefixed by who asked: a way to test a connection and a token.' })
  @ReadScopes()
  echo(@Ctx() ctx: RequestContext, @Arg('text', () => String) text: string): string {
    const who = ctx.user ? JSON.stringify(ctx.user.username) : 'nil';
    return `${who} says: ${text}`;
  }
}
