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
import { dumpTable as dumpTableOf } from '../support/table-contents';

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
      await emailChanges.request(sessionId, password, freshEmail());
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
});
