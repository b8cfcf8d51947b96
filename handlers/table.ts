/**
 * Every route of the service, once: what serves it, who may call it, how fast, with what rights
 * and how much memory. Everything else derives from this list: serverless.yml's functions, events,
 * roles, route throttles and alarm (deploy/functions.js), each function's Lambda entry (generated
 * at packaging), the $default route's 404/405 answers, the tests' route lists and the bench.
 * docs/openapi.yaml is checked against it (tests/ops/openapi.test.ts). README.md, "Protect your
 * own routes", says how to add one.
 *
 * Type imports only: the $default function bundles this list, and the framework loads it.
 */
import type { RouteKey, RouteLimits } from '../lib/http/lambda';
import type { IndexedAttribute } from '../lib/store/table';

/** What a function's role may do to the users table (and SES), and nothing more. */
export interface Access {
  /** Item actions on the users table (a transaction needs the actions of each of its writes). */
  table?: readonly ('GetItem' | 'BatchGetItem' | 'PutItem' | 'UpdateItem' | 'DeleteItem')[];
  /** The GSIs it may Query, by their key attribute. */
  indexes?: readonly IndexedAttribute[];
  /** Whether it mails (reset tokens): `ses:SendEmail` from the stage's `mailFrom` only. */
  mail?: boolean;
  /**
   * Whether it uses the service key (lib/platform/service-key.ts): to sign and read device
   * cookies where it checks passwords, to seal and open TOTP secrets where it checks codes.
   * `ssm:GetParameter` of the stage's one key parameter.
   */
  serviceKey?: boolean;
}

/**
 * How a route is throttled. `credential`: a route that checks or sets a password or sends a mail for
 * anyone who asks; each client address has a budget of attempts per minute on these routes
 * together (CLIENT_ATTEMPTS_PER_MINUTE, lib/http/client-budget.ts), which their role needs
 * `UpdateItem` for, and API Gateway caps the route as a whole at its own cost ceiling.
 * `default`: the cost ceiling of every other route. The ceilings are serverless.yml's
 * custom.throttling, chosen from the cost table of `npm run bench` (docs/BENCHMARKS.md).
 */
export type ThrottleClass = 'default' | 'credential';

export interface LambdaFunction {
  /** The function's name in serverless.yml (and its CloudFormation logical id). */
  fn: string;
  /** The module under handlers/ that defines it: a `route`, or the authorizer. */
  module: string;
  access: Access;
  /** Lambda's CPU share grows with memory: chosen per function by `npm run bench` (cost table). */
  memoryMb: number;
}

export interface Route extends LambdaFunction {
  key: RouteKey;
  /** Behind the session authorizer: the route runs only for a live session. */
  guarded: boolean;
  throttle: ThrottleClass;
  /** One of the Flask contract's routes (the seed), whose answers clients compare byte for byte. */
  seed: boolean;
  /**
   * Part of the JSON API that docs/openapi.yaml describes (a test holds the two together); not the
   * hosted pages, which answer HTML to people, nor the $default route.
   */
  api: boolean;
}

/**
 * Reads, refreshes and ends sessions: the routes that take a `session_id` cookie. A session is
 * read by its own item's key; ending one rewrites its user and deletes the item in one
 * transaction (lib/store/db.ts).
 */
const SESSIONS: Access = { table: ['GetItem', 'UpdateItem', 'DeleteItem'] };

/**
 * Starts sessions and issues or spends reset tokens: finds the email (its index, else its guard
 * item) and rewrites the user with the session and reset items that follow it.
 */
const CREDENTIALS: Access = {
  table: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'],
  indexes: ['email'],
};

/*
 * Memory, as `npm run bench`'s rule chose it (bench/cost.ts; docs/BENCHMARKS.md, "Memory and
 * cost"): the cheapest size whose warm request stays within max(10 ms, 10 %) of its time on a full
 * vCPU (1769 MB). A bcrypt compare needs the full vCPU; the session routes spend about 10 ms of CPU
 * besides their DynamoDB waits, which 1024 MB stretches by under 10 ms; the rest do next to nothing.
 */
const BCRYPT_MB = 1769;
const IO_MB = 1024;
const TINY_MB = 128;

/** A route as written below: what is not said is the common case. */
type Entry = Omit<Route, 'guarded' | 'throttle' | 'seed' | 'api' | 'memoryMb'> & Partial<Route>;

