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
