import { unmapped, type FailureCode } from '../core/failure-codes';

/** How GraphQL answers a failure: in the mutation payload's `errors`, or as a top-level error with a code. */
export interface GraphqlFailureShape {
  /** `extensions.code` of the top-level error (also set on payload failures, for queries that raise them). */
  extensionCode: 'RESOURCE_NOT_AVAILABLE' | 'BAD_USER_INPUT' | 'REQUEST_TIMEOUT';
  /** A mutation answers it in its payload's `errors: [String!]!` (nothing written) rather than as a top-level error. */
  inPayload: boolean;
}

/** GraphQL's mapping of every failure code (GitLab's answers): the only place that decides it. */
export function graphqlFailureShape(code: FailureCode): GraphqlFailureShape {
  switch (code) {
    case 'not_available':
      return { extensionCode: 'RESOURCE_NOT_AVAILABLE', inPayload: false };
    case 'invalid_argument':
      return { extensionCode: 'BAD_USER_INPUT', inPayload: false };
    // GitLab's mutations put every broken rule in the payload, whatever REST would answer.
    case 'rule':
    case 'conflict':
    case 'forbidden':
    case 'not_found':
    case 'invalid_field':
      return { extensionCode: 'BAD_USER_INPUT', inPayload: true };
    case 'timeout':
      return { extensionCode: 'REQUEST_TIMEOUT', inPayload: false };
    default:
      return unmapped(code);
  }
}
