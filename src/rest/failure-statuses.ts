import { unmapped, type Failure, type FailureCode } from '../core/failure-codes';
import { DomainError } from '../core/errors';
import { REQUEST_TIMED_OUT } from '../core/limits';
import { badRequest, conflict, forbidden, notFound, recordNotFound, RestError } from './errors';

/**
 * REST's answer to every failure code, as GitLab's API helpers answer (`lib/api/helpers.rb`): the one
 * switch that decides a status. An endpoint whose GitLab counterpart answers one code differently says
 * so in its `attempt` call (below); everything else comes from here.
 */
export function restFailure(failure: Failure): RestError {
  const message = failure.messages.join(', ');
  const code: FailureCode = failure.code;
  switch (code) {
    case 'not_available':
      return notFound();
    case 'invalid_argument':
      return new RestError(400, { error: message });
    case 'rule':
      return badRequest(message);
    case 'conflict':
      return conflict(message);
    case 'forbidden':
      return forbidden();
    case 'not_found':
      return recordNotFound();
    case 'invalid_field':
      // A model's error on one attribute: `{"message":{"user_id":["..."]}}`.
      return new RestError(400, { message: { [failure.field ?? 'base']: [...failure.messages] } });
    case 'timeout':
      return new RestError(503, { message: REQUEST_TIMED_OUT });
    default:
      return unmapped(code);
  }
}

/**
 * Runs a service call and answers its refusals as the endpoint does in GitLab: by the failure's code
 * (failure-codes.ts), from `restFailure`'s table below unless the endpoint answers a code its own way.
 */
export async function attempt<T>(work: () => Promise<T>, answers: Partial<Record<FailureCode, (failure: Failure) => RestError>> = {}): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const failure = error.failure();
    const answer = answers[failure.code];
    if (answer) throw answer(failure);
    throw restFailure(failure);
  }
}
