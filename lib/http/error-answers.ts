/**
 * What a client is told of each error, in one table. As in middy's http-error-handler, a client
 * sees only what is meant for it: the errors listed here are answered with their status, their
 * code (lib/http/error-codes.ts), a fixed or client-safe message and their headers; anything else
 * is a bug and gets a bare 500.
 */
import {
  AccountLocked,
  CommonPassword,
  EmailNotVerified,
  EmailTaken,
  InvalidCredentials,
  InvalidEmail,
  InvalidEmailChangeToken,
  InvalidResetToken,
  InvalidMfaChallenge,
  InvalidVerificationToken,
  MfaAlreadyEnabled,
  MfaCodeRequired,
  MfaNotEnabled,
  NoPendingEnrolment,
  PasswordHasNul,
  PasswordTooLong,
  PasswordTooShort,
  SessionNotFound,
  UnknownEmail,
  UnknownSession,
  WrongMfaCode,
  WrongPassword,
} from '../auth/errors';
import { DependencyUnavailable } from '../platform/aws-errors';
import { CrossSiteRequest } from './csrf';
import { ERROR_HEADERS, type ErrorCode } from './error-codes';
import {
  BodyTooLarge,
  FieldNotString,
  FileField,
  MalformedRequest,
  MissingField,
  RepeatedField,
  TooManyRequests,
  UnsupportedMediaType,
  type FieldError,
} from './errors';
import { json, type HttpResponse } from './response';

export interface ErrorAnswer {
  status: number;
  code: ErrorCode;
  message: string;
  /** The body field the error concerns, for the `field_*` codes. */
  field?: string;
  /** The limit the request broke (a length or a size). */
  limit?: number;
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
const ownMessage = (status: number, code: ErrorCode) => (error: Error) => ({
  status,
  code,
  message: error.message,
});

const aboutField = (code: ErrorCode) => (error: FieldError) => ({
  status: 400,
  code,
  message: error.message,
  field: error.field,
});

const ANSWERS = new Map([
  answer(MalformedRequest, ownMessage(400, 'malformed_body')),
  answer(MissingField, aboutField('field_missing')),
  answer(FieldNotString, aboutField('field_not_string')),
  answer(RepeatedField, aboutField('field_repeated')),
  answer(FileField, aboutField('field_is_file')),
  answer(BodyTooLarge, (error) => ({
    ...ownMessage(413, 'body_too_large')(error),
    limit: error.limitBytes,
  })),
  answer(UnsupportedMediaType, ownMessage(415, 'unsupported_media_type')),
  answer(CrossSiteRequest, ownMessage(403, 'cross_site_request')),
  answer(InvalidEmail, ownMessage(400, 'invalid_email')),
  answer(PasswordTooShort, (error) => ({
    ...ownMessage(400, 'password_too_short')(error),
    limit: error.minLength,
  })),
  answer(PasswordTooLong, (error) => ({
    ...ownMessage(400, 'password_too_long')(error),
    limit: error.maxBytes,
  })),
  answer(PasswordHasNul, ownMessage(400, 'password_has_nul')),
  answer(CommonPassword, ownMessage(400, 'password_too_common')),
  // The seed's message names the email; the client already knows which one it sent.
  answer(EmailTaken, () => ({
    status: 400,
    code: 'email_taken',
    message: 'email already registered',
  })),
  answer(InvalidCredentials, ownMessage(401, 'invalid_credentials')),
  answer(WrongPassword, ownMessage(401, 'wrong_password')),
  answer(EmailNotVerified, ownMessage(403, 'email_not_verified')),
  answer(SessionNotFound, ownMessage(403, 'no_live_session')),
  answer(UnknownSession, ownMessage(404, 'unknown_session')),
  answer(UnknownEmail, ownMessage(403, 'unknown_email')),
  answer(InvalidResetToken, ownMessage(403, 'invalid_reset_token')),
  answer(InvalidVerificationToken, ownMessage(403, 'invalid_verification_token')),
  answer(InvalidEmailChangeToken, ownMessage(403, 'invalid_email_change_token')),
  answer(MfaCodeRequired, ownMessage(401, 'mfa_code_required')),
  answer(WrongMfaCode, ownMessage(401, 'invalid_mfa_code')),
  answer(InvalidMfaChallenge, ownMessage(401, 'invalid_mfa_token')),
  answer(MfaAlreadyEnabled, ownMessage(409, 'mfa_already_enabled')),
  answer(MfaNotEnabled, ownMessage(409, 'mfa_not_enabled')),
  answer(NoPendingEnrolment, ownMessage(409, 'mfa_enrolment_missing')),
  answer(AccountLocked, (error) => ({
    ...ownMessage(429, 'account_locked')(error),
    headers: { 'Retry-After': String(error.retryAfterSeconds) },
  })),
  answer(TooManyRequests, (error) => ({
    ...ownMessage(429, 'too_many_requests')(error),
    headers: { 'Retry-After': String(error.retryAfterSeconds) },
  })),
  // The cause (the SDK's error) is for the logs only.
  answer(DependencyUnavailable, () => ({
    status: 503,
    code: 'service_unavailable',
    message: 'service temporarily unavailable, try again later',
    headers: { 'Retry-After': '1' },
  })),
]);

/** What anything the table does not know gets: a bug, so nothing about it is told. */
export const INTERNAL_ERROR: ErrorAnswer = {
  status: 500,
  code: 'internal_error',
  message: 'internal error',
};

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

/** An error answer as JSON: the seed's `{"message"}` body, the code and its details in headers. */
export function errorJson({
  status,
  code,
  message,
  field,
  limit,
  headers,
}: ErrorAnswer): HttpResponse {
  return json(
    status,
    { message },
    {
      headers: {
        ...headers,
        [ERROR_HEADERS.code]: code,
        ...(field !== undefined && { [ERROR_HEADERS.field]: field }),
        ...(limit !== undefined && { [ERROR_HEADERS.limit]: String(limit) }),
      },
    },
  );
}
