/**
 * Errors that may reach a client. Each carries its HTTP status and a message that is safe to show;
 * `lib/http/respond.ts` turns them into responses in one place. Anything that is not an AppError
 * is a bug or an outage and is answered with a fixed 500 that reveals nothing.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    /** What the client is told; `message` may carry more detail for the logs. */
    readonly publicMessage: string,
    message: string = publicMessage,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends AppError {
  constructor(message: string) {
    super(400, message);
  }
}

export class UnauthorizedError extends AppError {
  constructor(message = 'wrong email or password') {
    super(401, message);
  }
}

export class ForbiddenError extends AppError {
  constructor(message: string) {
    super(403, message);
  }
}

export class PayloadTooLargeError extends AppError {
  constructor(limitBytes: number) {
    super(413, `request body is larger than ${limitBytes} bytes`);
  }
}

export class UnsupportedMediaTypeError extends AppError {
  constructor() {
    super(415, 'body must be application/x-www-form-urlencoded or application/json');
  }
}

export class TooManyRequestsError extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super(429, 'too many failed logins, try again later', undefined, {
      'Retry-After': String(retryAfterSeconds),
    });
  }
}

/** DynamoDB (or another dependency) failed, timed out or throttled: worth retrying later. */
export class ServiceUnavailableError extends AppError {
  constructor(cause: unknown) {
    super(503, 'service temporarily unavailable, try again later', undefined, {
      'Retry-After': '1',
    });
    this.cause = cause;
  }
}
