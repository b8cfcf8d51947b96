import { createServer, type Server } from 'node:http';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../local/dynamodb-local';
import { chromiumInstalled, CHROMIUM_PATH, launchChromium, StepTimer } from '../support/browser';
import { AWS_LIKE_LAG_MS } from '../support/lagging-dynamodb';
import { startLocalService, type LocalService } from '../support/local-service';
import { linkMailed } from '../support/pages';
import { startSesEmulator, type SesEmulator } from '../support/ses-emulator';

/*
 * The hosted pages in headless Chromium against `npm start`: the whole journey, the account's
 * controls (verify the address, change the password and the email, delete the account, with the
 * mails read from an SES emulator), the login form with the keyboard alone, a label on every
 * input, JavaScript off, and a login CSRF attempt from another origin. Screenshots go to $SCREENSHOT_DIR (the README's come from
 * `SCREENSHOT_DIR=docs/screenshots npx vitest run tests/pages/browser.test.ts`), else to a
 * temporary folder, so a test run changes no committed file.
 */

if (!chromiumInstalled) {
  console.warn(
    `browser tests skipped: no Chromium at ${CHROMIUM_PATH} (apt-get install chromium, or set CHROMIUM_PATH)`,
  );
}

const screenshots = resolve(
  process.env.SCREENSHOT_DIR ?? mkdtempSync(join(tmpdir(), 'user-auth-screenshots-')),
);
const PAGES = [
  'signup',
  'login',
  'forgot-password',
  'reset-password',
  'verify-email',
  'resend-verification',
];

