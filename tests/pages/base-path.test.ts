import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumInstalled, launchChromium, StepTimer } from '../support/browser';
import { AWS_LIKE_LAG_MS } from '../support/lagging-dynamodb';
import { startLocalService, type LocalService } from '../support/local-service';
import { startMountProxy, type MountProxy } from '../support/mount-proxy';
import { startSesEmulator, type SesEmulator } from '../support/ses-emulator';
import { accountJourney, journeyWithoutJavaScript, watchProblems, wholeJourney } from './journey';

/*
 * The pages under a base path on the team's own domain, in Chromium: `npm start` behind a
 * prefix-stripping proxy, as an API Gateway custom domain with the API mapping `auth` puts the API
 * (auth.example.test/auth/account/login reaches /account/login), with COOKIE_DOMAIN=example.test.
 * api.example.test stands for another stack's API behind the session authorizer: the same API,
 * mapped at its root. The journeys of browser.test.ts run from the base path, the account's
 * controls included (mails from an SES emulator); every request must stay under it (the proxy
 * answers any other with 404 and keeps it).
 */

/**
 * Both host names reach the proxy (Chromium resolves them to this machine), and their plain-HTTP
 * origins count as secure, as the deployed HTTPS ones are: Chromium sends `Sec-Fetch-Site` only to
 * those, and applies their Cross-Origin-Opener-Policy.
 */
function chromiumFlags(origins: string[]): string[] {
  return [
    '--host-resolver-rules=MAP *.example.test 127.0.0.1',
    `--unsafely-treat-insecure-origin-as-secure=${origins.join(',')}`,
  ];
}

describe.skipIf(!chromiumInstalled)(
  'the hosted pages under a base path, on the team domain (Chromium)',
  () => {
    let service: LocalService;
    let proxy: MountProxy;
    let browser: Browser;
    let mail: SesEmulator;
    let root: string;
    let api: string;
    const timer = new StepTimer();
    const problems: string[] = [];

    beforeAll(async () => {
      mail = await startSesEmulator();
      service = await startLocalService(
        {
          REFUSE_COMMON_PASSWORDS: 'true',
          COOKIE_DOMAIN: 'example.test',
          EMAIL_VERIFICATION: 'optional',
          MAIL_FROM: 'no-reply@example.com',
          SES_ENDPOINT: mail.endpoint,
        },
        { lagMs: AWS_LIKE_LAG_MS },
      );
      proxy = await startMountProxy(service.baseUrl, {
        'auth.example.test': '/auth',
        'api.example.test': '',
      });
      const auth = `http://auth.example.test:${proxy.port}`;
      api = `http://api.example.test:${proxy.port}`;
      root = `${auth}/auth/`;
      browser = await launchChromium(chromiumFlags([auth, api]));
    }, 120_000);

    afterAll(async () => {
      await browser.close();
      await proxy.stop();
      await service.stop();
      await mail.stop();
      console.log(`browser steps under ${root} (Chromium ${browser.version()}):\n${timer.table()}`);
    });

    afterEach(() => {
      // The browser's own favicon request is no address of the pages.
      const strays = proxy.strays.splice(0).filter((stray) => !stray.endsWith('/favicon.ico'));
      expect({ strays, problems: problems.splice(0) }).toEqual({ strays: [], problems: [] });
    });

    async function freshPage(options: { javaScriptEnabled?: boolean } = {}): Promise<Page> {
      const context: BrowserContext = await browser.newContext({
        viewport: { width: 720, height: 640 },
        ...options,
      });
      return watchProblems(await context.newPage(), problems);
    }

    /** GET /whoami on the sibling host, behind the session authorizer, as the page's browser. */
    async function whoami(page: Page): Promise<[number, unknown]> {
      const answer = await page.goto(`${api}/whoami`);
      return [answer?.status() ?? 0, await answer?.json()];
    }

    it('the whole journey from /auth/, and the session cookie reaches the sibling subdomain', async () => {
      const page = await freshPage();
      const logins: string[][] = [];
      page.on('response', (response) => {
        if (response.url() === `${root}sessions` && response.status() === 200) {
          void response.headerValues('set-cookie').then((cookies) => logins.push(cookies));
        }
      });
      const { email } = await wholeJourney(page, root, timer);

      await timer.step('the cookie is on the parent domain', async () => {
        // Each login: the cookie on example.test, and the removal of a host-only one of before.
        expect(logins).toHaveLength(2);
        for (const [onDomain, hostOnly] of logins) {
          expect(onDomain).toMatch(/^session_id=[\w-]{36}; Path=\/; Domain=example\.test; /u);
          expect(hostOnly).toBe('session_id=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax');
        }
        const cookies = await page.context().cookies(root);
        expect(cookies.filter((c) => c.name === 'session_id')).toEqual([
          expect.objectContaining({ domain: '.example.test', httpOnly: true, sameSite: 'Lax' }),
        ]);
      });

      await timer.step('api.example.test: the authorizer lets the session through', async () => {
        const [status, body] = await whoami(page);
        expect([status, body]).toEqual([200, expect.objectContaining({ email })]);
      });

      await timer.step('a logout under /auth/ ends it on the sibling too', async () => {
        await page.goto(`${root}account/profile`);
        await page.getByRole('button', { name: 'Log out' }).click();
        await page.waitForURL('**/auth/account/login?notice=logged-out');
        expect(await page.context().cookies(api)).toEqual([]);
        expect((await whoami(page))[0]).toBe(403);
      });
    }, 120_000);

    it("the account's controls under /auth/: the deletion removes the parent domain's cookie", async () => {
      const [page, other] = await Promise.all([freshPage(), freshPage()]);
      await accountJourney(page, other, root, timer, mail);
      // Both browsers held the account's sessions on example.test: the sibling lets neither in.
      expect(await other.context().cookies(api)).toEqual([]);
      expect([(await whoami(page))[0], (await whoami(other))[0]]).toEqual([403, 403]);
    }, 150_000);

    it('without JavaScript, the forms post to the pages under /auth/', async () => {
      const [page, other] = await Promise.all([
        freshPage({ javaScriptEnabled: false }),
        freshPage({ javaScriptEnabled: false }),
      ]);
      await journeyWithoutJavaScript(page, other, root, timer);
      expect(page.url()).toBe(`${root}account/profile?notice=other-sessions-ended`);
    }, 90_000);
  },
  240_000,
);
