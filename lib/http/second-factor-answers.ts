/** The answers of the second-factor routes that are not plain `{"message"}` ones. */
import { ERROR_HEADERS } from './error-codes';
import { json, type HttpResponse } from './response';

/**
 * A right password to an account with a second factor: 401 with the challenge's token, which
 * POST /sessions/mfa takes with a code, and no cookie. Coded `mfa_required`, as errors are.
 */
export function secondFactorRequired(mfaToken: string): HttpResponse {
  return json(
    401,
    { message: 'second factor required', mfa_token: mfaToken },
    { headers: { [ERROR_HEADERS.code]: 'mfa_required' } },
  );
}
