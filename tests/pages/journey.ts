import { readFileSync } from 'node:fs';
import { generate } from 'otplib';
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import type { StepTimer } from '../support/browser';
import { linkMailed } from '../support/pages';
import type { SesEmulator } from '../support/ses-emulator';

/*
 * The pages' journeys in Chromium, wherever the pages are mounted: `root` is the address the API
 * is reached at, ending in `/` (http://localhost:3000/, or http://auth.example.test:8080/auth/
 * behind a base path), and every step starts from it, as a person following links would.
 */

/**
 * Keeps what the page reports as going wrong in `problems`: an uncaught error, and console errors
 * such as a refusal by the Content-Security-Policy (how Chromium reports one). Not the "Failed to
 * load resource" lines of the API's own 4xx answers, which the pages show as sentences.
 */
export function watchProblems(page: Page, problems: string[]): Page {
  page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
  page.on('console', (message) => {
    const text = message.text();
    const answered4xx = /^Failed to load resource: the server responded with a status of 4\d\d/u;
    if (message.type() === 'error' && !answered4xx.test(text)) {
      problems.push(`${page.url()}: ${text}`);
    }
  });
  return page;
}

/** The text of a page's error slot. */
export const errorOf = (page: Page, field: string) => page.locator(`#${field}-error`).textContent();

/** What is wrong with the labels of the inputs a person fills in on this page (hidden ones need none). */
export function labelProblems(page: Page): Promise<string[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('input:not([type=hidden]), select, textarea')].flatMap(
      (element) => {
        const input = element as HTMLInputElement;
        const label = [...(input.labels ?? [])].map((l) => l.textContent.trim()).join(' ');
        const described = (input.getAttribute('aria-describedby') ?? '').split(' ');
        return [
          ...(label === '' ? [`${input.name}: no label`] : []),
          ...described
            .filter((id) => document.getElementById(id) === null)
            .map((id) => `${input.name}: describedby ${id} missing`),
        ];
      },
    ),
  );
}

/** Takes a screenshot of the page under a name (browser.test.ts keeps the README's). */
export type Shoot = (page: Page, name: string) => Promise<unknown>;

/**
 * Sign up, a wrong password, log in, the profile, log out, forgot password, a too-common then a
 * good new password, log in with it: ends logged in, on the profile.
 */
export async function wholeJourney(
  page: Page,
  root: string,
  timer: StepTimer,
  shoot: Shoot = () => Promise.resolve(),
): Promise<{ email: string; password: string }> {
  const email = 'ada@example.com';
  const [password, newPassword] = ['first-Passw0rd', 'second-Passw0rd'];

  await timer.step('sign up', async () => {
    await page.goto(`${root}account/signup`);
    await shoot(page, 'signup');
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/account/login?notice=registered');
    expect(await page.getByRole('status').textContent()).toContain('Your account is created');
  });

  await timer.step('a wrong password shows its error', async () => {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill('not-my-password');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect
      .poll(() => errorOf(page, 'password'), { timeout: 15_000 })
      .toBe('The email or the password is wrong. Check both and try again.');
    // Announced (role=alert), tied to its input, which is marked invalid and has the focus.
    expect(await page.locator('#password-error').getAttribute('role')).toBe('alert');
    const password = page.getByLabel('Password');
    expect(await password.getAttribute('aria-invalid')).toBe('true');
    expect(await password.getAttribute('aria-describedby')).toContain('password-error');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');
    expect(page.url()).toBe(`${root}account/login?notice=registered`);
    await shoot(page, 'login');
  });

  await timer.step('log in', async () => {
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL('**/account/profile');
  });

  await timer.step('the profile shows the email and this session', async () => {
    expect(await page.locator('#profile-email').textContent()).toBe(email);
    expect(await page.locator('.sessions li').allTextContents()).toEqual([
      expect.stringContaining('(this device)'),
    ]);
    const cookies = await page.context().cookies();
    expect(cookies.find((c) => c.name === 'session_id')).toMatchObject({
      httpOnly: true,
      sameSite: 'Lax',
    });
    await shoot(page, 'profile');
  });

  await timer.step('log out', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL('**/account/login?notice=logged-out');
    await page.goto(`${root}account/profile`);
    await page.waitForURL('**/account/login?notice=login-needed');
  });

  await timer.step('forgot password', async () => {
    await page.getByRole('link', { name: 'Forgot your password?' }).click();
    await page.waitForURL('**/account/forgot-password');
    await shoot(page, 'forgot-password');
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Get a reset code' }).click();
    await page.waitForURL('**/account/reset-password?**');
    expect(await page.getByLabel('Email').inputValue()).toBe(email);
    expect(await page.getByLabel('Reset code').inputValue()).toMatch(/^[0-9a-f-]{36}$/u);
  });

  await timer.step('set a new password', async () => {
    await page.getByLabel('New password').fill('password');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await expect
      .poll(() => errorOf(page, 'new_password'), { timeout: 15_000 })
      .toBe('This password is too common and easy to guess. Choose another one.');
    await shoot(page, 'reset-password');
    await page.getByLabel('New password').fill(newPassword);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.waitForURL('**/account/login?notice=password-updated');
  });

  await timer.step('log in with the new password', async () => {
    await page.getByLabel('Email').fill(email);
    await page.getByLabel('Password').fill(newPassword);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL('**/account/profile');
    expect(await page.locator('#profile-email').textContent()).toBe(email);
  });
  return { email, password: newPassword };
}

