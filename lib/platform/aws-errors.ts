// Client faults that mean "too much, too fast" rather than "wrong request": retryable.
const THROTTLING = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
  'TransactionConflictException',
]);

// Why DynamoDB may cancel a transaction that would go through if sent again: another write was
// touching one of its items, or the table was throttled. Not the caller's mistake.
const RETRYABLE_CANCELLATIONS = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
]);

/**
 * An AWS dependency (DynamoDB, SES) failed, timed out or throttled: worth retrying later. The
 * SDK's error is kept as the cause, for the logs only.
 */
export class DependencyUnavailable extends Error {
  constructor(cause: unknown) {
    super('dependency unavailable', { cause });
    this.name = new.target.name;
  }
}

/** SES could not take a mail. */
export class MailUnavailable extends DependencyUnavailable {}

/** Whether the error is a cancelled transaction with one of the given reasons. */
export function isCancelledFor(error: unknown, reasons: ReadonlySet<string>): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, CancellationReasons } = error as {
    name?: unknown;
    CancellationReasons?: { Code?: string }[];
  };
  return (
    name === 'TransactionCanceledException' &&
    (CancellationReasons ?? []).some((reason) => reasons.has(reason.Code ?? ''))
  );
}

function isClientMistake(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, $fault } = error as { name?: unknown; $fault?: unknown };
  if (typeof name === 'string' && THROTTLING.has(name)) return false;
  return $fault === 'client' && !isCancelledFor(error, RETRYABLE_CANCELLATIONS);
}

/**
 * Outages, timeouts, throttling and the service's own 5xx become `Unavailable`, which the client
 * may retry. Client faults (a validation error, a missing table, a denied action) stay what they
 * are: they are bugs or misconfiguration, answered as internal errors and logged for the on-call
 * engineer.
 */
export function classifyAwsError(
  error: unknown,
  Unavailable: new (cause: unknown) => DependencyUnavailable,
): unknown {
  return isClientMistake(error) ? error : new Unavailable(error);
}
