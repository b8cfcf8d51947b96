import type { FactorProof } from './second-factor';

/**
 * What a change to an account is confirmed with: the caller's session, their password, a second
 * factor's code or recovery code (needed where the account has one), and the device cookie that
 * says whether a wrong password or code counts against a trusted device's own lock.
 */
export interface ConfirmedChange {
  sessionId: string | null | undefined;
  password: string;
  proof: FactorProof;
  deviceCookie?: string | undefined;
}