/**
 * With JavaScript off (`page` and `other` are two such browsers): sign up, a wrong password, log
 * in, then end the other browser's session from the profile.
 */
export async function journeyWithoutJavaScript(
  page: Page,
  other: Page,
  root: string,
  timer: StepTimer,
): Promise<void> {
  await timer.step('JavaScript off: sign up, wrong password, log in', async () => {
    await page.goto(`${root}account/signup`);
    await page.getByLabel('Email').fill('linus@example.com');
    await page.getByLabel('Password').fill('no-js-Passw0rd');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.waitForURL('**/account/login?notice=registered');
    await page.getByLabel('Email').fill('linus@example.com');
    await page.getByLabel('Password').fill('wrong');
    const answer = page.waitForResponse('**/account/login');
    await page.getByRole('button', { name: 'Log in' }).click();
    expect((await answer).status()).toBe(401);
    expect(await errorOf(page, 'password')).toBe(
      'The email or the password is wrong. Check both and try again.',
    );
    // The page came back with what was typed, the invalid field focused (autofocus).
    expect(await page.getByLabel('Email').inputValue()).toBe('linus@example.com');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('password');
    await page.getByLabel('Password').fill('no-js-Passw0rd');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL('**/account/profile');
    expect(await page.locator('#profile-email').textContent()).toBe('linus@example.com');
  });
  await timer.step('JavaScript off: end the session of another browser', async () => {
    await other.goto(`${root}account/login`);
    await other.getByLabel('Email').fill('linus@example.com');
    await other.getByLabel('Password').fill('no-js-Passw0rd');
    await other.getByRole('button', { name: 'Log in' }).click();
    await other.waitForURL('**/account/profile');
    await page.reload();
    expect(await page.locator('.sessions li').count()).toBe(2);
    await page.getByRole('button', { name: 'End all other sessions' }).click();
    await page.waitForURL('**/account/profile?notice=other-sessions-ended');
    expect(await page.getByRole('status').textContent()).toContain('only this device');
    expect(await page.locator('.sessions li').count()).toBe(1);
    await other.goto(`${root}account/profile`);
    await other.waitForURL('**/account/login?notice=login-needed');
  });
}

/**
 * The account's controls, on a stage that verifies addresses (optional) and mails through `mail`
 * (`page` and `other` are two browsers with JavaScript on): sign up and log in, the banner and its
 * resend, the mailed verification link, a password change that logs the other device out, an
 * email change whose link goes through the login page and back, deletion's second step (every
 * session ends, the cookie goes, the address registers again), and the login page's resend as a
 * stage that requires a confirmed address shows it. Ends with both browsers logged out.
 */
