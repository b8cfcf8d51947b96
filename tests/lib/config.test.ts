import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../lib/platform/config';

describe('loadConfig', () => {
  it('gives the documented defaults for an empty environment (with a mail sender)', () => {
    const config = loadConfig({ MAIL_FROM: 'no-reply@example.com' });
    expect(config).toMatchObject({
      usersTable: 'user-auth-dev-users',
      bcryptCost: 12,
      minPasswordLength: 8,
      sessionTtlSeconds: 86_400,
      resetTokenTtlSeconds: 900,
      resetDelivery: 'email',
      emailVerification: 'required',
      cookieSecure: true,
      cookieDomain: undefined,
      loginMaxFailures: 5,
      maxBodyBytes: 8192,
      refuseCommonPasswords: true,
      allowedOrigins: [],
      dynamodbEndpoint: undefined,
      logLevel: 'INFO',
    });
  });

  it('reads and converts the settings it is given', () => {
    const config = loadConfig({
      BCRYPT_COST: '10',
      RESET_DELIVERY: 'response',
      EMAIL_VERIFICATION: 'off',
      COOKIE_SECURE: 'false',
      DYNAMODB_ENDPOINT: 'http://localhost:8000',
      REFUSE_COMMON_PASSWORDS: 'false',
      ALLOWED_ORIGINS: 'https://app.example.com, http://localhost:5173',
      COOKIE_DOMAIN: 'example.com',
    });
    expect(config).toMatchObject({
      bcryptCost: 10,
      resetDelivery: 'response',
      emailVerification: 'off',
      cookieSecure: false,
      dynamodbEndpoint: 'http://localhost:8000',
      refuseCommonPasswords: false,
      allowedOrigins: ['https://app.example.com', 'http://localhost:5173'],
      cookieDomain: 'example.com',
    });
  });

  it('fails fast, naming the variable, on a bad value', () => {
    const env = { RESET_DELIVERY: 'response', EMAIL_VERIFICATION: 'off' };
    expect(() => loadConfig({ ...env, BCRYPT_COST: '3' })).toThrow(/^BCRYPT_COST must be/u);
    expect(() => loadConfig({ ...env, BCRYPT_COST: 'twelve' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...env, COOKIE_SECURE: 'yes' })).toThrow(/^COOKIE_SECURE/u);
    expect(() => loadConfig({ ...env, LOG_LEVEL: 'LOUD' })).toThrow(/^LOG_LEVEL/u);
    expect(() => loadConfig({ ...env, LOG_FORMAT: 'yaml' })).toThrow(/^LOG_FORMAT/u);
    expect(() => loadConfig({})).toThrow(/^MAIL_FROM is required/u);
    expect(() => loadConfig({ RESET_DELIVERY: 'response' })).toThrow(
      /^MAIL_FROM is required when EMAIL_VERIFICATION is "required"/u,
    );
    expect(() => loadConfig({ ...env, EMAIL_VERIFICATION: 'maybe' })).toThrow(
      /^EMAIL_VERIFICATION must be one of off, optional, required/u,
    );
    for (const origins of [
      '*',
      'https://app.example.com/',
      'app.example.com',
      'ftp://x.io',
      'a,',
    ]) {
      expect(() => loadConfig({ ...env, ALLOWED_ORIGINS: origins })).toThrow(/^ALLOWED_ORIGINS/u);
    }
    // One spelling of a domain: no scheme, port, leading or trailing dot, upper case; two labels.
    for (const domain of [
      'com',
      '.example.com',
      'example.com.',
      'https://example.com',
      'example.com:443',
      'Example.com',
      'exa_mple.com',
      '-x.example.com',
      `${'a'.repeat(64)}.com`,
    ]) {
      expect(() => loadConfig({ ...env, COOKIE_DOMAIN: domain })).toThrow(
        `COOKIE_DOMAIN must be a domain such as example.com, got "${domain}"`,
      );
    }
  });

  it('writes metrics with JSON logs, not with text logs, unless METRICS_ENABLED says', () => {
    const env = { RESET_DELIVERY: 'response', EMAIL_VERIFICATION: 'off' };
    expect(loadConfig(env)).toMatchObject({ logFormat: 'json', metricsEnabled: true });
    expect(loadConfig({ ...env, LOG_FORMAT: 'text' })).toMatchObject({
      logFormat: 'text',
      metricsEnabled: false,
    });
    expect(loadConfig({ ...env, LOG_FORMAT: 'text', METRICS_ENABLED: 'true' }).metricsEnabled).toBe(
      true,
    );
  });

  it("reads the mails' product name and pages URL, refusing what cannot go into a mail", () => {
    const env = { MAIL_FROM: 'no-reply@example.com' };
    expect(loadConfig(env)).toMatchObject({ productName: 'your account', pagesUrl: undefined });
    expect(
      loadConfig({ ...env, PRODUCT_NAME: ' Acme Cloud ', PAGES_URL: 'https://acme.test/account/' }),
    ).toMatchObject({ productName: 'Acme Cloud', pagesUrl: 'https://acme.test/account' });
    for (const name of ['Acme\nBcc: x@example.com', 'Acme\u0085', 'A'.repeat(101)]) {
      expect(() => loadConfig({ ...env, PRODUCT_NAME: name })).toThrow(
        new ConfigError(
          'PRODUCT_NAME must be at most 100 characters, without line breaks or other control characters',
        ),
      );
    }
    for (const url of [
      'acme.test/account',
      'ftp://acme.test',
      'https://acme.test/a?x=1',
      '/account',
    ]) {
      expect(() => loadConfig({ ...env, PAGES_URL: url })).toThrow(
        new ConfigError(
          `PAGES_URL must be an http or https URL such as https://example.com/account, got "${url}"`,
        ),
      );
    }
  });
});
