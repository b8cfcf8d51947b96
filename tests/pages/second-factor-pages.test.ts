// Issue 20: the pages of the second factor, in process, with JavaScript off: the profile's section,
// the enrolment's page (its QR code made here), the recovery codes shown once, the login's second
// step, turning it off, new recovery codes, and the code the email change and deletion then ask
// for. Every handler runs on one clock the test moves, so that each code login has its own step.
import { generate } from 'otplib';
import { describe, expect, it } from 'vitest';
import { route as formsRoute } from '../../handlers/page-forms';
import { route as pagesRoute } from '../../handlers/pages';
import type { HttpResponse } from '../../lib/http/response';
import { qrCodeSvg } from '../../lib/pages/qr-code';
import { handlerFor } from '../support/app';
import { freshEmail, ManualClock, strongPassword } from '../support/auth';
import { addressesOf, expectRelative, FormBrowser, headerOf } from '../support/pages';

const clock = new ManualClock(Date.now());
const [pages, forms] = [
  handlerFor(pagesRoute, {}, clock.now),
  handlerFor(formsRoute, {}, clock.now),
];

/** The text of the element with this id (the pages keep each on one line). */
function textOf(response: HttpResponse, id: string): string | undefined {
  return new RegExp(`id="${id}"[^>]*>([^<]*)<`, 'u').exec(response.body ?? '')?.[1];
}

/** The value of the hidden field `name`. */
function hiddenOf(response: HttpResponse, name: string): string | undefined {
  return new RegExp(`type="hidden" name="${name}" value="([^"]*)"`, 'u').exec(
    response.body ?? '',
  )?.[1];
}

/** The code an authenticator app shows for `secret` now, on the test's clock. */
const codeOf = (secret: string) => generate({ secret, epoch: Math.floor(clock.now() / 1000) });

/** The next time step: a code login after another needs one (a code is accepted once). */
const nextStep = () => {
  clock.advanceSeconds(30);
};

/** The recovery codes a page shows, in its list. */
function codesOf(response: HttpResponse): string[] {
  const list = /<ul id="recovery-codes"[^>]*>([\s\S]*?)<\/ul>/u.exec(response.body ?? '')?.[1];
  return [...(list ?? '').matchAll(/<code>([^<]*)<\/code>/gu)].map(([, code]) => code ?? '');
}