export async function accountJourney(
  page: Page,
  other: Page,
  root: string,
  timer: StepTimer,
  mail: SesEmulator,
  shoot: Shoot = () => Promise.resolve(),
): Promise<void> {
  const email = 'hedy@example.com';
  const [password, newPassword] = ['hedy-Passw0rd', 'hedy-new-Passw0rd'];
  const newEmail = 'hedy.lamarr@example.com';
  /** The button of the form posted to `action` (several forms on the profile say alike). */
  const buttonOf = (action: string) => page.locator(`form[action="${action}"] button`);

  await timer.step(
    'account: sign up and log in, the banner asks to confirm the address',
    async () => {
      await page.goto(`${root}account/signup`);
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Create account' }).click();
      await page.waitForURL('**/account/login?notice=registered');
      await page.getByLabel('Email').fill(email);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await page.waitForURL('**/account/profile');
      expect(await page.locator('.banner').textContent()).toContain(`mail we sent to ${email}`);
      expect(await labelProblems(page)).toEqual([]);
      await page.getByRole('button', { name: 'Send the mail again' }).click();
      await page.waitForURL('**/account/profile?notice=verification-sent');
      expect(await page.getByRole('status').textContent()).toContain('new confirmation link');
    },
  );

  await timer.step('account: the mailed link confirms the address', async () => {
    // The link's query (lib/platform/mail-messages.ts), followed from where the pages are mounted.
    const link = await linkMailed(mail, email, 'verify-email');
    await page.goto(`${root}account/verify-email?${link.toString()}`);
    expect(await page.getByLabel('Email').inputValue()).toBe(email);
    expect(await page.getByLabel('Confirmation code').inputValue()).toMatch(/^[0-9a-f-]{36}$/u);
    await shoot(page, 'verify-email');
    await page.getByRole('button', { name: 'Confirm my email' }).click();
    await page.waitForURL('**/account/verify-email?notice=email-verified');
    expect(await page.getByRole('status').textContent()).toBe('Your email address is confirmed.');
    await page.goto(`${root}account/profile`);
    expect(await page.locator('.banner').count()).toBe(0);
  });

  await timer.step('account: change the password; the other device is logged out', async () => {
    await other.goto(`${root}account/login`);
    await other.getByLabel('Email').fill(email);
    await other.getByLabel('Password').fill(password);
    await other.getByRole('button', { name: 'Log in' }).click();
    await other.waitForURL('**/account/profile');
    await page.getByLabel('Current password').fill('not-my-password');
    await page.getByLabel('New password').fill(newPassword);
    await buttonOf('change-password').click();
    await expect
      .poll(() => errorOf(page, 'change-password-password'), { timeout: 15_000 })
      .toBe('This is not your current password. Check it and try again.');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('change-password-password');
    await page.getByLabel('Current password').fill(password);
    await buttonOf('change-password').click();
    await page.waitForURL('**/account/profile?notice=password-changed');
    await other.goto(`${root}account/profile`);
    await other.waitForURL('**/account/login?notice=login-needed');
  });

  await timer.step(
    'account: change the email; the link, opened logged out, goes through login',
    async () => {
      await page.getByLabel('New email').fill(newEmail);
      await page.getByLabel('Password', { exact: true }).fill(newPassword);
      await buttonOf('change-email').click();
      await page.waitForURL('**/account/profile?notice=email-change-sent');
      expect(await page.locator('#pending-email').textContent()).toContain(newEmail);
      expect(await page.locator('#profile-email').textContent()).toBe(email);
      const token = (await linkMailed(mail, newEmail, 'confirm-email')).get('token') ?? '';
      await other.goto(`${root}account/confirm-email?token=${token}`);
      await other.waitForURL('**/account/login?notice=login-to-confirm&next=**');
      expect(await other.getByRole('status').textContent()).toContain('confirm your new email');
      await other.getByLabel('Email').fill(email);
      await other.getByLabel('Password').fill(newPassword);
      await other.getByRole('button', { name: 'Log in' }).click();
      await other.waitForURL(`**/account/confirm-email?token=${token}`);
      expect(await other.locator('main p').first().textContent()).toContain(`to ${newEmail}?`);
      expect(await labelProblems(other)).toEqual([]);
      await shoot(other, 'confirm-email');
      await other.getByRole('button', { name: 'Change my email' }).click();
      await other.waitForURL('**/account/profile?notice=email-changed');
      expect(await other.locator('#profile-email').textContent()).toBe(newEmail);
    },
  );

  await timer.step('account: delete it, a second step that asks the password', async () => {
    await other.getByRole('link', { name: 'Delete your account' }).click();
    await other.waitForURL('**/account/delete-account');
    expect(await other.locator('.consequences').textContent()).toContain('nothing can be undone');
    expect(await labelProblems(other)).toEqual([]);
    await shoot(other, 'delete-account');
    await other.getByLabel('Password').fill(password);
    await other.getByRole('button', { name: 'Delete my account' }).click();
    await expect
      .poll(() => errorOf(other, 'password'), { timeout: 15_000 })
      .toBe('This is not your current password. Check it and try again.');
    await other.getByLabel('Password').fill(newPassword);
    await other.getByRole('button', { name: 'Delete my account' }).click();
    await other.waitForURL('**/account/login?notice=account-deleted');
    // The cookie is removed with the Domain it was set with, wherever that is.
    const cookies = await other.context().cookies();
    expect(cookies.map((c) => c.name)).not.toContain('session_id');
    // Every session ended with it, this other device's too.
    await page.goto(`${root}account/profile`);
    await page.waitForURL('**/account/login?notice=login-needed');
  });

  await timer.step('account: its address registers again', async () => {
    await other.goto(`${root}account/signup`);
    await other.getByLabel('Email').fill(newEmail);
    await other.getByLabel('Password').fill(password);
    await other.getByRole('button', { name: 'Create account' }).click();
    await other.waitForURL('**/account/login?notice=registered');
  });

  await timer.step(
    'account: a stage that requires a confirmed address, as app.js shows it',
    async () => {
      // This stage does not require it: POST /sessions answers here as a `required` stage does
      // for an unconfirmed address (tests/pages/account-pages.test.ts asks one), and the button
      // then calls the real POST /verify_email.
      await page.route(`${root}sessions`, (route) =>
        route.fulfill({
          status: 403,
          headers: { 'X-Error-Code': 'email_not_verified' },
          contentType: 'application/json',
          body: JSON.stringify({ message: 'email not verified' }),
        }),
      );
      expect(await page.locator('form[data-shown-on="email_not_verified"]').isHidden()).toBe(true);
      await page.getByLabel('Email').fill(newEmail);
      await page.getByLabel('Password').fill(password);
      await page.getByRole('button', { name: 'Log in' }).click();
      await expect
        .poll(() => errorOf(page, 'form'), { timeout: 15_000 })
        .toContain('Confirm your email address first');
      const resent = page.waitForResponse(`${root}verify_email`);
      await page.getByRole('button', { name: 'Send the mail again' }).click();
      expect((await resent).request().postData()).toBe(
        new URLSearchParams({ email: newEmail }).toString(),
      );
      await page.waitForURL('**/account/login?notice=verification-sent');
      await page.unroute(`${root}sessions`);
    },
  );
}

