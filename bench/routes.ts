/**
 * Every route invoked in-process with API Gateway v2 events, as Lambda invokes it, side by side
 * with its floor: the work it cannot avoid, measured in the same run. Password routes: one bcrypt
 * compare at the configured cost. Storage routes: the DynamoDB calls the route makes, issued
 * directly with the SDK. Each iteration prepares its input untimed (a fresh email, a live
 * session, a reset token), then times the floor and the route, alternating which goes first.
 */
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import bcrypt from 'bcryptjs';
import { randomUUID } from 'node:crypto';
import type { LambdaHandler } from '../lib/http/lambda';
import type { StoredSession } from '../lib/store/session';
import { INDEX_BY_ATTRIBUTE, sessionItemId, type IndexedAttribute } from '../lib/store/table';
import { digestToken } from '../lib/auth/tokens';
import { authorizerEvent, httpEvent, type EventOptions } from '../tests/support/events';
import type { CapacityRecorder, DynamoCall } from './capacity';
import type { Service } from './service';

/** A call to time, prepared beforehand so that only the call itself is timed. */
type Timed = () => Promise<void>;
type Prepare = () => Promise<Timed>;

export interface Iterations {
  /** Routes that run bcrypt: each call costs hundreds of milliseconds at cost 12. */
  password: number;
  storage: number;
}

export interface RouteFigures {
  route: string;
  floor: string | null;
  /** Route p50 / floor p50 at most this (the targets). */
  target: number | null;
  routeMs: number[];
  floorMs: number[];
  calls: DynamoCall[];
}

/** One function of the route table, invoked as Lambda invokes it, with the floor it is held to. */
export interface RouteCase {
  route: string;
  /** The function's name in the route table (handlers/table.ts). */
  fn: string;
  prepare: Prepare;
  floor: string | null;
  floorPrepare: Prepare | null;
  target: number | null;
  /** Runs bcrypt: each call costs hundreds of milliseconds at cost 12. */
  password: boolean;
}

export interface PairFigures {
  aMs: number[];
  bMs: number[];
}

const PASSWORD = 'Bench-correct-horse-battery';

function newEmail(): string {
  return `bench-${randomUUID()}@example.com`;
}

async function timeOnce(call: Timed): Promise<number> {
  const started = performance.now();
  await call();
  return performance.now() - started;
}

/**
 * Times `a` and `b` alternately (a b, b a, a b …) after a few untimed warm-up rounds, so that
 * neither side always runs first and noise from the shared machine falls on both alike.
 */
export async function measurePair(
  a: Prepare,
  b: Prepare | null,
  iterations: number,
): Promise<PairFigures> {
  const warmup = Math.max(2, Math.ceil(iterations / 10));
  const aMs: number[] = [];
  const bMs: number[] = [];
  for (let i = 0; i < warmup + iterations; i++) {
    const order: [Prepare | null, number[]][] = [
      [a, aMs],
      [b, bMs],
    ];
    if (i % 2 === 1) order.reverse();
    for (const [prepare, samples] of order) {
      if (prepare === null) continue;
      const ms = await timeOnce(await prepare());
      if (i >= warmup) samples.push(ms);
    }
  }
  return { aMs, bMs };
}

/** The handler with this event, failing loudly if the answer is not the expected one. */
function invoke(handler: LambdaHandler, event: ReturnType<typeof httpEvent>, status: number) {
  return async () => {
    const response = await handler(event);
    if (response.statusCode !== status) {
      throw new Error(
        `${event.routeKey}: expected ${status}, got ${response.statusCode} ${String(response.body)}`,
      );
    }
  };
}

export class RouteBench {
  private hash = '';

  constructor(
    private readonly service: Service,
    private readonly recorder: CapacityRecorder,
  ) {}

  private get table(): string {
    return this.service.config.usersTable;
  }

  /** A user with the benchmark's password, hashed at the configured cost. */
  private async user(): Promise<{ id: string; email: string }> {
    this.hash ||= await this.service.auth.hashPassword(PASSWORD);
    return this.service.db.addUser(newEmail(), this.hash);
  }

