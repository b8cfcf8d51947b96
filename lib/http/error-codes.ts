/**
 * The machine-readable code of every error answer, sent in the `X-Error-Code` header beside the
 * seed's `{"message"}` body, which stays byte for byte what Flask clients compare. A client (the
 * pages' app.js among them) branches on the code, never on the message, whose wording may change.
 * lib/http/error-answers.ts gives each error its code; docs/openapi.yaml lists them. This module
 * imports nothing, so the browser bundle can import it too.
 */
export const ERROR_CODES = [
  'malformed_body',
  'field_missing',
  'field_not_string',
  'field_repeated',
  'field_is_file',
  'body_too_large',
  'unsupported_media_type',
  'cross_site_request',
  'invalid_email',
  'password_too_short',
  'password_too_long',
  'password_has_nul',
  'password_too_common',
  'email_taken',
  'invalid_credentials',
  'wrong_password',
  'account_locked',
  'too_many_requests',
  'email_not_verified',
  'no_live_session',
  'unknown_session',
  'unknown_email',
  'invalid_reset_token',
  'invalid_verification_token',
  'invalid_email_change_token',
  'mfa_required',
  'mfa_code_required',
  'invalid_mfa_code',
  'invalid_mfa_token',
  'mfa_already_enabled',
  'mfa_not_enabled',
  'mfa_enrolment_missing',
  'service_unavailable',
  'internal_error',
  'not_found',
  'method_not_allowed',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/**
 * The headers of an error answer: its code, and, where it has them, the body field it concerns
 * (`field_*` codes) and the limit the request broke (`password_too_short`: characters,
 * `password_too_long` and `body_too_large`: bytes). CORS exposes them to the allowed origins.
 */
export const ERROR_HEADERS = {
  code: 'X-Error-Code',
  field: 'X-Error-Field',
  limit: 'X-Error-Limit',
} as const;
