/**
 * What a client is told of each error, in one table. As in middy's http-error-handler, a client
 * sees only what is meant for it: the errors listed here are answered with their status, a fixed
 * or client-safe message and their headers; anything else is a bug and gets a bare 500.
 */
import {
  AccountLocked,
  EmailTaken,
  InvalidCredentials,
  InvalidEmail,
  InvalidResetToken,
  SessionNotFound,
  UnknownEmail,
  WeakPassword,
} from '../auth/errors';
import { DependencyUnavailable } from '../platform/aws-errors';
import { CrossSiteRequest } from './csrf';
import { BodyTooLarge, MalformedRequest, UnsupportedMediaType } from './errors';

export interface ErrorAnswer {
  status: number;
  message: string;
  headers?: Record<string, string>;
}

type ErrorClass<E extends Error> = abstract new (...args: never[]) => E;

function answer<E extends Error>(
  type: ErrorClass<E>,
  toAnswer: (error: E) => ErrorAnswer,
): [ErrorClass<Error>, (error: Error) => ErrorAnswer] {
  return [type, toAnswer as (error: Error) => ErrorAnswer];
}

/** The message as the error wrote it: these errors' messages are written for the client. */
const ownMessage = (status: number) => (error: Error) => ({ status, message: error.message });

const ANSWERS = new Map([
  answer(MalformedRequest, ownMessage(400)),
  answer(BodyTooLarge, ownMessage(413)),
  answer(UnsupportedMediaType, ownMessage(415)),
  answer(CrossSiteRequest, ownMessage(403)),
  answer(InvalidEmail, ownMessage(400)),
  answer(WeakPassword, ownMessage(400)),
  // The seed's message names the email; the client already knows which one it sent.
  answer(EmailTaken, () => ({ status: 400, message: 'email already registered' })),
  answer(InvalidCredentials, ownMessage(401)),
  answer(SessionNotFound, ownMessage(403)),
  answer(UnknownEmail, ownMessage(403)),
  answer(InvalidResetToken, ownMessage(403)),
  answer(AccountLocked, (error) => ({
    status: 429,
    message: error.message,
    headers: { 'Retry-After': String(error.retryAfterSeconds) },
  })),
  // The cause (the SDK's error) is for the logs only.
  answer(DependencyUnavailable, () => ({
    status: 503,
    message: 'service temporarily unavailable, try again later',
    headers: { 'Retry-After': '1' },
  })),
]);

/** The answer for an error the table knows, walking up its classes; null for anything else. */
export function knownAnswer(error: unknown): ErrorAnswer | null {
  if (!(error instanceof Error)) return null;
  let type: unknown = error.constructor;
  for (; typeof type === 'function' && type !== Error; type = Object.getPrototypeOf(type)) {
    const toAnswer = ANSWERS.get(type as ErrorClass<Error>);
    if (toAnswer !== undefined) return toAnswer(error);
  }
  return null;
}
