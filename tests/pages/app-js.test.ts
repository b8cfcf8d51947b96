import { build } from 'esbuild';
import { runInNewContext } from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildOptions, deployedVariant } from '../../deploy/bundle-options';

/*
 * app.js as the pages function serves it once deployed: this builds lib/pages/assets.ts with
 * serverless.yml's esbuild settings and plugins (deploy/esbuild-plugins.js puts the browser bundle
 * in), takes app.js from it, and runs it against a small fake page: a form, a fetch that answers
 * as the API would, and the browser's globals app.js uses.
 */

interface FakeSlot {
  textContent: string;
}

/** One login form, its error slots, and what app.js did to the page. */
function fakePage(answer: { status: number; body: object; headers?: Record<string, string> }) {
  const slots: Record<string, FakeSlot> = {
    '#form-error': { textContent: '' },
    '#email-error': { textContent: '' },
    '#password-error': { textContent: '' },
  };
  let submit: ((event: { preventDefault(): void }) => void) | undefined;
  const page = { assigned: undefined as string | undefined, slots, requests: [] as unknown[] };
  const form = {
    action: 'https://pages.test/account/login',
    dataset: { api: 'POST /sessions', page: 'login' },
    addEventListener: (_type: string, listener: typeof submit) => (submit = listener),
    querySelector: (selector: string) => slots[selector] ?? null,
    querySelectorAll: () => [],
    setAttribute: () => undefined,
    removeAttribute: () => undefined,
    elements: { namedItem: () => null },
  };
  class FormData {
    private readonly entries = [
      ['email', 'ada@example.com'],
      ['password', 'secret'],
    ];
    [Symbol.iterator]() {
      return this.entries[Symbol.iterator]();
    }
    keys() {
      return this.entries.map(([name]) => name)[Symbol.iterator]();
    }
  }
  const globals = {
    // The page's one form (and no copy button: a login page has none).
    document: {
      querySelectorAll: (selector: string) => (selector.startsWith('form') ? [form] : []),
    },
    window: { location: { assign: (url: string) => (page.assigned = url) } },
    fetch: (...args: unknown[]) => {
      page.requests.push(args);
      return Promise.resolve({
        type: 'basic',
        status: answer.status,
        ok: answer.status >= 200 && answer.status < 300,
        headers: { get: (name: string) => answer.headers?.[name.toLowerCase()] ?? null },
        json: () => Promise.resolve(answer.body),
      });
    },
    FormData,
    URL,
    URLSearchParams,
    // The fake form names no input, so app.js never finds one to mark.
    HTMLInputElement: Object,
  };
  const submitNow = async () => {
    submit?.({ preventDefault: () => undefined });
    await new Promise((resolve) => setTimeout(resolve, 10));
  };
  return { page, globals, submitNow };
}

describe('app.js as the deployed bundle serves it', () => {
  let appJs = '';

  beforeAll(async () => {
    const variant = deployedVariant();
    if (variant === undefined) throw new Error('serverless.yml ships the SDK in no known way');
    const { outputFiles } = await build({
      ...buildOptions('lib/pages/assets.ts', variant),
      write: false,
    });
    const module = { exports: {} as { ASSETS?: Map<string, { body: string }> } };
    runInNewContext(outputFiles[0]?.text ?? '', { module, exports: module.exports });
    appJs = module.exports.ASSETS?.get('app.js')?.body ?? '';
    expect(appJs).toContain('data-api');
  });

  it('is a browser script of its own, not server code', () => {
    expect(appJs).not.toMatch(/\brequire\(|module\.exports|process\.env/u);
  });

  it('shows the sentence for an error next to its field, by its code', async () => {
    const { page, globals, submitNow } = fakePage({
      status: 401,
      // The message is the API's English: app.js must not depend on it.
      body: { message: 'some other wording' },
      headers: { 'x-error-code': 'invalid_credentials' },
    });
    runInNewContext(appJs, globals);
    await submitNow();
    expect(page.requests).toHaveLength(1);
    expect(page.slots['#password-error']?.textContent).toBe(
      'The email or the password is wrong. Check both and try again.',
    );
    expect(page.assigned).toBeUndefined();
  });

  it('fills in the limit an answer names, and apologises for an answer without a code', async () => {
    const short = fakePage({
      status: 400,
      body: { message: 'x' },
      headers: { 'x-error-code': 'password_too_short', 'x-error-limit': '12' },
    });
    runInNewContext(appJs, short.globals);
    await short.submitNow();
    expect(short.page.slots['#password-error']?.textContent).toBe(
      'Choose a password of at least 12 characters.',
    );
    const gateway = fakePage({ status: 401, body: { message: 'wrong email or password' } });
    runInNewContext(appJs, gateway.globals);
    await gateway.submitNow();
    expect(gateway.page.slots['#form-error']?.textContent).toBe(
      'Something went wrong on our side. Try again in a moment.',
    );
  });

  it('goes on to the next page on success', async () => {
    const { page, globals, submitNow } = fakePage({
      status: 200,
      body: { email: 'ada@example.com', message: 'logged in' },
    });
    runInNewContext(appJs, globals);
    await submitNow();
    expect(page.assigned).toBe('profile');
  });
});