  private async session(email: string): Promise<string> {
    const sessionId = await this.service.auth.createSession(email);
    if (sessionId === null) throw new Error(`no user ${email}`);
    return sessionId;
  }

  private async stored(sessionId: string): Promise<StoredSession> {
    const session = await this.service.db.findSession(digestToken(sessionId));
    if (session === null) throw new Error('the session just started is not stored');
    return session;
  }

  /** One bcrypt compare at the configured cost: the floor of every password route. */
  private compare: Prepare = () =>
    Promise.resolve(async () => {
      await bcrypt.compare(PASSWORD, this.hash);
    });

  /** What the service does to find a user through a GSI: a query, then a consistent read. */
  private async rawLookup(attribute: IndexedAttribute, value: string): Promise<string> {
    const client = this.service.documentClient;
    const { Items = [] } = await client.send(
      new QueryCommand({
        TableName: this.table,
        IndexName: INDEX_BY_ATTRIBUTE[attribute],
        KeyConditionExpression: '#k = :v',
        ExpressionAttributeNames: { '#k': attribute },
        ExpressionAttributeValues: { ':v': value },
      }),
    );
    const id = Items[0]?.id as string;
    await client.send(new GetCommand({ TableName: this.table, Key: { id }, ConsistentRead: true }));
    return id;
  }

  private async rawUpdate(
    id: string,
    update: Omit<ConstructorParameters<typeof UpdateCommand>[0], 'TableName' | 'Key'>,
  ) {
    await this.service.documentClient.send(
      new UpdateCommand({ ...update, TableName: this.table, Key: { id } }),
    );
  }

  private route(
    fn: string,
    method: string,
    path: string,
    status: number,
    options: () => Promise<EventOptions> = () => Promise.resolve({}),
  ): Prepare {
    const handler = this.handler(fn);
    return async () => invoke(handler, httpEvent(method, path, await options()), status);
  }

  /** The handler of the route table's function `fn`. */
  private handler(fn: string): LambdaHandler {
    const handler = this.service.handlers[fn];
    if (handler === undefined) throw new Error(`the route table has no function ${fn}`);
    return handler;
  }

  /** The session authorizer with this request, failing loudly unless it allows it. */
  private authorize(options: Pick<EventOptions, 'cookies' | 'headers'>): Prepare {
    const event = authorizerEvent('GET', '/whoami', options);
    return () =>
      Promise.resolve(async () => {
        const result = await this.service.authorizer(event);
        if (!result.isAuthorized) throw new Error('session authorizer: expected an allow');
      });
  }