/** What is wrong with the labels of the inputs a person fills in on this page (hidden ones need none). */
function labelProblems(page: Page): Promise<string[]> {
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

describe.skipIf(!chromiumInstalled)(
  'the hosted pages in a real browser (Chromium)',
  () => {
    let service: LocalService;
    let browser: Browser;
    let mail: SesEmulator;
    const timer = new StepTimer();
    const problems: string[] = [];

    beforeAll(async () => {
      mkdirSync(screenshots, { recursive: true });
      mail = await startSesEmulator();
      [service, browser] = await Promise.all([
        startLocalService(
          {
            // The deployed password policy, whose common-password error the reset step shows.
            REFUSE_COMMON_PASSWORDS: 'true',
            // Addresses verified, and changed, through mails the test reads from the emulator.
            EMAIL_VERIFICATION: 'optional',
            MAIL_FROM: 'no-reply@example.com',
            SES_ENDPOINT: mail.endpoint,
          },
          // Its indexes lag as AWS's can: every step reads right after the write before it.
          { lagMs: AWS_LIKE_LAG_MS },
        ),
        launchChromium(),
      ]);
    }, 120_000);

    afterAll(async () => {
      await browser.close();
      await service.stop();
      await mail.stop();
      console.log(`browser steps (Chromium ${browser.version()}):\n${timer.table()}`);
      console.log(`screenshots in ${screenshots}`);
    });

    afterEach(() => {
      expect(problems.splice(0)).toEqual([]);
    });

    async function freshPage(options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
      const context: BrowserContext = await browser.newContext({
        baseURL: service.baseUrl,
        viewport: { width: 720, height: 640 },
        ...options,
      });
      const page = await context.newPage();
      // A CSP violation or a script error is a console error; so is each error answer the API
      // gives, which the tests expect ("Failed to load resource: ... status of 4xx").
      page.on('console', (message) => {
        const answered = /^Failed to load resource: the server responded with a status of 4\d\d/u;
        if (message.type() === 'error' && !answered.test(message.text())) {
          problems.push(`${page.url()}: ${message.text()}`);
        }
      });
      page.on('pageerror', (error) => problems.push(`${page.url()}: ${error.message}`));
      return page;
    }

    const shoot = (page: Page, name: string) =>
      page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });

    /** The text of a page's error slot. */
    const errorOf = (page: Page, field: string) => page.locator(`#${field}-error`).textContent();

    it('the whole journey: sign up, a wrong password, log in, profile, log out, reset, log in again', async () => {
      const page = await freshPage();
      const email = 'ada@example.com';
      const [password, newPassword] = ['first-Passw0rd', 'second-Passw0rd'];

      await timer.step('sign up', async () => {
        await page.goto('/account/signup');
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
        expect(page.url()).toBe(`${service.baseUrl}/account/login?notice=registered`);
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
        await page.goto('/account/profile');
        await page.waitForURL('**/account/login?notice=login-needed');
      });

      await timer.step('forgot password', async () => {
        await page.goto('/account/forgot-password');
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
    }, 90_000);

    it("the account's controls: verify the address, change the password, change the email, delete the account", async () => {
      const page = await freshPage();
      const email = 'hedy@example.com';
      const [password, newPassword] = ['hedy-Passw0rd', 'hedy-new-Passw0rd'];
      const newEmail = 'hedy.lamarr@example.com';
      /** The button of the form posted to `action` (several forms on the profile say alike). */
      const buttonOf = (action: string) => page.locator(`form[action="${action}"] button`);

      await timer.step(
        'account: sign up and log in, the banner asks to confirm the address',
        async () => {
          await page.goto('/account/signup');
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
        const link = await linkMailed(mail, email, 'verify-email');
        // The link's address and token (lib/platform/mailer.ts writes it to this page).
        const query = new URLSearchParams({
          email,
          verification_token: link.get('verification_token') ?? '',
        });
        await page.goto(`/account/verify-email?${query.toString()}`);
        expect(await page.getByLabel('Confirmation code').inputValue()).toMatch(/^[0-9a-f-]{36}$/u);
        await shoot(page, 'verify-email');
        await page.getByRole('button', { name: 'Confirm my email' }).click();
        await page.waitForURL('**/account/verify-email?notice=email-verified');
        expect(await page.getByRole('status').textContent()).toBe(
          'Your email address is confirmed.',
        );
        await page.goto('/account/profile');
        expect(await page.locator('.banner').count()).toBe(0);
      });

      const other = await freshPage();
      await timer.step('account: change the password; the other device is logged out', async () => {
        await other.goto('/account/login');
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
        expect(await page.evaluate(() => document.activeElement?.id)).toBe(
          'change-password-password',
        );
        await page.getByLabel('Current password').fill(password);
        await buttonOf('change-password').click();
        await page.waitForURL('**/account/profile?notice=password-changed');
        await other.goto('/account/profile');
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
          await other.goto(`/account/confirm-email?token=${token}`);
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
        expect(await other.locator('.consequences').textContent()).toContain(
          'nothing can be undone',
        );
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
        const cookies = await other.context().cookies();
        expect(cookies.map((c) => c.name)).not.toContain('session_id');
        // Every session ended with it, this other device's too.
        await page.goto('/account/profile');
        await page.waitForURL('**/account/login?notice=login-needed');
        const again = await fetch(`${service.baseUrl}/users`, {
          method: 'POST',
          body: new URLSearchParams({ email: newEmail, password }),
        });
        expect(again.status).toBe(200);
      });

      await timer.step(
        'account: a stage that requires a confirmed address, as app.js shows it',
        async () => {
          // This stage does not require it: POST /sessions answers here as a `required` stage
          // does for an unconfirmed address (tests/pages/account-pages.test.ts asks one), and
          // the button then calls the real POST /verify_email.
          await page.route(`${service.baseUrl}/sessions`, (route) =>
            route.fulfill({
              status: 403,
              headers: { 'X-Error-Code': 'email_not_verified' },
              contentType: 'application/json',
              body: JSON.stringify({ message: 'email not verified' }),
            }),
          );
          expect(await page.locator('form[data-shown-on]').isHidden()).toBe(true);
          await page.getByLabel('Email').fill(newEmail);
          await page.getByLabel('Password').fill(password);
          await page.getByRole('button', { name: 'Log in' }).click();
          await expect
            .poll(() => errorOf(page, 'form'), { timeout: 15_000 })
            .toContain('Confirm your email address first');
          const resent = page.waitForResponse(`${service.baseUrl}/verify_email`);
          await page.getByRole('button', { name: 'Send the mail again' }).click();
          expect((await resent).request().postData()).toBe(
            new URLSearchParams({ email: newEmail }).toString(),
          );
          await page.waitForURL('**/account/login?notice=verification-sent');
          await page.unroute(`${service.baseUrl}/sessions`);
        },
      );
    }, 120_000);

    it('the login form with the keyboard alone, its focus always visible', async () => {
      const account = { email: 'grace@example.com', password: 'a-keyboard-Passw0rd' };
      const signup = await fetch(`${service.baseUrl}/users`, {
        method: 'POST',
        body: new URLSearchParams(account),
      });
      expect(signup.status).toBe(200);
      const page = await freshPage();
      await page.goto('/account/login');

      /** Presses `key`, then expects the focus on `name` (an id, else a tag), with its outline. */
      const press = async (key: string, name: string) => {
        await page.keyboard.press(key);
        const focused = await page.evaluate(() => {
          const element = document.activeElement;
          if (element === null) return null;
          const style = getComputedStyle(element);
          const visible = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
          return { name: element.id || element.tagName.toLowerCase(), visible };
        });
        expect([key, focused]).toEqual([key, { name, visible: true }]);
      };

      await timer.step('keyboard: Tab to each control, type, Enter', async () => {
        await press('Tab', 'email');
        await page.keyboard.type(account.email);
        await press('Tab', 'password');
        await page.keyboard.type(account.password);
        await press('Tab', 'button');
        await press('Tab', 'a');
        await press('Shift+Tab', 'button');
        await press('Shift+Tab', 'password');
        await page.keyboard.press('Enter');
        await page.waitForURL('**/account/profile');
      });

      await timer.step('keyboard: Tab through the profile to Log out, Space', async () => {
        // Every control on the way shows its outline; Log out is the profile's last.
        for (
          let tabs = 0;
          (await page.evaluate(() => document.activeElement?.textContent)) !== 'Log out';
          tabs++
        ) {
          expect(tabs).toBeLessThan(30);
          await page.keyboard.press('Tab');
          const visible = await page.evaluate(() => {
            const style = getComputedStyle(document.activeElement ?? document.body);
            return style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
          });
          expect(visible).toBe(true);
        }
        await page.keyboard.press('Space');
        await page.waitForURL('**/account/login?notice=logged-out');
      });
    }, 60_000);

    it('every input of every page has a label, and every error slot is announced', async () => {
      const page = await freshPage();
      await timer.step('labels on the pages that need no session', async () => {
        for (const path of [...PAGES, 'profile']) {
          await page.goto(`/account/${path}`);
          expect([path, await labelProblems(page)]).toEqual([path, []]);
          const slots = await page
            .locator('.field-error, .form-error')
            .evaluateAll((elements) => elements.map((e) => e.getAttribute('role')));
          expect(slots.every((role) => role === 'alert')).toBe(true);
        }
        expect(await page.locator('#email').count()).toBe(1);
      });
    }, 60_000);

    it('without JavaScript, the forms post to the pages, which answer with the same sentences', async () => {
      const page = await freshPage({ javaScriptEnabled: false });
      await timer.step('JavaScript off: sign up, wrong password, log in', async () => {
        await page.goto('/account/signup');
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
        const other = await freshPage({ javaScriptEnabled: false });
        await other.goto('/account/login');
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
        await other.goto('/account/profile');
        await other.waitForURL('**/account/login?notice=login-needed');
      });
    }, 60_000);

    describe("a page of another origin that posts the attacker's credentials (login CSRF)", () => {
      let attacker: Server;
      let attackerUrl: string;

      beforeAll(async () => {
        // The attacker's site: 127.0.0.1 is another site than localhost, as evil.example would be.
        const port = await freePort();
        attacker = createServer((request, response) => {
          const target = new URL(request.url ?? '/', 'http://x').searchParams.get('target') ?? '';
          response.setHeader('Content-Type', 'text/html');
          response.end(`<!doctype html><form method="post" action="${target}">
<input name="email" value="mallory@example.com"><input name="password" value="mallory-Passw0rd">
</form><script>document.forms[0].submit()</script>`);
        });
        await new Promise<void>((done) => attacker.listen(port, '127.0.0.1', done));
        attackerUrl = `http://127.0.0.1:${port}/`;
        const signup = await fetch(`${service.baseUrl}/users`, {
          method: 'POST',
          body: new URLSearchParams({ email: 'mallory@example.com', password: 'mallory-Passw0rd' }),
        });
        expect(signup.status).toBe(200);
      });

      afterAll(async () => {
        await new Promise((done) => attacker.close(done));
      });

      it.each(['/sessions', '/account/login'])(
        'cannot log the victim in through %s',
        async (path) => {
          const page = await freshPage();
          await timer.step(`CSRF: cross-site form post to ${path}`, async () => {
            const answer = page.waitForResponse(`${service.baseUrl}${path}`);
            await page.goto(`${attackerUrl}?target=${encodeURIComponent(service.baseUrl + path)}`);
            const response = await answer;
            expect(response.status()).toBe(403);
            expect(await response.json()).toEqual({ message: 'cross-site request refused' });
            const cookies = await page.context().cookies(service.baseUrl);
            expect(cookies.map((c) => c.name)).not.toContain('session_id');
          });
        },
        60_000,
      );
    });
  },
  180_000,
);
