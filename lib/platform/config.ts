/**
 * Every setting of the service, read from the environment once at cold start and validated there,
 * so a misconfigured stage fails on its first invocation with the variable's name instead of
 * misbehaving later. README.md lists each variable with its default.
 */

export type ResetDelivery = 'response' | 'email';
/**
 * `off`: no verification mails. `optional`: a mail with a link at registration, and the account
 * works before the link is followed. `required`: logins wait for the link.
 */
export const EMAIL_VERIFICATION_MODES = ['off', 'optional', 'required'] as const;
export type EmailVerification = (typeof EMAIL_VERIFICATION_MODES)[number];
/** `json` for CloudWatch (with EMF metrics); `text`, one readable line per request, for a terminal. */
export type LogFormat = 'json' | 'text';

export const LOG_LEVELS = ['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export interface Config {
  stage: string;
  serviceName: string;
  logLevel: LogLevel;
  logFormat: LogFormat;
  /** Whether request metrics are written (EMF): by default with JSON logs only. */
  metricsEnabled: boolean;
  usersTable: string;
  region: string;
  /** Set only for DynamoDB Local; unset on AWS. */
  dynamodbEndpoint: string | undefined;
  dynamodbTimeoutMs: number;
  dynamodbMaxAttempts: number;
  bcryptCost: number;
  minPasswordLength: number;
  /** Whether new passwords on the common-password list are refused (off only on the local stage). */
  refuseCommonPasswords: boolean;
  sessionTtlSeconds: number;
  /** How many live sessions a user may hold at once: a login beyond it ends the oldest. */
  maxSessionsPerUser: number;
  resetTokenTtlSeconds: number;
  resetDelivery: ResetDelivery;
  emailVerification: EmailVerification;
  mailFrom: string | undefined;
  resetUrl: string | undefined;
  /** Set only for a local SES emulator. */
  sesEndpoint: string | undefined;
  cookieSecure: boolean;
  /**
   * The session cookie's `Domain` (`example.com`: sent to every subdomain of it too); unset, the
   * cookie is host-only, sent to the host that set it alone.
   */
  cookieDomain: string | undefined;
  loginMaxFailures: number;
  loginLockSeconds: number;
  loginLockMaxSeconds: number;
  maxBodyBytes: number;
  /** Origins whose pages may call the API with the user's cookie (credentialed CORS); none by default. */
  allowedOrigins: readonly string[];
  /** What the mails call the service ("Reset the password for <productName>"). */
  productName: string;
  /** The hosted pages' base URL (`https://host/account`): the verification and email-change links. */
  pagesUrl: string | undefined;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** The process environment, or a plain object standing in for it (tests, the bench). */
export type Env = Record<string, string | undefined>;

function text(env: Env, name: string, fallback: string): string {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? fallback : value;
}

function optionalText(env: Env, name: string): string | undefined {
  const value = env[name]?.trim();
  return value === undefined || value === '' ? undefined : value;
}

function integer(env: Env, name: string, fallback: number, min: number, max: number): number {
  const raw = optionalText(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be an integer from ${min} to ${max}, got "${raw}"`);
  }
  return value;
}

function boolean(env: Env, name: string, fallback: boolean): boolean {
  const raw = optionalText(env, name);
  if (raw === undefined) return fallback;
  if (raw === 'true') return true;
  if (raw === 'false') return false;
  throw new ConfigError(`${name} must be "true" or "false", got "${raw}"`);
}

/** A name put in mail subjects: short, on one line, and nothing a mail header could misread. */
function oneLine(env: Env, name: string, fallback: string): string {
  const value = text(env, name, fallback);
  if (value.length > 100 || /\p{Cc}/u.test(value)) {
    throw new ConfigError(
      `${name} must be at most 100 characters, without line breaks or other control characters`,
    );
  }
  return value;
}

/** An absolute http(s) URL without query or fragment, kept without a trailing slash. */
function baseUrl(env: Env, name: string): string | undefined {
  const raw = optionalText(env, name);
  if (raw === undefined) return undefined;
  const parsed = URL.canParse(raw) ? new URL(raw) : undefined;
  if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.search || parsed.hash) {
    throw new ConfigError(
      `${name} must be an http or https URL such as https://example.com/account, got "${raw}"`,
    );
  }
  return raw.replace(/\/+$/u, '');
}

/**
 * A comma-separated list of origins (`https://app.example.com`), each exactly as a browser sends it
 * in `Origin`: scheme, host and port only. No `*`: credentialed CORS needs named origins.
 */
function origins(env: Env, name: string): readonly string[] {
  const raw = optionalText(env, name);
  if (raw === undefined) return [];
  return raw.split(',').map((entry) => {
    const origin = entry.trim();
    let parsed: URL | undefined;
    try {
      parsed = new URL(origin);
    } catch {
      parsed = undefined;
    }
    if (!parsed || !['http:', 'https:'].includes(parsed.protocol) || parsed.origin !== origin) {
      throw new ConfigError(
        `${name} must list origins such as https://app.example.com, got "${origin}"`,
      );
    }
    return origin;
  });
}

