import { Field, InputType, ObjectType } from 'type-graphql';
import { DomainError } from '../core/errors';
import { graphqlFailureShape } from './failure-shapes';

/** GitLab's mutation convention: every input takes an optional `clientMutationId`... */
@InputType()
export abstract class MutationInput {
  @Field(() => String, { nullable: true, description: 'A unique identifier for the client performing the mutation.' })
  clientMutationId?: string | null;
}

/** ...and every payload echoes it, beside `errors: [String!]!`. */
@ObjectType()
export abstract class MutationPayload {
  @Field(() => String, { nullable: true, description: 'The `clientMutationId` of the input, unchanged.' })
  clientMutationId?: string | null;

  @Field(() => [String], { description: 'Errors encountered during the mutation.' })
  errors!: string[];
}

/**
 * Runs a mutation body the GitLab way: a broken rule becomes `errors: [...]` in the payload with the
 * result fields null (and nothing written, as services check before they write or roll back);
 * "not available" and unexpected errors propagate as top-level errors.
 */
export async function mutationPayload<T extends object>(
  input: { clientMutationId?: string | null },
  run: () => Promise<T>,
): Promise<Partial<T> & { errors: string[]; clientMutationId: string | null }> {
  const clientMutationId = input.clientMutationId ?? null;
  try {
    return { ...(await run()), errors: [], clientMutationId };
  } catch (error) {
    if (error instanceof DomainError && graphqlFailureShape(error.code).inPayload) return { errors: error.messages, clientMutationId } as Partial<T> & { errors: string[]; clientMutationId: string | null };
    throw error;
  }
}
