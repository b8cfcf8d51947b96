/**
 * What can be wrong with a request before any rule sees it. Like the domain errors, they carry no
 * status: lib/http/error-answers.ts maps each to one.
 */
export class RequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = new.target.name;
  }
}

/** A body that cannot be read, or a field that is missing, empty or not a string. */
export class MalformedRequest extends RequestError {}

/** A named field of a body that can be read: the client is told which field. */
export abstract class FieldError extends MalformedRequest {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

/** Missing, or empty. */
export class MissingField extends FieldError {
  constructor(field: string) {
    super(field, `${field} is required`);
  }
}

/** A JSON value that is not a string. */
export class FieldNotString extends FieldError {
  constructor(field: string) {
    super(field, `${field} must be a string`);
  }
}

/** Given more than once: two values must not read as one password or one email. */
export class RepeatedField extends FieldError {
  constructor(field: string) {
    super(field, `${field} is given more than once`);
  }
}

/** A multipart file part, where a plain field was expected. */
export class FileField extends FieldError {
  constructor(field: string) {
    super(field, `${field} is a file: send it as a plain form field`);
  }
}

export class BodyTooLarge extends RequestError {
  constructor(readonly limitBytes: number) {
    super(`request body is larger than ${limitBytes} bytes`);
  }
}

export class UnsupportedMediaType extends RequestError {
  constructor(
    message = 'body must be application/x-www-form-urlencoded, multipart/form-data or application/json',
  ) {
    super(message);
  }
}

/** A client address over its budget of attempts (lib/http/client-budget.ts). */
export class TooManyRequests extends RequestError {
  constructor(readonly retryAfterSeconds: number) {
    super('too many requests from this address, try again later');
  }
}
