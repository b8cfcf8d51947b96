// Issue 19: the pages of the account controls, in process, with JavaScript off: each form posted
// to its page, which runs the service its API route runs (tests/pages/browser.test.ts drives them
// with JavaScript, in Chromium). Mails go to a real SES v2 emulator and are read back from it.
import { afterAll, describe, expect, it } from 'vitest';
import { route as formsRoute } from '../../handlers/page-forms';
import { route as pagesRoute } from '../../handlers/pages';
import type { HttpResponse } from '../../lib/http/response';
import type { Env } from '../../lib/platform/config';
import { config, db, handlerFor } from '../support/app';
import { freshEmail, strongPassword } from '../support/auth';
import { addressesOf, expectRelative, FormBrowser, headerOf, linkMailed } from '../support/pages';
import { startSesEmulator, type SesEmulator } from '../support/ses-emulator';

const mail: SesEmulator = await startSesEmulator();

afterAll(async () => {
  await mail.stop();
});

/** A stage whose verification mode is `mode`, mailing through the emulator. */
function stageEnv(mode: 'optional' | 'required'): Env {
  return {
    EMAIL_VERIFICATION: mode,
    MAIL_FROM: 'no-reply@example.com',
    SES_ENDPOINT: mail.endpoint,
  };
}

const optional = stageEnv('optional');
const [pages, forms] = [handlerFor(pagesRoute, optional), handlerFor(formsRoute, optional)];

/** A new browser on the optional stage (or `env`'s), logged in to nothing. */
function browser(env: Env = optional): FormBrowser {
  return env === optional
    ? new FormBrowser(pages, forms)
    : new FormBrowser(handlerFor(pagesRoute, env), handlerFor(formsRoute, env));
}

/** The text of the element with this id (the pages keep each on one line). */
function textOf(response: HttpResponse, id: string): string | undefined {
  return new RegExp(`id="${id}"[^>]*>([^<]*)<`, 'u').exec(response.body ?? '')?.[1];
}

/** Signs up with the sign-up form and logs in with the login form: the browser holds a session. */
async function signedUp(
  at: FormBrowser,
  account = { email: freshEmail(), password: strongPassword() },
) {
  expect((await at.post('signup', account)).statusCode).toBe(303);
  expect(headerOf(await at.post('login', account), 'Location')).toMatch(/profile$/u);
  return account;
}

/** Another browser, logged in to the same account. */
async function loggedIn(account: { email: string; password: string }): Promise<FormBrowser> {
  const other = browser();
  expect(headerOf(await other.post('login', account), 'Location')).toMatch(/profile$/u);
  return other;
}

