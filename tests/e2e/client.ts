/**
 * `npm run e2e [base-url]`: the seed's end-to-end check (its main.py) against a running service,
 * by default `npm start`'s, http://localhost:$HTTP_PORT (or $E2E_BASE_URL). Silent with exit 0 when the whole flow
 * holds; one line naming the first thing that does not, with exit 1.
 *
 * When the service mails reset tokens (RESET_DELIVERY=email), the token is read back from a local
 * SES emulator (aws-ses-v2-local) at $E2E_MAILBOX_URL.
 */
import { randomUUID } from 'node:crypto';

class CheckFailed extends Error {}

interface Answer {
  status: number;
  headers: Headers;
  body: unknown;
}

function check(condition: boolean, what: string): asserts condition {
  if (!condition) throw new CheckFailed(what);
}

function sameJson(actual: unknown, expected: unknown): boolean {
  return JSON.stringify(actual) === JSON.stringify(expected);
}

export class E2eClient {
  constructor(
    private readonly baseUrl: string,
    private readonly mailboxUrl?: string,
  ) {}

  async call(
    method: string,
    path: string,
    options: { form?: Record<string, string>; sessionId?: string } = {},
  ): Promise<Answer> {
    const headers: Record<string, string> = {};
    if (options.sessionId !== undefined) headers.Cookie = `session_id=${options.sessionId}`;
    let body: string | undefined;
    if (options.form !== undefined) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      body = new URLSearchParams(options.form).toString();
    }
    const response = await fetch(new URL(path, this.baseUrl), {
      method,
      headers,
      body,
      redirect: 'manual',
    });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // left as text: the check that reads it says what was expected
    }
    return { status: response.status, headers: response.headers, body: parsed };
  }

  async expect(
    step: string,
    answer: Promise<Answer>,
    status: number,
    body?: unknown,
  ): Promise<Answer> {
    const got = await answer;
    check(
      got.status === status,
      `${step}: expected status ${status}, got ${got.status} ${JSON.stringify(got.body)}`,
    );
    if (body !== undefined) {
      check(
        sameJson(got.body, body),
        `${step}: expected ${JSON.stringify(body)}, got ${JSON.stringify(got.body)}`,
      );
    }
    return got;
  }

  /** The session cookie's value from a login answer. */
  static sessionCookie(answer: Answer): string | undefined {
    for (const cookie of answer.headers.getSetCookie()) {
      const match = /^session_id=([^;]*)/u.exec(cookie);
      if (match?.[1]) return match[1];
    }
    return undefined;
  }

  async resetToken(email: string): Promise<string> {
    const answer = await this.expect(
      'POST /reset_password',
      this.call('POST', '/reset_password', { form: { email } }),
      200,
    );
    const body = answer.body as { email?: unknown; reset_token?: unknown };
    check(body.email === email, `POST /reset_password: expected email ${email}`);
    if (typeof body.reset_token === 'string') return body.reset_token;
    check(
      this.mailboxUrl !== undefined,
      'POST /reset_password: no reset_token in the body and no mailbox (E2E_MAILBOX_URL) to read it from',
    );
    return this.tokenFromMailbox(email);
  }

  private async tokenFromMailbox(email: string): Promise<string> {
    const url = new URL('/store', this.mailboxUrl);
    url.searchParams.set('since', '0');
    const store = (await (await fetch(url)).json()) as {
      emails?: { destination?: { to?: string[] }; body?: { text?: string } }[];
    };
    const mails = (store.emails ?? []).filter((m) => m.destination?.to?.includes(email));
    const token = /Reset token: (\S+)/u.exec(mails.at(-1)?.body?.text ?? '')?.[1];
    check(token !== undefined, `mailbox: no reset mail for ${email}`);
    return token;
  }
}

/** The flow of the seed's main.py, step by step. */
export async function runE2e(baseUrl: string, mailboxUrl?: string): Promise<void> {
  const client = new E2eClient(baseUrl, mailboxUrl);
  const email = `e2e-${randomUUID()}@example.com`;
  const password = `First-${randomUUID()}`;
  const newPassword = `Second-${randomUUID()}`;
  const credentials = { email, password };

  await client.expect('GET /', client.call('GET', '/'), 200, { message: 'Bienvenue' });
  await client.expect('POST /users', client.call('POST', '/users', { form: credentials }), 200, {
    email,
    message: 'user created',
  });
  await client.expect(
    'POST /users again',
    client.call('POST', '/users', { form: credentials }),
    400,
    { message: 'email already registered' },
  );
  await client.expect(
    'POST /sessions with a wrong password',
    client.call('POST', '/sessions', { form: { email, password: 'not-the-password' } }),
    401,
  );
  await client.expect('GET /profile logged out', client.call('GET', '/profile'), 403);

  const login = await client.expect(
    'POST /sessions',
    client.call('POST', '/sessions', { form: credentials }),
    200,
    { email, message: 'logged in' },
  );
  const sessionId = E2eClient.sessionCookie(login);
  check(sessionId !== undefined, 'POST /sessions: no session_id cookie was set');
  await client.expect(
    'GET /profile logged in',
    client.call('GET', '/profile', { sessionId }),
    200,
    { email },
  );

  const logout = await client.expect(
    'DELETE /sessions',
    client.call('DELETE', '/sessions', { sessionId }),
    302,
  );
  const location = logout.headers.get('location');
  check(location === '/', `DELETE /sessions: expected Location /, got ${location}`);
  await client.expect('GET / after the redirect', client.call('GET', location), 200, {
    message: 'Bienvenue',
  });
  await client.expect(
    'GET /profile with the ended session',
    client.call('GET', '/profile', { sessionId }),
    403,
  );

  const resetToken = await client.resetToken(email);
  await client.expect(
    'PUT /reset_password',
    client.call('PUT', '/reset_password', {
      form: { email, reset_token: resetToken, new_password: newPassword },
    }),
    200,
    { email, message: 'Password updated' },
  );
  await client.expect(
    'POST /sessions with the new password',
    client.call('POST', '/sessions', { form: { email, password: newPassword } }),
    200,
    { email, message: 'logged in' },
  );
}

/** The one line that says why the check stopped. */
function reasonFor(error: unknown, baseUrl: string): string {
  if (error instanceof CheckFailed) return error.message;
  const code = ((error as Error).cause as NodeJS.ErrnoException | undefined)?.code;
  if (code === 'ECONNREFUSED') return `nothing answers: is \`npm start\` running on ${baseUrl}?`;
  return `${baseUrl}: ${String(error)}`;
}

async function main(): Promise<void> {
  // An empty variable counts as unset, as for the other settings.
  const baseUrl =
    process.argv[2] ||
    process.env.E2E_BASE_URL ||
    `http://localhost:${process.env.HTTP_PORT || '3000'}`;
  try {
    await runE2e(baseUrl, process.env.E2E_MAILBOX_URL || undefined);
  } catch (error) {
    console.log(reasonFor(error, baseUrl));
    process.exit(1);
  }
}

if (require.main === module) void main();
