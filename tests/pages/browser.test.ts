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
import { startSesEmulator, type SesEmulator } from '../support/ses-emulator';
import {
  accountJourney,
  journeyWithoutJavaScript,
  labelProblems,
  secondFactorJourney,
  watchProblems,
  wholeJourney,
} from './journey';

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
      return watchProblems(await context.newPage(), problems);
    }

    const shoot = (page: Page, name: string) =>
      page.screenshot({ path: join(screenshots, `${name}.png`), fullPage: true });

    it('the whole journey: sign up, a wrong password, log in, profile, log out, reset, log in again, then with a second factor', async () => {
      const page = await freshPage();
      const account = await wholeJourney(page, `${service.baseUrl}/`, timer, shoot);
      // No cookie domain on this stage: the session cookie is the host's alone (no Domain
      // attribute), as the device cookie the login earned always is.
      const cookies = await page.context().cookies();
      expect(cookies.map(({ name, domain }) => [name, domain]).sort()).toEqual([
        ['device', 'localhost'],
        ['session_id', 'localhost'],
      ]);
      await secondFactorJourney(page, `${service.baseUrl}/`, timer, account, shoot);
    }, 150_000);

    it("the account's controls: verify the address, change the password, change the email, delete the account", async () => {
      const [page, other] = await Promise.all([freshPage(), freshPage()]);
      await accountJourney(page, other, `${service.baseUrl}/`, timer, mail, shoot);
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
      const [page, other] = await Promise.all([
        freshPage({ javaScriptEnabled: false }),
        freshPage({ javaScriptEnabled: false }),
      ]);
      await journeyWithoutJavaScript(page, other, `${service.baseUrl}/`, timer);
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
