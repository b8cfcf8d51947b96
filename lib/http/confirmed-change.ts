import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type { ConfirmedChange } from '../auth/confirmed-change';
import type { FactorProof } from '../auth/second-factor';
import { DEVICE_COOKIE, readCookie } from './cookies';
import { readFields } from './fields';
import { presentedSessionId } from './session-credential';

/** The optional fields that prove a second factor: an authenticator code or a recovery code. */
export const FACTOR_FIELDS = ['code', 'recovery_code'] as const;

/** A second factor's proof, as the request gave it. */
export function proofOf(fields: { code?: string; recovery_code?: string }): FactorProof {
  return {
    ...(fields.code !== undefined && { code: fields.code }),
    ...(fields.recovery_code !== undefined && { recoveryCode: fields.recovery_code }),
  };
}

/**
 * The confirmation of a change (DELETE /users/me, POST /email_change, DELETE /mfa/totp,
 * POST /mfa/recovery_codes), with the change's own required fields `more`.
 */
export async function readConfirmedChange<const More extends string = never>(
  event: APIGatewayProxyEventV2,
  maxBodyBytes: number,
  more: readonly More[] = [],
): Promise<ConfirmedChange & { fields: Record<More, string> }> {
  const fields = await readFields(event, ['password', ...more], maxBodyBytes, FACTOR_FIELDS);
  return {
    sessionId: presentedSessionId(event),
    password: fields.password,
    proof: proofOf(fields),
    deviceCookie: readCookie(event, DEVICE_COOKIE),
    fields,
  };
}
