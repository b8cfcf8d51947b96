import { describe, expect, it } from 'vitest';
import { normaliseEmail } from '../../lib/auth/email';
import { InvalidEmail } from '../../lib/auth/errors';

describe('normaliseEmail', () => {
  it('trims and lower-cases', () => {
    expect(normaliseEmail('  Bob.Smith@Example.COM ')).toBe('bob.smith@example.com');
  });

  it('gives every spelling of one mailbox one form: NFKC, and the domain in IDNA ASCII', () => {
    const spellings: [string, string][] = [
      ['dom@ｅxample.org', 'dom@example.org'],
      ['ｄｏｍ＠ｅｘａｍｐｌｅ．ｏｒｇ', 'dom@example.org'],
      ['Bob@Bücher.DE', 'bob@xn--bcher-kva.de'],
      ['bob@xn--bcher-kva.de', 'bob@xn--bcher-kva.de'],
      ['bob@例え.テスト', 'bob@xn--r8jz45g.xn--zckzah'],
      ['ﬁle@example.org', 'file@example.org'],
    ];
    for (const [sent, stored] of spellings) expect(normaliseEmail(sent)).toBe(stored);
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

  it('refuses format characters, C1 controls and display-name syntax', () => {
    const invalid = [
      'b\u200bob@example.com', // zero-width space
      'bo\u00adb@example.com', // soft hyphen
      'bob@exam\u00adple.com', // soft hyphen, which IDNA would silently drop
      'bob@example.com\u200d', // zero-width joiner
      '\u202ebob@example.com', // right-to-left override
      'bo\u0085b@example.com', // NEL, a C1 control
      'bob\u009f@example.com',
      'Bob <bob@example.com>',
      '<bob@example.com>',
      '"Bob" <bob@example.com>',
      'bob@example.com (Bob)',
      '"b o b"@example.com',
      'bob@[192.0.2.1]',
      'bob@example.com, eve@example.com',
      'bob@xn--zz.com', // not a valid IDNA label
    ];
    for (const email of invalid) expect(() => normaliseEmail(email)).toThrow(InvalidEmail);
  });
});