  /** A whole call of every function in the route table, with its floor where it has one. */
  async cases(): Promise<RouteCase[]> {
    const loginUser = await this.user();
    const profileUser = await this.user();
    const profileSession = await this.session(profileUser.email);
    // Issue 18: a session is read by its own item's key, one consistent GetItem.
    const sessionLookupFloor: Prepare = () =>
      Promise.resolve(async () => {
        await this.service.documentClient.send(
          new GetCommand({
            TableName: this.table,
            Key: { id: sessionItemId(digestToken(profileSession)) },
            ConsistentRead: true,
          }),
        );
      });
    const logoutUser = await this.user();
    const listUser = await this.user();
    const listSession = await this.session(listUser.email);
    await this.session(listUser.email);
    const endUser = await this.user();
    const endSession = await this.session(endUser.email);
    const othersUser = await this.user();
    const othersSession = await this.session(othersUser.email);
    const resetUser = await this.user();
    const updateUser = await this.user();

    return [
      {
        route: 'GET /',
        fn: 'home',
        prepare: this.route('home', 'GET', '/', 200),
        floor: null,
        floorPrepare: null,
        target: null,
        password: false,
      },
      {
        route: 'POST /users',
        fn: 'register',
        prepare: this.route('register', 'POST', '/users', 200, () =>
          Promise.resolve({ form: { email: newEmail(), password: PASSWORD } }),
        ),
        floor: 'bcrypt compare',
        floorPrepare: this.compare,
        target: null,
        password: true,
      },
      {
        route: 'POST /sessions',
        fn: 'login',
        prepare: this.route('login', 'POST', '/sessions', 200, () =>
          Promise.resolve({ form: { email: loginUser.email, password: PASSWORD } }),
        ),
        floor: 'bcrypt compare',
        floorPrepare: this.compare,
        target: 1.1,
        password: true,
      },
      {
        route: 'GET /profile',
        fn: 'profile',
        prepare: this.route('profile', 'GET', '/profile', 200, () =>
          Promise.resolve({ cookies: [`session_id=${profileSession}`] }),
        ),
        floor: 'GetItem',
        floorPrepare: sessionLookupFloor,
        target: 1.25,
        password: false,
      },
      {
        // Issue 13: what every request to a route behind the authorizer pays before the route.
        route: 'session authorizer',
        fn: 'sessionAuthorizer',
        prepare: this.authorize({ cookies: [`session_id=${profileSession}`] }),
        floor: 'GetItem',
        floorPrepare: sessionLookupFloor,
        target: 1.15,
        password: false,
      },
      {
        route: 'DELETE /sessions',
        fn: 'logout',
        prepare: this.route('logout', 'DELETE', '/sessions', 302, async () => ({
          cookies: [`session_id=${await this.session(logoutUser.email)}`],
        })),
        floor: 'Query + GetItem + UpdateItem',
        floorPrepare: async () => {
          const digest = digestToken(await this.session(logoutUser.email));
          return async () => {
            const id = await this.rawLookup('session_id', digest);
            await this.rawUpdate(id, {
              UpdateExpression: 'REMOVE session_id, session_expires_at',
              ConditionExpression: 'session_id = :d',
              ExpressionAttributeValues: { ':d': digest },
            });
          };
        },
        target: null,
        password: false,
      },
      {
        // Issue 18: the caller's two sessions, their items read in one batch.
        route: 'GET /sessions',
        fn: 'listSessions',
        prepare: this.route('listSessions', 'GET', '/sessions', 200, () =>
          Promise.resolve({ cookies: [`session_id=${listSession}`] }),
        ),
        floor: null,
        floorPrepare: null,
        target: null,
        password: false,
      },
      {
        // Another session of the caller's, started untimed, ended by its handle.
        route: 'DELETE /sessions/{id}',
        fn: 'endSession',
        prepare: this.route('endSession', 'DELETE', '/sessions/{id}', 200, async () => {
          const { handle } = await this.stored(await this.session(endUser.email));
          return { cookies: [`session_id=${endSession}`], pathParameters: { id: handle } };
        }),
        floor: null,
        floorPrepare: null,
        target: null,
        password: false,
      },
      {
        // One other session, started untimed, to end.
        route: 'DELETE /sessions/others',
        fn: 'endOtherSessions',
        prepare: this.route('endOtherSessions', 'DELETE', '/sessions/others', 200, async () => {
          await this.session(othersUser.email);
          return { cookies: [`session_id=${othersSession}`] };
        }),
        floor: null,
        floorPrepare: null,
        target: null,
        password: false,
      },
      {
        route: 'POST /reset_password',
        fn: 'resetToken',
        prepare: this.route('resetToken', 'POST', '/reset_password', 200, () =>
          Promise.resolve({ form: { email: resetUser.email } }),
        ),
        floor: 'Query + GetItem + UpdateItem',
        floorPrepare: () =>
          Promise.resolve(async () => {
            const id = await this.rawLookup('email', resetUser.email);
            await this.rawUpdate(id, {
              UpdateExpression: 'SET reset_token = :t, reset_expires_at = :e',
              ConditionExpression: 'attribute_exists(email)',
              ExpressionAttributeValues: { ':t': digestToken(randomUUID()), ':e': Date.now() },
            });
          }),
        target: null,
        password: false,
      },
      {
        route: 'PUT /reset_password',
        fn: 'updatePassword',
        prepare: this.route('updatePassword', 'PUT', '/reset_password', 200, async () => ({
          form: {
            email: updateUser.email,
            reset_token: await this.service.auth.getResetPasswordToken(updateUser.email),
            new_password: `Bench-${randomUUID()}`,
          },
        })),
        floor: 'bcrypt compare',
        floorPrepare: this.compare,
        target: null,
        password: true,
      },
      {
        route: 'GET /account/{page}',
        fn: 'pages',
        prepare: this.route('pages', 'GET', '/account/profile', 200, () =>
          Promise.resolve({
            cookies: [`session_id=${profileSession}`],
            pathParameters: { page: 'profile' },
          }),
        ),
        floor: 'GetItem',
        floorPrepare: sessionLookupFloor,
        target: null,
        password: false,
      },
      {
        // The form that spends what the function is sized for: a login's bcrypt compare.
        route: 'POST /account/{page}',
        fn: 'pageForms',
        prepare: this.route('pageForms', 'POST', '/account/login', 303, () =>
          Promise.resolve({
            form: { email: loginUser.email, password: PASSWORD },
            pathParameters: { page: 'login' },
            headers: { 'sec-fetch-site': 'same-origin' },
          }),
        ),
        floor: 'bcrypt compare',
        floorPrepare: this.compare,
        target: null,
        password: true,
      },
      {
        route: 'GET /whoami',
        fn: 'whoami',
        prepare: this.behindAuthorizer('whoami', '/whoami', [`session_id=${profileSession}`]),
        floor: null,
        floorPrepare: null,
        target: null,
        password: false,
      },
      {
        route: '$default',
        fn: 'unmatched',
        prepare: this.route('unmatched', 'GET', '/no-such-route', 404),
        floor: null,
        floorPrepare: null,
        target: null,
        password: false,
      },
    ];
  }

