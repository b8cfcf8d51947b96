/**
 * Recovery codes: the way back in when the authenticator is lost. Ten at a time, each 120 random
 * bits (24 base32 characters, shown in groups of four), single use. Stored as SHA-256 digests:
 * ASVS 6.5.2 allows a plain hash for lookup secrets of 112 bits or more, which cannot be
 * guessed from their digest.
 */
import { randomBytes } from 'node:crypto';
import { digestToken } from './tokens';

export const RECOVERY_CODE_COUNT = 10;

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz234567';
const CHARACTERS = 24;
const GROUP = 4;

function newRecoveryCode(): string {
  // 15 bytes are 120 bits, 24 base32 characters of 5 bits each.
  const bytes = randomBytes((CHARACTERS * 5) / 8);
  let bits = 0;
  let value = 0;
  let code = '';
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      code += ALPHABET.charAt((value >>> (bits - 5)) & 31);
      bits -= 5;
    }
  }
  return code.match(new RegExp(`.{${GROUP}}`, 'gu'))?.join('-') ?? code;
}

/** A new set: the codes, shown to the user once, and their digests, which alone are stored. */
export function newRecoveryCodes(): { codes: string[]; digests: string[] } {
  const codes = Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);
  return { codes, digests: codes.map((code) => digestToken(plainOf(code))) };
}

/** A code as typed, without case, spaces or hyphens. */
function plainOf(code: string): string {
  return code.toLowerCase().replace(/[\s-]/gu, '');
}

/**
 * The digest a code is stored and looked up by: case, spaces and hyphens ignored, as people copy
 * codes; null for anything that cannot be a code, refused before any read.
 */
export function recoveryCodeDigest(code: string): string | null {
  const plain = plainOf(code);
  return new RegExp(`^[${ALPHABET}]{${CHARACTERS}}$`, 'u').test(plain) ? digestToken(plain) : null;
}
