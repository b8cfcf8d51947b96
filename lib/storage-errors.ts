import { ServiceUnavailableError } from './errors';

// Client faults that mean "too much, too fast" rather than "wrong request": retryable.
const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'TransactionConflictException',
]);

function isClientMistake(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, $fault } = error as { name?: unknown; $fault?: unknown };
  return $fault === 'client' && !(typeof name === 'string' && THROTTLING.has(name));
}

/**
 * Outages, timeouts, throttling and DynamoDB's own 5xx become a 503 the client may retry. Client
 * faults (a validation error, a missing table, a denied action) stay what they are: they are bugs
 * or misconfiguration, answered 500 and logged as errors for the on-call engineer.
 */
export function toStorageError(error: unknown): unknown {
  return isClientMistake(error) ? error : new ServiceUnavailableError(error);
}