  /**
   * A GET of a route behind the session authorizer, with the context the authorizer gives these
   * cookies (asked untimed): the route alone, as Lambda runs it after API Gateway's authorizer.
   */
  private behindAuthorizer(fn: string, path: string, cookies: string[]): Prepare {
    const handler = this.handler(fn);
    return async () => {
      const result = await this.service.authorizer(authorizerEvent('GET', path, { cookies }));
      if (!result.isAuthorized)
        throw new Error(`${path}: the authorizer denied the bench's session`);
      const event = httpEvent('GET', path, { cookies });
      const lambda = 'context' in result ? result.context : {};
      const requestContext = { ...event.requestContext, authorizer: { lambda } };
      return invoke(handler, { ...event, requestContext }, 200);
    };
  }

  /** Times every route against its floor, then records one call of each for its DynamoDB use. */
  async run(iterations: Iterations): Promise<RouteFigures[]> {
    const figures: RouteFigures[] = [];
    for (const c of await this.cases()) {
      const n = c.password ? iterations.password : iterations.storage;
      const { aMs, bMs } = await measurePair(c.prepare, c.floorPrepare, n);
      const call = await c.prepare();
      const calls = await this.recorder.record(call);
      figures.push({
        route: c.route,
        floor: c.floor,
        target: c.target,
        routeMs: aMs,
        floorMs: bMs,
        calls,
      });
    }
    return figures;
  }

  /**
   * Issue 3, item 8: a login with a known email and a wrong password against one with an unknown
   * email. Before each try of either, the known user's failure count is reset (untimed), so the
   * lock-out never turns the wrong password into a cheaper 429 and both sides follow the same
   * write to DynamoDB Local.
   */
  async loginTiming(iterations: number): Promise<PairFigures> {
    const known = await this.user();
    const login = this.handler('login');
    const attempt =
      (email: () => string): Prepare =>
      async () => {
        await this.service.db.updateUser(known.id, { failed_logins: 0 });
        const form = { email: email(), password: 'Wrong-password-1' };
        return invoke(login, httpEvent('POST', '/sessions', { form }), 401);
      };
    return measurePair(
      attempt(() => known.email),
      attempt(newEmail),
      iterations,
    );
  }
}
