/**
 * Secrets the service must read back (a user's TOTP secret), stored encrypted: AES-256-GCM under
 * a key derived from the service key (lib/platform/service-key.ts), which is neither in the
 * repository nor in the table, so a dump of the table shows ciphertext only. Each value is bound
 * to what it belongs to (the user's id, as additional data): a sealed secret copied onto another
 * user does not open there.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

const ALGORITHM = 'aes-256-gcm';
/** The format's version: a later key or algorithm gets another, and old values stay readable. */
const VERSION = 'v1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** A sealed value that does not open: altered, sealed for another owner, or under another key. */
export class UnreadableSecret extends Error {
  constructor() {
    super('a stored secret could not be decrypted');
    this.name = 'UnreadableSecret';
  }
}

/** `plaintext` encrypted for `owner`: `v1.<iv>.<tag>.<ciphertext>`, each part base64url. */
export function seal(key: Buffer, plaintext: string, owner: string): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv(ALGORITHM, key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(owner, 'utf8'));
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return [VERSION, iv, cipher.getAuthTag(), ciphertext]
    .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
    .join('.');
}

/** What `seal` sealed for `owner` under `key`; UnreadableSecret for anything else. */
export function open(key: Buffer, sealed: string, owner: string): string {
  const [version, iv, tag, ciphertext, ...rest] = sealed.split('.');
  if (version !== VERSION || rest.length > 0 || ciphertext === undefined || tag === undefined) {
    throw new UnreadableSecret();
  }
  try {
    const decipher = createDecipheriv(ALGORITHM, key, Buffer.from(iv ?? '', 'base64url'), {
      authTagLength: TAG_BYTES,
    });
    decipher.setAAD(Buffer.from(owner, 'utf8'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    const plain = Buffer.concat([
      decipher.update(Buffer.from(ciphertext, 'base64url')),
      decipher.final(),
    ]);
    return plain.toString('utf8');
  } catch {
    throw new UnreadableSecret();
  }
}
