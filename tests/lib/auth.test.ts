import bcrypt from 'bcryptjs';
import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { Auth } from '../../lib/auth/auth';
import {
  EmailTaken,
  InvalidCredentials,
  InvalidResetToken,
  UnknownEmail,
} from '../../lib/auth/errors';
import { config, db } from '../support/app';
import { digestToken } from '../../lib/auth/tokens';
import { freshEmail, loggedIn } from '../support/auth';

const auth = new Auth(db, { ...config, bcryptCost: 4, minPasswordLength: 8 });
const password = 'correct horse battery';

describe('Auth.hashPassword', () => {
  it('returns a salted bcrypt hash that verifies the password', async () => {
    const [first, second] = await Promise.all([
      auth.hashPassword(password),
      auth.hashPassword(password),
    ]);
    expect(first).not.toBe(second);
    expect(await bcrypt.compare(password, first)).toBe(true);
    expect(bcrypt.getRounds(first)).toBe(4);
  });
});

describe('Auth.generateUuid', () => {
  it('returns a new v4 UUID each time', () => {
    const ids = new Set(Array.from({ length: 100 }, () => auth.generateUuid()));
    expect(ids.size).toBe(100);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab]/u);
  });
});

describe('Auth.registerUser', () => {
  it('stores the user with a bcrypt hash, never the password', async () => {
    const email = freshEmail();
    const user = await auth.registerUser(email, password);
    expect(user.email).toBe(email);
    expect(user.hashed_password).not.toContain(password);
    expect(await bcrypt.compare(password, user.hashed_password)).toBe(true);
  });

  it('throws "User <email> already exists" for a taken email', async () => {
    const email = freshEmail();
    await auth.registerUser(email, password);
    const again = auth.registerUser(email, 'another password');
    await expect(again).rejects.toBeInstanceOf(EmailTaken);
    await expect(again).rejects.toThrow(`User ${email} already exists`);
  });
});

describe('Auth.validLogin', () => {
  it('is true for the right password only, and false for an unknown email', async () => {
    const email = freshEmail();
    await auth.registerUser(email, password);
    expect(await auth.validLogin(email, password)).toBe(true);
    expect(await auth.validLogin(email, 'wrong password')).toBe(false);
    expect(await auth.validLogin(freshEmail(), password)).toBe(false);
  });
});

describe('sessions', () => {
  it('createSession stores only a digest and getUserFromSessionId finds the user by the id', async () => {
    // prepare
    const email = freshEmail();
    await auth.registerUser(email, password);
    // act
    const sessionId = await auth.createSession(email);
    // assess
    expect(sessionId).toEqual(expect.any(String));
    const user = await auth.getUserFromSessionId(sessionId);
    expect(user?.email).toBe(email);
    // Only the digest is stored, under which the user lists the session.
    const digests = Object.values(user?.sessions ?? {}).map((ref) => ref.digest);
    expect(digests).toEqual([digestToken(sessionId as string)]);
  });

  it('createSession returns null for an unknown email', async () => {
    expect(await auth.createSession(freshEmail())).toBeNull();
  });

  it('a new session leaves the previous one alive: one per device', async () => {
    const email = freshEmail();
    await auth.registerUser(email, password);
    const first = await auth.createSession(email);
    const second = await auth.createSession(email);
    expect((await auth.getUserFromSessionId(first))?.email).toBe(email);
    expect((await auth.getUserFromSessionId(second))?.email).toBe(email);
  });

  it('getUserFromSessionId is null for no, malformed or unknown ids', async () => {
    for (const id of [undefined, null, '', 'not-a-uuid', randomUUID()]) {
      expect(await auth.getUserFromSessionId(id)).toBeNull();
    }
  });

  it('destroySession ends the session', async () => {
    const email = freshEmail();
    const user = await auth.registerUser(email, password);
    const sessionId = await auth.createSession(email);
    const other = await auth.createSession(email);
    await auth.destroySession(user.id);
    // Called by itself, it ends every session of the user, as Flask's ends its one.
    expect(await auth.getUserFromSessionId(sessionId)).toBeNull();
    expect(await auth.getUserFromSessionId(other)).toBeNull();
    expect((await db.findUserBy({ id: user.id })).sessions).toEqual({});
  });

  it('destroySession after getUserFromSessionId leaves a newer login alone, as logout does', async () => {
    // prepare: a session read by a seed-style logout, then a login on another device
    const email = freshEmail();
    const user = await auth.registerUser(email, password);
    const first = await auth.createSession(email);
    expect((await auth.getUserFromSessionId(first))?.id).toBe(user.id);
    const newer = await auth.createSession(email);
    // act
    await auth.destroySession(user.id);
    // assess
    expect((await auth.getUserFromSessionId(newer))?.id).toBe(user.id);
  });

  it('logIn checks the credentials and starts a session in one call', async () => {
    const email = freshEmail();
    await auth.registerUser(email, password);
    await expect(auth.logins.logIn(email, 'wrong password')).rejects.toBeInstanceOf(
      InvalidCredentials,
    );
    const session = loggedIn(await auth.logins.logIn(email, password));
    expect(session.user.email).toBe(email);
    expect((await auth.getUserFromSessionId(session.sessionId))?.email).toBe(email);
  });
});

describe('password reset', () => {
  it('getResetPasswordToken stores a digest and returns the token', async () => {
    const email = freshEmail();
    const user = await auth.registerUser(email, password);
    const token = await auth.getResetPasswordToken(email);
    expect((await db.findUserBy({ id: user.id })).reset_token).toBe(digestToken(token));
  });

  it('getResetPasswordToken throws for an unknown email', async () => {
    await expect(auth.getResetPasswordToken(freshEmail())).rejects.toBeInstanceOf(UnknownEmail);
  });

  it('updatePassword hashes the new password and clears the token', async () => {
    // prepare
    const email = freshEmail();
    await auth.registerUser(email, password);
    const token = await auth.getResetPasswordToken(email);
    // act
    await auth.updatePassword(token, 'a brand new password');
    // assess
    expect(await auth.validLogin(email, 'a brand new password')).toBe(true);
    expect(await auth.validLogin(email, password)).toBe(false);
    expect((await db.findUserBy({ email })).reset_token).toBeNull();
  });

  it('updatePassword throws for an unknown, malformed or used token', async () => {
    const email = freshEmail();
    await auth.registerUser(email, password);
    const token = await auth.getResetPasswordToken(email);
    await auth.updatePassword(token, 'a brand new password');
    for (const bad of [token, randomUUID(), 'not-a-token', '']) {
      await expect(auth.updatePassword(bad, 'yet another password')).rejects.toBeInstanceOf(
        InvalidResetToken,
      );
    }
    expect(await auth.validLogin(email, 'a brand new password')).toBe(true);
  });
});
