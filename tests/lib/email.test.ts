import { describe, expect, it } from 'vitest';
import { normaliseEmail } from '../../lib/auth/email';
import { InvalidEmail } from '../../lib/auth/errors';

describe('normaliseEmail', () => {
  it('trims and lower-cases', () => {
    expect(normaliseEmail('  Bob.Smith@Example.COM ')).toBe('bob.smith@example.com');
  });

  it('refuses what is not shaped like an address', () => {
    const invalid = [
      '',
      'bob',
      'bob@',
      '@example.com',
      'bob@example',
      'a b@example.com',
      'a@b@c.io',
      'bob@example.com\u0000',
      'b\ud800b@example.com',
      `${'a'.repeat(250)}@example.com`,
    ];
    for (const email of invalid) expect(() => normaliseEmail(email)).toThrow(InvalidEmail);
  });
});
