import { GraphQLError } from 'graphql';

/** GitLab's `ResourceNotAvailable`: one message for "missing" and "not allowed", by design. */
export const RESOURCE_NOT_AVAILABLE =
  "The resource that you are attempting to access does not exist or you don't have permission to perform this action";

export class ResourceNotAvailableError extends GraphQLError {
  constructor(message: string = RESOURCE_NOT_AVAILABLE) {
    super(message, { extensions: { code: 'RESOURCE_NOT_AVAILABLE' } });
  }
}

/** GitLab's `Gitlab::Graphql::Errors::ArgumentError`: a bad argument, reported as a GraphQL error. */
export class ArgumentError extends GraphQLError {
  constructor(message: string) {
    super(message, { extensions: { code: 'BAD_USER_INPUT' } });
  }
}

/**
 * A rule broken on a resource the caller may see. Mutations turn it into their payload's
 * `errors: [String!]!` (nothing is changed); a query reports it as a GraphQL error; the CLI prints it
 * and exits non-zero.
 */
export class ServiceError extends GraphQLError {
  readonly messages: string[];

  constructor(messages: string | string[]) {
    const list = Array.isArray(messages) ? messages : [messages];
    super(list.join(', '), { extensions: { code: 'BAD_USER_INPUT' } });
    this.messages = list;
  }
}