/** What a page asks of the browser: its headers, and only relative addresses (but the file's). */
function expectPageRules(response: HttpResponse): void {
  expect(headerOf(response, 'Content-Security-Policy')).toContain("default-src 'none'");
  expect(headerOf(response, 'Cache-Control')).toBe('no-store');
  expect(headerOf(response, 'Content-Type')).toBe('text/html; charset=utf-8');
  for (const address of addressesOf(response).filter((a) => !a.startsWith('data:text/plain'))) {
    expectRelative(address);
  }
  expect(response.body).not.toMatch(/<script>|<style|style="|\son\w+=|<img/u);
}

/** A browser with an account and its session; the account's second factor off. */
async function signedUp() {
  const at = new FormBrowser(pages, forms);
  const account = { email: freshEmail(), password: strongPassword() };
  expect((await at.post('signup', account)).statusCode).toBe(303);
  expect(headerOf(await at.post('login', account), 'Location')).toBe('profile');
  return { at, account };
}

/** Enrols through the profile's form and the enrolment's page: the secret and the codes. */
async function enrolled() {
  const { at, account } = await signedUp();
  const page = await at.post('enrol-totp', { password: account.password });
  const secret = textOf(page, 'totp-secret') ?? '';
  const done = await at.post('confirm-totp', { code: await codeOf(secret) });
  expect(done.statusCode).toBe(200);
  nextStep();
  return { at, account, secret, codes: codesOf(done) };
}

describe('setting up the second factor, without JavaScript', () => {
  it('offers it on the profile, asks the password, shows the QR code and the key, then the codes', async () => {
    const { at, account } = await signedUp();
    const profile = await at.get('profile');
    expect(textOf(profile, 'two-factor-state')).toMatch(/^Off\./u);
    // A plain form: the browser posts it, with JavaScript or without (its answer has the QR code).
    expect(profile.body).toMatch(/<form method="post" action="enrol-totp" data-id-prefix/u);

    const wrong = await at.post('enrol-totp', { password: 'not-it' });
    expect(wrong.statusCode).toBe(401);
    expect(textOf(wrong, 'enrol-totp-password-error')).toBe(
      'This is not your current password. Check it and try again.',
    );

    const page = await at.post('enrol-totp', { password: account.password });
    expect(page.statusCode).toBe(200);
    expectPageRules(page);
    const secret = textOf(page, 'totp-secret') ?? '';
    expect(secret).toMatch(/^[A-Z2-7]{32}$/u);
    // The QR code of the otpauth URI, inline; the secret is in the page's body, no address.
    const uri = `otpauth://totp/your%20account:${encodeURIComponent(account.email)}?secret=${secret}&issuer=your%20account`;
    expect(page.body).toContain(
      await qrCodeSvg(uri, 'QR code of the key for your authenticator app'),
    );
    expect(addressesOf(page).join(' ')).not.toContain(secret);
    expect(page.body).toMatch(
      /id="code" name="code" type="text" autocomplete="one-time-code" inputmode="numeric"/u,
    );

    // A wrong first code: the same page again, the same key, the sentence next to the code.
    const badCode = await at.post('confirm-totp', { code: '000000' });
    expect(badCode.statusCode).toBe(401);
    expect(textOf(badCode, 'totp-secret')).toBe(secret);
    expect(textOf(badCode, 'code-error')).toContain('This code is wrong or was already used.');
    expect(badCode.body).not.toContain('value="000000"');

    const done = await at.post('confirm-totp', { code: await codeOf(secret) });
    expect(done.statusCode).toBe(200);
    expectPageRules(done);
    const codes = codesOf(done);
    expect(codes).toHaveLength(10);
    // The download: a file in the link itself, nothing fetched; the copy button waits for app.js.
    const file =
      /href="data:text\/plain;charset=utf-8,([^"]*)" download="recovery-codes.txt"/u.exec(
        done.body ?? '',
      )?.[1];
    for (const code of codes) expect(decodeURIComponent(file ?? '')).toContain(`${code}\n`);
    expect(done.body).toContain('<button type="button" data-copy="recovery-codes" hidden>');

    const on = await at.get('profile');
    expect(textOf(on, 'two-factor-state')).toContain('10 unused recovery codes left.');
    expect(on.body).not.toContain('action="enrol-totp"');
    // Asked once more, the enrolment is refused above the form.
    const expired = await at.post('confirm-totp', { code: await codeOf(secret) });
    expect([expired.statusCode, headerOf(expired, 'Location')]).toEqual([
      303,
      'profile?notice=mfa-setup-expired',
    ]);
  });
});

