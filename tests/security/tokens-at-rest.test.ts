// Item 3: the table holds only SHA-256 digests of session ids and of every token it issues.
import { describe, expect, inject, it } from 'vitest';
import { InvalidResetToken } from '../../lib/auth/errors';
import { EmailChanges } from '../../lib/auth/email-changes';
import { EmailVerification } from '../../lib/auth/email-verification';
import { Registration } from '../../lib/auth/registration';
import { Sessions } from '../../lib/auth/sessions';
import { config, db } from '../support/app';
import { digestToken } from '../../lib/auth/tokens';
import { authWith, freshEmail, loggedIn, strongPassword } from '../support/auth';
import { generate } from 'otplib';
import { handlerFor } from '../support/app';
import { httpEvent, sessionCookieOf } from '../support/events';
import { bodyOf } from '../support/responses';
import { definitionOf } from '../support/routes';
import { dumpTable as dumpTableOf, snapshotTable } from '../support/table-contents';

/** Every item of this file's table. */
const dumpTable = () => dumpTableOf(inject('dynamodbEndpoint'), config.usersTable);

describe('tokens at rest', () => {
  it('a dump of the table after logins and resets holds no raw session id or reset token', async () => {
    // prepare: users with live sessions, pending reset tokens, and a completed reset
    const auth = authWith();
    const secrets: string[] = [];
    const live: string[] = [];
    for (let i = 0; i < 3; i++) {
      const email = freshEmail();
      const password = strongPassword();
      await auth.registerUser(email, password);
      const first = loggedIn(await auth.logins.logIn(email, password));
      const second = loggedIn(await auth.logins.logIn(email, password));
      const usedToken = await auth.getResetPasswordToken(email);
      const newPassword = strongPassword();
      await auth.updatePassword(usedToken, newPassword, email);
      const session = loggedIn(await auth.logins.logIn(email, newPassword));
      const pendingToken = await auth.getResetPasswordToken(email);
      for (const loggedIn of [first, second, session]) secrets.push(loggedIn.sessionId);
      secrets.push(usedToken, pendingToken);
      live.push(session.sessionId);
      live.push(pendingToken);
    }
    // act
    const dump = JSON.stringify(await dumpTable());
    // assess: no raw value, in any attribute of any item; the live ones are there as digests
    expect(secrets).toHaveLength(15);
    expect(secrets.filter((secret) => dump.includes(secret))).toEqual([]);
    expect(live.filter((secret) => !dump.includes(digestToken(secret)))).toEqual([]);
  });

  it('a dump holds verification and email-change tokens only as digests', async () => {
    // prepare: pending verifications and email changes, their tokens caught on the way to the mail
    const mailed: string[] = [];
    const mailer = {
      sendVerification: (_: string, token: string) => Promise.resolve(void mailed.push(token)),
      sendEmailChange: (_: string, token: string) => Promise.resolve(void mailed.push(token)),
      sendEmailChangeNotice: () => Promise.resolve(),
    };
    const verification = new EmailVerification(db, { emailVerification: 'optional' }, mailer);
    const registration = new Registration(db, config, verification);
    const emailChanges = new EmailChanges(db, new Sessions(db, config), config, mailer);
    const { logins } = authWith();
    for (let i = 0; i < 3; i++) {
      const email = freshEmail();
      const password = strongPassword();
      await registration.registerUser(email, password);
      const { sessionId } = loggedIn(await logins.logIn(email, password));
      await emailChanges.request({ sessionId, password, proof: {} }, freshEmail());
    }
    // act
    const dump = JSON.stringify(await dumpTable());
    // assess
    expect(mailed).toHaveLength(6);
    expect(mailed.filter((token) => dump.includes(token))).toEqual([]);
    expect(mailed.filter((token) => !dump.includes(digestToken(token)))).toEqual([]);
  });

  it('the digests in a dump open no session and reset no password', async () => {
    // prepare
    const auth = authWith();
    const email = freshEmail();
    const password = strongPassword();
    await auth.registerUser(email, password);
    await auth.logins.logIn(email, password);
    await auth.getResetPasswordToken(email);
    const dump = await dumpTable();
    const item = dump.find((i) => i.email === email && i.hashed_password !== undefined);
    const session = dump.find((i) => i.user_id === item?.id && i.session_id !== undefined);
    // act + assess
    expect(typeof session?.session_id).toBe('string');
    expect(typeof item?.reset_token).toBe('string');
    expect(await auth.getUserFromSessionId(session?.session_id as string)).toBeNull();
    await expect(
      auth.updatePassword(item?.reset_token as string, strongPassword(), email),
    ).rejects.toBeInstanceOf(InvalidResetToken);
    expect(await auth.validLogin(email, password)).toBe(true);
  });

  it('a dump holds no TOTP secret, recovery code or challenge token in the clear', async () => {
    // prepare: accounts with a second factor, one with an enrolment still pending, and logins
    // waiting for their code; every secret caught from the answers
    const route = (key: string) => handlerFor(definitionOf(key));
    const [register, login, enrol, confirm] = [
      route('POST /users'),
      route('POST /sessions'),
      route('POST /mfa/totp'),
      route('PUT /mfa/totp'),
    ];
    const secrets: string[] = [];
    const digests: string[] = [];
    for (let i = 0; i < 3; i++) {
      const form = { email: freshEmail(), password: strongPassword() };
      await register(httpEvent('POST', '/users', { form }));
      const cookies = [
        `session_id=${sessionCookieOf(await login(httpEvent('POST', '/sessions', { form })))}`,
      ];
      const enrolment = await enrol(
        httpEvent('POST', '/mfa/totp', { cookies, form: { password: form.password } }),
      );
      const { secret } = bodyOf(enrolment) as { secret: string };
      secrets.push(secret, secret.toLowerCase());
      if (i === 0) continue; // this one stays pending
      const confirmed = await confirm(
        httpEvent('PUT', '/mfa/totp', { cookies, form: { code: await generate({ secret }) } }),
      );
      const { recovery_codes } = bodyOf(confirmed) as { recovery_codes: string[] };
      for (const code of recovery_codes) {
        const plain = code.replaceAll('-', '');
        secrets.push(code, plain);
        digests.push(digestToken(plain));
      }
      const { mfa_token } = bodyOf(await login(httpEvent('POST', '/sessions', { form }))) as {
        mfa_token: string;
      };
      secrets.push(mfa_token);
      digests.push(digestToken(mfa_token));
    }
    // act: the table as stored, every attribute in its raw DynamoDB form (sets included)
    const dump = JSON.stringify(await snapshotTable(inject('dynamodbEndpoint'), config.usersTable));
    // assess: 3 secrets (twice), 2 x 10 recovery codes (twice), 2 challenge tokens
    expect(secrets).toHaveLength(6 + 40 + 2);
    expect(secrets.filter((secret) => dump.includes(secret))).toEqual([]);
    expect(digests.filter((digest) => !dump.includes(digest))).toEqual([]);
  });
});
