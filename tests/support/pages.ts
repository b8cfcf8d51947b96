import { expect } from 'vitest';
import { ROUTES } from '../../handlers/table';
import type { LambdaHandler } from '../../lib/http/lambda';
import type { HttpResponse } from '../../lib/http/response';
import { httpEvent, sessionCookieOf } from './events';
import type { SesEmulator } from './ses-emulator';

/** Where the pages are, for reading their relative addresses. */
const PAGES_BASE = 'https://test.example/account/';

/** A header of a response, as text ('' when absent). */
export function headerOf(response: HttpResponse, name: string): string {
  return String(response.headers?.[name] ?? '');
}

/**
 * A browser with JavaScript off, in process: it reads the pages (the pages function) and posts
 * their forms (the forms function) as pages of this origin do, at addresses relative to the pages
 * (`profile`, `login?next=...`, a Location header), and keeps the session cookie it is given.
 */
export class FormBrowser {
  sessionId: string | undefined;

  constructor(
    private readonly pages: LambdaHandler,
    private readonly forms: LambdaHandler,
  ) {}

  /** GET a page by its address relative to the pages. */
  get(address: string): Promise<HttpResponse> {
    return this.send('GET', address);
  }

  /** POST a form to its action, relative to the pages. */
  post(action: string, form: Record<string, string>, headers: Record<string, string> = {}) {
    return this.send('POST', action, form, headers);
  }

  private async send(
    method: 'GET' | 'POST',
    address: string,
    form?: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<HttpResponse> {
    const url = new URL(address, PAGES_BASE);
    const page = url.pathname.slice(new URL(PAGES_BASE).pathname.length);
    const query = Object.fromEntries(url.searchParams);
    const event = httpEvent(method, `/account/${page}`, {
      pathParameters: { page },
      ...(Object.keys(query).length > 0 && { query }),
      ...(form !== undefined && { form }),
      ...(this.sessionId !== undefined && { cookies: [`session_id=${this.sessionId}`] }),
      headers: { 'sec-fetch-site': 'same-origin', origin: 'https://test.example', ...headers },
    });
    const response = await (method === 'GET' ? this.pages : this.forms)(event);
    const cookie = sessionCookieOf(response);
    if (cookie !== undefined) this.sessionId = cookie === '' ? undefined : cookie;
    return response;
  }
}

/**
 * The query of the link to the page `page` (verify-email, confirm-email) in the last mail the
 * emulator received for `to`.
 */
export async function linkMailed(
  mail: SesEmulator,
  to: string,
  page: string,
): Promise<URLSearchParams> {
  const text = (await mail.mailsTo(to)).at(-1)?.body.text ?? '';
  const query = new RegExp(`${page}\\?([^\\s"<>]+)`, 'u').exec(text)?.[1];
  if (query === undefined) throw new Error(`no link to ${page} in the last mail to ${to}`);
  return new URLSearchParams(query);
}

/** Every address a response gives the browser: src, href, form action, data-api's path, Location. */
export function addressesOf(response: HttpResponse): string[] {
  const body = response.body ?? '';
  const location = response.headers?.Location;
  return [
    ...[...body.matchAll(/\s(?:src|href|action)="([^"]*)"/gu)].map(([, url]) => url ?? ''),
    ...[...body.matchAll(/\sdata-api="[A-Z]+ ([^"]*)"/gu)].map(([, path]) => path ?? ''),
    ...(location === undefined ? [] : [String(location)]),
  ];
}

/** Where the pages may be mounted: at the root of a host, under one base path, under two. */
const MOUNTS = ['', '/auth', '/team/auth'];

/** The paths of the JSON API's routes, which the pages' scripts call. */
const API_PATHS = ROUTES.filter((route) => route.api).map((route) => route.key.split(' ')[1] ?? '');

/**
 * An address relative to the page, never from the host's root nor to another origin, that leads to
 * the same page or API route under every mount.
 */
export function expectRelative(address: string): void {
  expect(address).not.toMatch(/^\/|^[a-z][a-z\d+.-]*:/iu);
  for (const mount of MOUNTS) {
    const { pathname } = new URL(address, `https://example.com${mount}/account/login`);
    expect(pathname.startsWith(`${mount}/`)).toBe(true);
    const route = pathname.slice(mount.length);
    expect([address, route]).toSatisfy(
      ([, path]: string[]) =>
        /^\/account\/[\w.-]+$/u.test(path ?? '') || API_PATHS.includes(path ?? ''),
    );
  }
}