describe("the login's second step, without JavaScript", () => {
  it('asks for the code after the right password, in the page, and logs in with it', async () => {
    const { at, account, secret, codes } = await enrolled();
    await at.post('logout', {});

    const step = await at.post('login', account);
    expect([step.statusCode, at.sessionId]).toEqual([200, undefined]);
    expectPageRules(step);
    const token = hiddenOf(step, 'mfa_token') ?? '';
    expect(token).toMatch(/^[\w-]{36}$/u);
    // The step alone: no password field, the code's field as phones and password managers want it.
    expect(step.body).not.toContain('name="password"');
    expect(step.body).toMatch(/<form method="post" action="login-mfa" data-page="login-mfa"/u);
    expect(step.body).toMatch(
      /id="mfa-code"[^>]*autocomplete="one-time-code" inputmode="numeric"/u,
    );
    expect(step.body).toContain('<summary>Use a recovery code instead</summary>');
    expect(headerOf(step, 'Location')).toBe('');

    const wrong = await at.post('login-mfa', { mfa_token: token, code: '000000' });
    expect(wrong.statusCode).toBe(401);
    expect(textOf(wrong, 'mfa-code-error')).toContain('This code is wrong or was already used.');
    expect(hiddenOf(wrong, 'mfa_token')).toBe(token);
    const none = await at.post('login-mfa', { mfa_token: token });
    expect(textOf(none, 'mfa-code-error')).toBe(
      'Enter the code from your authenticator app, or one of your recovery codes.',
    );

    const right = await at.post('login-mfa', { mfa_token: token, code: await codeOf(secret) });
    expect([right.statusCode, headerOf(right, 'Location')]).toEqual([303, 'profile']);
    expect(at.sessionId).toBeDefined();
    // The challenge led to its one session.
    const again = await at.post('login-mfa', { mfa_token: token, code: codes[0] ?? '' });
    expect([again.statusCode, headerOf(again, 'Location')]).toEqual([
      303,
      'login?notice=login-expired',
    ]);
  });

  it('takes a recovery code instead, once, and goes back where the login was asked from', async () => {
    const { at, account, codes } = await enrolled();
    await at.post('logout', {});
    const next = 'profile';
    const step = await at.post(`login?next=${next}`, account);
    expect(step.body).toContain('action="login-mfa?next=profile"');
    const token = hiddenOf(step, 'mfa_token') ?? '';
    const used = await at.post('login-mfa?next=profile', {
      mfa_token: token,
      recovery_code: (codes[0] ?? '').toUpperCase(),
    });
    expect(headerOf(used, 'Location')).toBe('profile');
    expect(textOf(await at.get('profile'), 'two-factor-state')).toContain(
      '9 unused recovery codes left.',
    );
    await at.post('logout', {});
    const second = hiddenOf(await at.post('login', account), 'mfa_token') ?? '';
    const reused = await at.post('login-mfa', { mfa_token: second, recovery_code: codes[0] ?? '' });
    expect(reused.statusCode).toBe(401);
    expect(reused.body).not.toContain(codes[0] ?? '');
    const fresh = await at.post('login-mfa', { mfa_token: second, recovery_code: codes[1] ?? '' });
    expect(headerOf(fresh, 'Location')).toBe('profile?notice=recovery-code-used');
  });
});

describe('with the second factor on, without JavaScript', () => {
  it('asks for a code to change the email, to make new recovery codes and to turn it off', async () => {
    const { at, account, secret, codes } = await enrolled();
    const profile = await at.get('profile');
    for (const id of ['change-email-code', 'replace-recovery-codes-code', 'disable-totp-code']) {
      expect(profile.body).toContain(`id="${id}"`);
    }
    const { password } = account;

    const noCode = await at.post('change-email', { password, new_email: freshEmail() });
    expect(noCode.statusCode).toBe(401);
    expect(textOf(noCode, 'change-email-code-error')).toBe(
      'Enter the code from your authenticator app, or one of your recovery codes.',
    );
    const deletion = await at.get('delete-account');
    expect(deletion.body).toContain('id="code"');
    expect(deletion.body).toContain('id="recovery_code"');

    const wrong = await at.post('replace-recovery-codes', { password, code: '000000' });
    expect(wrong.statusCode).toBe(401);
    expect(textOf(wrong, 'replace-recovery-codes-code-error')).toContain('This code is wrong');
    const renewed = await at.post('replace-recovery-codes', {
      password,
      recovery_code: codes[2] ?? '',
    });
    expect(renewed.statusCode).toBe(200);
    expectPageRules(renewed);
    const fresh = codesOf(renewed);
    expect(fresh).toHaveLength(10);
    expect(fresh).not.toContain(codes[3]);

    const off = await at.post('disable-totp', { password, code: await codeOf(secret) });
    expect([off.statusCode, headerOf(off, 'Location')]).toEqual([
      303,
      'profile?notice=mfa-disabled',
    ]);
    const after = await at.get('profile');
    expect(textOf(after, 'two-factor-state')).toMatch(/^Off\./u);
    expect(after.body).not.toContain('id="change-email-code"');
    const offAgain = await at.post('disable-totp', { password, code: await codeOf(secret) });
    expect(offAgain.statusCode).toBe(409);
    expect(offAgain.body).toContain('Two-factor authentication is not on for this account.');
  });
});