/** The TOTP time step of a moment (30 s each), and the code an authenticator app shows for it. */
const stepOf = (ms: number) => Math.floor(ms / 30_000);
const codeFor = (secret: string, step: number) => generate({ secret, epoch: step * 30 });

/**
 * The second factor, logged in on the profile as `account`: set it up (the QR code, the key read
 * from the page, a first code, the recovery codes copied and downloaded), log out, log in with a
 * code computed from the key, log out, log in with a recovery code. Each code login uses a later
 * time step than the code before (a code is accepted once), one step ahead at most (the drift the
 * service allows), so nothing waits for the clock. Ends logged in, on the profile.
 */
export async function secondFactorJourney(
  page: Page,
  root: string,
  timer: StepTimer,
  account: { email: string; password: string },
  shoot: Shoot = () => Promise.resolve(),
): Promise<void> {
  let secret = '';
  let codes: string[] = [];
  let spentStep = 0;

  await timer.step('second factor: set it up, the QR code and the key', async () => {
    await page.goto(`${root}account/profile`);
    expect(await page.locator('#two-factor-state').textContent()).toMatch(/^Off\./u);
    await page.getByLabel('Your password', { exact: true }).fill(account.password);
    await page.getByRole('button', { name: 'Set up two-factor authentication' }).click();
    await page.waitForURL('**/account/enrol-totp');
    // The QR code is drawn in the page itself; the key is in the page, not in its address.
    expect(await page.locator('figure.qr svg[role=img]').count()).toBe(1);
    secret = (await page.locator('#totp-secret').textContent()) ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{32}$/u);
    expect(page.url()).not.toContain(secret);
    expect(await labelProblems(page)).toEqual([]);
    await shoot(page, 'enrol-totp');
    spentStep = stepOf(Date.now());
    await page
      .getByLabel('Code from your authenticator app')
      .fill(await codeFor(secret, spentStep));
    await page.getByRole('button', { name: 'Turn on two-factor authentication' }).click();
    await page.waitForURL('**/account/confirm-totp');
    codes = await page.locator('#recovery-codes li').allTextContents();
    expect(codes).toHaveLength(10);
  });

  await timer.step('second factor: the recovery codes, copied and downloaded', async () => {
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], {
      origin: new URL(root).origin,
    });
    await page.getByRole('button', { name: 'Copy the codes' }).click();
    await expect
      .poll(() => page.locator('#copy-status').textContent(), { timeout: 15_000 })
      .toBe('The codes are copied.');
    expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(`${codes.join('\n')}\n`);
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download the codes' }).click();
    const file = await (await download).path();
    expect(readFileSync(file, 'utf8')).toContain(codes.join('\n'));
    await shoot(page, 'recovery-codes');
    await page.getByRole('link', { name: 'I have saved them: back to your profile' }).click();
    await page.waitForURL('**/account/profile');
    expect(await page.locator('#two-factor-state').textContent()).toContain(
      '10 unused recovery codes left.',
    );
  });

  /** Logs out, then in with the password: the page asks for the code in the login form's place. */
  const toSecondStep = async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await page.waitForURL('**/account/login?notice=logged-out');
    await page.getByLabel('Email').fill(account.email);
    await page.getByLabel('Password').fill(account.password);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.getByLabel('Code from your authenticator app').waitFor({ timeout: 15_000 });
    expect(await page.getByLabel('Password').isHidden()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('mfa-code');
    // The challenge stays in the page: the address is the login page's, as it was.
    expect(page.url()).toBe(`${root}account/login?notice=logged-out`);
  };

  await timer.step('second factor: log out, log in with a code from the key', async () => {
    await toSecondStep();
    await shoot(page, 'login-code');
    await page.getByLabel('Code from your authenticator app').fill('000000');
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect
      .poll(() => errorOf(page, 'mfa-code'), { timeout: 15_000 })
      .toContain('This code is wrong or was already used.');
    spentStep += 1;
    await page
      .getByLabel('Code from your authenticator app')
      .fill(await codeFor(secret, spentStep));
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL('**/account/profile');
    expect(await page.locator('#profile-email').textContent()).toBe(account.email);
  });

  await timer.step('second factor: log out, log in with a recovery code', async () => {
    await toSecondStep();
    await page.getByText('Use a recovery code instead').click();
    await page.getByLabel('Recovery code').fill(codes[0] ?? '');
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.waitForURL('**/account/profile?notice=recovery-code-used');
    expect(await page.locator('#two-factor-state').textContent()).toContain(
      '9 unused recovery codes left.',
    );
  });
}