const ENTRIES = [
  { key: 'GET /', fn: 'home', module: 'home', access: {}, seed: true, memoryMb: TINY_MB },
  {
    key: 'POST /users',
    fn: 'register',
    module: 'register',
    // The email guard item is read first, so a taken email costs no bcrypt hash; the user and its
    // guard item are then written in one transaction of two conditional puts. Where the stage
    // verifies emails, the link is mailed. A hash for anyone who asks: `credential`, so the
    // per-client budget (its UpdateItem) and the stricter ceiling apply.
    access: { table: ['GetItem', 'PutItem', 'UpdateItem'], mail: true },
    seed: true,
    throttle: 'credential',
    memoryMb: BCRYPT_MB,
  },
  {
    key: 'POST /sessions',
    fn: 'login',
    module: 'login',
    access: { ...CREDENTIALS, serviceKey: true },
    seed: true,
    throttle: 'credential',
    memoryMb: BCRYPT_MB,
  },
  { key: 'GET /profile', fn: 'profile', module: 'profile', access: SESSIONS, seed: true },
  { key: 'DELETE /sessions', fn: 'logout', module: 'logout', access: SESSIONS, seed: true },
  // A user's own sessions: listed (their items read in one batch) and ended one by one or all
  // but the current one. The literal `others` wins over `{id}` in API Gateway's route matching.
  {
    key: 'GET /sessions',
    fn: 'listSessions',
    module: 'list-sessions',
    access: { table: ['GetItem', 'BatchGetItem', 'UpdateItem'] },
  },
  { key: 'DELETE /sessions/{id}', fn: 'endSession', module: 'end-session', access: SESSIONS },
  {
    key: 'DELETE /sessions/others',
    fn: 'endOtherSessions',
    module: 'end-other-sessions',
    access: SESSIONS,
  },
  {
    key: 'POST /reset_password',
    fn: 'resetToken',
    module: 'reset-token',
    access: { ...CREDENTIALS, mail: true },
    seed: true,
    throttle: 'credential',
  },
  {
    key: 'PUT /reset_password',
    fn: 'updatePassword',
    module: 'update-password',
    // The token is found by its reset item; the user, its reset item and every session item
    // change in one transaction. A hash for anyone who holds a token: `credential`, as the
    // pages' reset form is.
    access: { table: ['GetItem', 'UpdateItem', 'DeleteItem'] },
    seed: true,
    throttle: 'credential',
    memoryMb: BCRYPT_MB,
  },
  // The account's own controls, each confirmed with the password (which counts toward the lock).
  // A password change ends the other sessions and any reset token in one transaction.
  {
    key: 'PUT /password',
    fn: 'changePassword',
    module: 'change-password',
    access: { ...SESSIONS, serviceKey: true },
    throttle: 'credential',
    memoryMb: BCRYPT_MB,
  },
  // Verification links, with their email: no session (a `required` stage gives none before it).
  // Following one rewrites the user and its session items, which carry the flag.
  {
    key: 'PUT /verify_email',
    fn: 'verifyEmail',
    module: 'verify-email',
    access: { table: ['GetItem', 'UpdateItem'], indexes: ['email'] },
  },
  {
    key: 'POST /verify_email',
    fn: 'resendVerification',
    module: 'resend-verification',
    access: { table: ['GetItem', 'UpdateItem'], indexes: ['email'], mail: true },
    throttle: 'credential',
  },
  // An email change: requested with the password (a mail to each address), confirmed with the
  // link's token, when the email guard moves with the user in one transaction.
  {
    key: 'POST /email_change',
    fn: 'requestEmailChange',
    module: 'request-email-change',
    access: { ...SESSIONS, mail: true, serviceKey: true },
    throttle: 'credential',
    memoryMb: BCRYPT_MB,
  },
  {
    key: 'PUT /email_change',
    fn: 'confirmEmailChange',
    module: 'confirm-email-change',
    access: { table: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'] },
  },
  // Deletes the user with its guard, reset and session items in one transaction.
  {
    key: 'DELETE /users/me',
    fn: 'deleteAccount',
    module: 'delete-account',
    access: { ...SESSIONS, serviceKey: true },
    throttle: 'credential',
    memoryMb: BCRYPT_MB,
  },
  // A login's second step: the challenge item read, counted and deleted, the code's step or the
  // recovery code spent on the user, then the session as a login starts one. Guessing codes is
  // guessing credentials: `credential`. No bcrypt, so no full vCPU.
  {
    key: 'POST /sessions/mfa',
    fn: 'loginMfa',
    module: 'login-mfa',
    access: { table: ['GetItem', 'PutItem', 'UpdateItem', 'DeleteItem'], serviceKey: true },
    throttle: 'credential',
  },
  // The second factor's own controls. Enrolling, turning off and renewing the recovery codes ask
  // for the password (a bcrypt compare); the service key seals and opens the TOTP secret.
  {
    key: 'POST /mfa/totp',
    fn: 'enrolTotp',
    module: 'enrol-totp',
    access: { ...SESSIONS, serviceKey: true },
    throttle: 'credential',
    memoryMb: BCRYPT_MB,
  },
  {
    key: 'PUT /mfa/totp',
    fn: 'confirmTotp',
    module: 'confirm-totp',
    access: { ...SESSIONS, serviceKey: true },
    throttle: 'credential',
  },
  {
    key: 'DELETE /mfa/totp',
    fn: 'disableTotp',
    module: 'disable-totp',
    access: { ...SESSIONS, serviceKey: true },
    throttle: 'credential',
    memoryMb: BCRYPT_MB,
  },
  {
    key: 'POST /mfa/recovery_codes',
    fn: 'replaceRecoveryCodes',
    module: 'replace-recovery-codes',
    access: { ...SESSIONS, serviceKey: true },
    throttle: 'credential',
    memoryMb: BCRYPT_MB,
  },
  // The hosted pages: GET serves the pages and their two files, reading the session and its user
  // for the profile (its sessions, as GET /sessions lists them), the email change's confirmation
  // and the deletion's second step; POST takes their forms posted without JavaScript, each by its
  // API route's rules: sign-up, login, the reset, and the account's own controls (which need no
  // right that CREDENTIALS and the mail lack).
  {
    key: 'GET /account/{page}',
    fn: 'pages',
    module: 'pages',
    access: { table: [...(SESSIONS.table ?? []), 'BatchGetItem'] },
    api: false,
  },
  {
    key: 'POST /account/{page}',
    fn: 'pageForms',
    module: 'page-forms',
    access: {
      table: [...(CREDENTIALS.table ?? []), 'BatchGetItem'],
      indexes: ['email'],
      mail: true,
      serviceKey: true,
    },
    throttle: 'credential',
    memoryMb: BCRYPT_MB,
    api: false,
  },
  // The example of a route behind the session authorizer: who the caller is.
  {
    key: 'GET /whoami',
    fn: 'whoami',
    module: 'whoami',
    access: {},
    guarded: true,
    memoryMb: TINY_MB,
  },
  // API Gateway's $default route: any path or method no route above has (404, or 405 with Allow),
  // and the CORS preflights of the allowed origins, answered in the service's own JSON.
  {
    key: '$default',
    fn: 'unmatched',
    module: 'unmatched',
    access: {},
    memoryMb: TINY_MB,
    api: false,
  },
] as const satisfies readonly Entry[];

export const ROUTES: readonly Route[] = ENTRIES.map((entry) => ({
  guarded: false,
  throttle: 'default',
  seed: false,
  api: true,
  memoryMb: IO_MB,
  ...entry,
}));

/**
 * The session authorizer: reads sessions and nothing else, one consistent GetItem of the
 * session's item per request. Its role may not write: an expired session is refused and left
 * for its user's next request to the service, or DynamoDB's TTL, to remove.
 */
export const AUTHORIZER: LambdaFunction = {
  fn: 'sessionAuthorizer',
  module: 'session-authorizer',
  access: { table: ['GetItem'] },
  memoryMb: IO_MB,
};

/** What a route's handler enforces itself, as its entry says (lib/http/lambda.ts). */
export function limitsOf(route: Pick<Route, 'throttle'>): RouteLimits {
  return { clientBudget: route.throttle === 'credential' };
}

/** Every Lambda function of the service. */
export const FUNCTIONS: readonly LambdaFunction[] = [...ROUTES, AUTHORIZER];

/** The Flask contract's routes, whose answers clients compare byte for byte. */
export type SeedRouteKey = Extract<(typeof ENTRIES)[number], { seed: true }>['key'];

export const SEED_ROUTE_KEYS = ROUTES.filter((entry) => entry.seed).map(
  (entry) => entry.key as SeedRouteKey,
);

/** Every route key but the $default one. */
export const ROUTE_KEYS: readonly RouteKey[] = ROUTES.map((entry) => entry.key).filter(
  (key) => key !== '$default',
);