/** A host name's labels: letters, digits and inner hyphens, lower case, at most 63 characters. */
const HOST_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/u;

/**
 * Whether `text` is a domain name of at least two labels (`example.com`, `auth.example.com`), in
 * lower case, without scheme, port, path or trailing dot: what a cookie's Domain and a custom
 * domain are written as.
 */
export function isDomainName(text: string): boolean {
  const labels = text.split('.');
  return (
    text.length <= 253 && labels.length >= 2 && labels.every((label) => HOST_LABEL.test(label))
  );
}

function domainName(env: Env, name: string): string | undefined {
  const raw = optionalText(env, name);
  if (raw !== undefined && !isDomainName(raw)) {
    throw new ConfigError(`${name} must be a domain such as example.com, got "${raw}"`);
  }
  return raw;
}

function oneOf<T extends string>(env: Env, name: string, fallback: T, allowed: readonly T[]): T {
  const raw = text(env, name, fallback);
  if (!(allowed as readonly string[]).includes(raw)) {
    throw new ConfigError(`${name} must be one of ${allowed.join(', ')}, got "${raw}"`);
  }
  return raw as T;
}

export function loadConfig(env: Env): Config {
  const config: Config = {
    stage: text(env, 'STAGE', 'dev'),
    serviceName: text(env, 'SERVICE_NAME', 'user-auth'),
    logLevel: oneOf(env, 'LOG_LEVEL', 'INFO', LOG_LEVELS),
    logFormat: oneOf(env, 'LOG_FORMAT', 'json', ['json', 'text']),
    // A person reading text logs has the events on each request line; EMF is for CloudWatch.
    metricsEnabled: boolean(env, 'METRICS_ENABLED', text(env, 'LOG_FORMAT', 'json') === 'json'),
    usersTable: text(env, 'USERS_TABLE', 'user-auth-dev-users'),
    region: text(env, 'AWS_REGION', 'us-east-1'),
    dynamodbEndpoint: optionalText(env, 'DYNAMODB_ENDPOINT'),
    dynamodbTimeoutMs: integer(env, 'DYNAMODB_TIMEOUT_MS', 1000, 50, 30_000),
    dynamodbMaxAttempts: integer(env, 'DYNAMODB_MAX_ATTEMPTS', 3, 1, 10),
    bcryptCost: integer(env, 'BCRYPT_COST', 12, 4, 15),
    minPasswordLength: integer(env, 'MIN_PASSWORD_LENGTH', 8, 1, 64),
    refuseCommonPasswords: boolean(env, 'REFUSE_COMMON_PASSWORDS', true),
    sessionTtlSeconds: integer(env, 'SESSION_TTL_SECONDS', 86_400, 60, 31_536_000),
    // At most 50, so that ending them all stays one DynamoDB transaction (of at most 100 writes).
    maxSessionsPerUser: integer(env, 'MAX_SESSIONS_PER_USER', 10, 1, 50),
    resetTokenTtlSeconds: integer(env, 'RESET_TOKEN_TTL_SECONDS', 900, 60, 86_400),
    resetDelivery: oneOf(env, 'RESET_DELIVERY', 'email', ['response', 'email']),
    emailVerification: oneOf(env, 'EMAIL_VERIFICATION', 'required', EMAIL_VERIFICATION_MODES),
    mailFrom: optionalText(env, 'MAIL_FROM'),
    resetUrl: optionalText(env, 'RESET_URL'),
    sesEndpoint: optionalText(env, 'SES_ENDPOINT'),
    cookieSecure: boolean(env, 'COOKIE_SECURE', true),
    cookieDomain: domainName(env, 'COOKIE_DOMAIN'),
    loginMaxFailures: integer(env, 'LOGIN_MAX_FAILURES', 5, 1, 100),
    loginLockSeconds: integer(env, 'LOGIN_LOCK_SECONDS', 60, 1, 86_400),
    loginLockMaxSeconds: integer(env, 'LOGIN_LOCK_MAX_SECONDS', 3600, 1, 604_800),
    maxBodyBytes: integer(env, 'MAX_BODY_BYTES', 8192, 256, 1_048_576),
    allowedOrigins: origins(env, 'ALLOWED_ORIGINS'),
    // Reads well wherever a mail names it ("Verify your email address for your account").
    productName: oneLine(env, 'PRODUCT_NAME', 'your account'),
    pagesUrl: baseUrl(env, 'PAGES_URL'),
  };
  if (config.resetDelivery === 'email' && config.mailFrom === undefined) {
    throw new ConfigError('MAIL_FROM is required when RESET_DELIVERY is "email"');
  }
  if (config.emailVerification !== 'off' && config.mailFrom === undefined) {
    throw new ConfigError(
      `MAIL_FROM is required when EMAIL_VERIFICATION is "${config.emailVerification}"`,
    );
  }
  if (config.loginLockMaxSeconds < config.loginLockSeconds) {
    throw new ConfigError('LOGIN_LOCK_MAX_SECONDS must not be below LOGIN_LOCK_SECONDS');
  }
  return config;
}