describe('the pages of the account controls', () => {
  it("answer with the pages' headers, and every address of theirs is relative to the page", async () => {
    const at = browser();
    await signedUp(at);
    const answers = await Promise.all(
      [
        'verify-email',
        'resend-verification',
        'delete-account',
        'confirm-email?token=x',
        'profile',
      ].map((address) => at.get(address)),
    );
    for (const answer of answers) {
      expect(answer.statusCode).toBe(200);
      const headers = ['Content-Type', 'Cache-Control', 'X-Frame-Options', 'Referrer-Policy'];
      expect(headers.map((name) => headerOf(answer, name))).toEqual([
        'text/html; charset=utf-8',
        'no-store',
        'DENY',
        'no-referrer',
      ]);
      expect(headerOf(answer, 'Content-Security-Policy')).toMatch(/^default-src 'none'; script/u);
      expect(answer.body).not.toMatch(/<script>|<style|style="|\son\w+=/u);
    }
    // Nothing from the host's root nor from another origin (tests/pages/pages.test.ts posts
    // each of their forms too, under every mount).
    for (const address of answers.flatMap(addressesOf)) expectRelative(address);
    expect(addressesOf(answers[4] ?? { statusCode: 0 })).toEqual(
      expect.arrayContaining([
        'resend-verification?next=profile',
        'change-password',
        'change-email',
        'delete-account',
      ]),
    );
  });

  it('change the password: the current one checked, the other sessions ended, this one kept', async () => {
    const laptop = browser();
    const account = await signedUp(laptop);
    const phone = await loggedIn(account);
    const newPassword = strongPassword();

    const wrong = await laptop.post('change-password', {
      password: 'not-it',
      new_password: newPassword,
    });
    expect(wrong.statusCode).toBe(401);
    expect(textOf(wrong, 'change-password-password-error')).toBe(
      'This is not your current password. Check it and try again.',
    );
    expect(wrong.body).toMatch(/id="change-password-password"[^>]*aria-invalid="true" autofocus/u);
    expect(textOf(wrong, 'profile-email')).toBe(account.email);
    expect(wrong.body).not.toContain('not-it');

    const short = await laptop.post('change-password', {
      password: account.password,
      new_password: 'short',
    });
    expect([short.statusCode, textOf(short, 'change-password-new_password-error')]).toEqual([
      400,
      `Choose a password of at least ${config.minPasswordLength} characters.`,
    ]);

    const changed = await laptop.post('change-password', {
      password: account.password,
      new_password: newPassword,
    });
    expect([changed.statusCode, headerOf(changed, 'Location')]).toEqual([
      303,
      'profile?notice=password-changed',
    ]);
    const profile = await laptop.get('profile?notice=password-changed');
    expect(profile.body).toContain('Your password is changed. Your other sessions are ended');
    expect(headerOf(await phone.get('profile'), 'Location')).toBe('login?notice=login-needed');
    const withOld = await browser().post('login', account);
    expect(withOld.statusCode).toBe(401);
    const withNew = await browser().post('login', { ...account, password: newPassword });
    expect(withNew.statusCode).toBe(303);
  });

  it('lock the account after too many wrong current passwords, and say how long', async () => {
    const at = browser();
    const account = await signedUp(at);
    const wrong = () =>
      at.post('change-password', { password: 'wrong', new_password: strongPassword() });
    for (let i = 0; i < config.loginMaxFailures; i++) expect((await wrong()).statusCode).toBe(401);
    const locked = await wrong();
    expect(locked.statusCode).toBe(429);
    expect(Number(headerOf(locked, 'Retry-After'))).toBeGreaterThan(0);
    expect(textOf(locked, 'change-password-password-error')).toMatch(/locked for now/u);
    expect((await browser().post('login', account)).statusCode).toBe(429);
  });

  it('verify the address: the banner and its button, the mailed link, the result', async () => {
    const at = browser();
    const { email } = await signedUp(at);
    const profile = await at.get('profile');
    expect(profile.body).toContain('<section class="banner"');
    expect(profile.body).toContain(`Follow the link in the mail we sent to ${email}`);
    const resent = await at.post('resend-verification?next=profile', { email });
    expect([resent.statusCode, headerOf(resent, 'Location')]).toEqual([
      303,
      'profile?notice=verification-sent',
    ]);

    const link = await linkMailed(mail, email, 'verify-email');
    const token = link.get('verification_token') ?? '';
    // The mail's link carries its address (lib/platform/mailer.ts): the page fills both in.
    const landed = await at.get(
      `verify-email?${new URLSearchParams({ email, verification_token: token }).toString()}`,
    );
    expect(landed.body).toContain(`value="${email}"`);
    expect(landed.body).toContain(`value="${token}"`);

    const wrong = await at.post('verify-email', { email, verification_token: crypto.randomUUID() });
    expect([wrong.statusCode, textOf(wrong, 'form-error')]).toEqual([
      403,
      'This confirmation link is wrong or has expired. Ask for a new one.',
    ]);
    expect(wrong.body).toContain(`value="${email}"`);
    expect(wrong.body).toContain('href="resend-verification"');

    const verified = await at.post('verify-email', { email, verification_token: token });
    expect([verified.statusCode, headerOf(verified, 'Location')]).toEqual([
      303,
      'verify-email?notice=email-verified',
    ]);
    const result = await at.get('verify-email?notice=email-verified');
    expect(result.body).toContain('Your email address is confirmed.');
    expect(result.body).not.toContain('<form');
    expect((await at.get('profile')).body).not.toContain('class="banner"');
    const used = await at.post('verify-email', { email, verification_token: token });
    expect(used.statusCode).toBe(403);
  });

  it('on a stage that requires it, the login page says the address is unconfirmed and sends the mail again', async () => {
    const required = stageEnv('required');
    const at = browser(required);
    const account = { email: freshEmail(), password: strongPassword() };
    expect((await at.post('signup', account)).statusCode).toBe(303);
    expect((await at.get('login')).body).toMatch(/data-shown-on="email_not_verified" hidden/u);

    const refused = await at.post('login', account);
    expect([refused.statusCode, textOf(refused, 'form-error')]).toEqual([
      403,
      'Confirm your email address first: follow the link in the mail we sent you, or ask for a new one.',
    ]);
    // The follow-up form shows, carrying the typed email; the password is never written back.
    expect(refused.body).toMatch(/data-shown-on="email_not_verified" novalidate>/u);
    expect(refused.body).toContain(`<input type="hidden" name="email" value="${account.email}">`);
    expect(refused.body).not.toContain(account.password);
    expect(at.sessionId).toBeUndefined();

    // prepare: the registration's mail went out over a minute ago, so another may go
    const user = await db.findUserBy({ email: account.email });
    await db.updateUser(user.id, { verify_sent_at: Date.now() - 120_000 });
    const resent = await at.post('resend-verification', { email: account.email });
    expect([resent.statusCode, headerOf(resent, 'Location')]).toEqual([
      303,
      'login?notice=verification-sent',
    ]);
    expect(await mail.mailsTo(account.email)).toHaveLength(2);
    const link = await linkMailed(mail, account.email, 'verify-email');
    const verified = await at.post('verify-email', {
      email: account.email,
      verification_token: link.get('verification_token') ?? '',
    });
    expect(verified.statusCode).toBe(303);
    expect(headerOf(await at.post('login', account), 'Location')).toMatch(/profile$/u);

    const empty = await at.post('resend-verification', {});
    expect([empty.statusCode, textOf(empty, 'email-error')]).toEqual([
      400,
      'Enter your email address.',
    ]);
  });

  it('change the email: the pending change shown, the link through the login page and back', async () => {
    const laptop = browser();
    const account = await signedUp(laptop);
    const taken = await signedUp(browser());
    const newEmail = freshEmail();

    const wrong = await laptop.post('change-email', { new_email: newEmail, password: 'not-it' });
    expect([wrong.statusCode, textOf(wrong, 'change-email-password-error')]).toEqual([
      401,
      'This is not your current password. Check it and try again.',
    ]);
    expect(wrong.body).toContain(`value="${newEmail}"`);
    const clash = await laptop.post('change-email', {
      new_email: taken.email,
      password: account.password,
    });
    expect([clash.statusCode, textOf(clash, 'change-email-new_email-error')]).toEqual([
      400,
      'An account already uses this email. Use another one, or log in to that account if it is yours.',
    ]);

    const requested = await laptop.post('change-email', {
      new_email: newEmail,
      password: account.password,
    });
    expect(headerOf(requested, 'Location')).toBe('profile?notice=email-change-sent');
    const pending = await laptop.get('profile');
    expect(pending.body).toContain(`Waiting for confirmation: <strong>${newEmail}</strong>`);
    expect(textOf(pending, 'profile-email')).toBe(account.email);

    // The link, opened where nobody is logged in: the login page first, then back to it.
    const token = (await linkMailed(mail, newEmail, 'confirm-email')).get('token') ?? '';
    const elsewhere = browser();
    const landed = await elsewhere.get(`confirm-email?token=${token}`);
    const toLogin = `login?notice=login-to-confirm&next=confirm-email%3Ftoken%3D${token}`;
    expect([landed.statusCode, headerOf(landed, 'Location')]).toEqual([303, toLogin]);
    const login = await elsewhere.get(toLogin);
    expect(login.body).toContain('Log in to confirm your new email address.');
    const action = /<form [^>]*action="([^"]*)" data-page="login"/u.exec(login.body ?? '')?.[1];
    expect(action).toBe(`login?next=confirm-email%3Ftoken%3D${token}`);
    const back = await elsewhere.post(action ?? '', account);
    expect(headerOf(back, 'Location')).toBe(`confirm-email?token=${token}`);

    const confirmPage = await elsewhere.get(`confirm-email?token=${token}`);
    expect(confirmPage.body).toContain(
      `Change the email of your account from <strong>${account.email}</strong> to <strong>${newEmail}</strong>?`,
    );
    expect(confirmPage.body).toContain(`<input type="hidden" name="token" value="${token}">`);
    const forged = await elsewhere.post('confirm-email', { token: crypto.randomUUID() });
    expect([forged.statusCode, textOf(forged, 'form-error')]).toEqual([
      403,
      'This link to change your email is wrong, has expired, or belongs to another account. Ask for a new one.',
    ]);
    const confirmed = await elsewhere.post('confirm-email', { token });
    expect(headerOf(confirmed, 'Location')).toBe('profile?notice=email-changed');
    const changed = await elsewhere.get('profile?notice=email-changed');
    expect(textOf(changed, 'profile-email')).toBe(newEmail);
    expect(changed.body).toContain('Your email address is changed.');
    expect(changed.body).not.toContain('Waiting for confirmation');
    expect((await browser().post('login', account)).statusCode).toBe(401);
    expect((await browser().post('login', { ...account, email: newEmail })).statusCode).toBe(303);
  });

  it('lead the login back only to their own pages', async () => {
    const at = browser();
    const account = await signedUp(at);
    for (const next of ['https://evil.example/account/profile', '//evil.example/account/profile']) {
      const page = await at.get(`login?${new URLSearchParams({ next }).toString()}`);
      expect(page.body).toContain('action="login" data-page="login"');
      const login = await at.post(`login?${new URLSearchParams({ next }).toString()}`, account);
      expect(headerOf(login, 'Location')).toBe('profile');
    }
  });

  it('delete the account: a second step names what it does, the password confirms it', async () => {
    expect(headerOf(await browser().get('delete-account'), 'Location')).toBe(
      'login?notice=login-needed',
    );
    const laptop = browser();
    const account = await signedUp(laptop);
    const phone = await loggedIn(account);
    const page = await laptop.get('delete-account');
    expect(page.body).toContain(`This deletes the account of <strong>${account.email}</strong>`);
    for (const consequence of [
      'every session of it ends',
      'registered again',
      'nothing can be undone',
    ]) {
      expect(page.body).toContain(consequence);
    }
    expect(page.body).toContain('<button type="submit" class="danger">Delete my account</button>');

    const wrong = await laptop.post('delete-account', { password: 'not-it' });
    expect([wrong.statusCode, textOf(wrong, 'password-error')]).toEqual([
      401,
      'This is not your current password. Check it and try again.',
    ]);
    const deleted = await laptop.post('delete-account', { password: account.password });
    expect([deleted.statusCode, headerOf(deleted, 'Location')]).toEqual([
      303,
      'login?notice=account-deleted',
    ]);
    expect(deleted.cookies?.[0]).toMatch(/^session_id=;.*Max-Age=0/u);
    expect(laptop.sessionId).toBeUndefined();
    expect((await laptop.get('login?notice=account-deleted')).body).toContain(
      'Your account is deleted and every session of it ended.',
    );
    expect(headerOf(await phone.get('profile'), 'Location')).toBe('login?notice=login-needed');
    expect((await browser().post('login', account)).statusCode).toBe(401);
    expect((await browser().post('signup', account)).statusCode).toBe(303);
  });

  it("refuse the account's forms another site posts", async () => {
    const at = browser();
    const account = await signedUp(at);
    const crossSite = { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' };
    const attempts = [
      at.post('change-password', { ...account, new_password: strongPassword() }, crossSite),
      at.post('change-email', { ...account, new_email: freshEmail() }, crossSite),
      at.post('delete-account', account, crossSite),
    ];
    expect((await Promise.all(attempts)).map((a) => a.statusCode)).toEqual([403, 403, 403]);
    expect((await browser().post('login', account)).statusCode).toBe(303);
    expect(await mail.mailsTo(account.email)).toHaveLength(1);
  });
});
