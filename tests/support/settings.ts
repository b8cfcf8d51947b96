import { randomBytes } from 'node:crypto';

/**
 * The settings every test runs the service with, in process (tests/support/app.ts) and in the
 * services and scripts the tests start (vitest.config.mts): the strict deployed defaults, except a
 * cheap bcrypt cost (the cost changes time, not behaviour), the token in the body, silent logs
 * and metrics, and a per-client budget no test reaches by chance: every test sends from one
 * address, most of them far more than 30 times a minute. The budget's own tests set theirs. The
 * service key is drawn at random when the settings load, as npm start draws its own: never one
 * written in the repository.
 */
export const TEST_SETTINGS = {
  STAGE: 'test',
  LOG_LEVEL: 'SILENT',
  METRICS_ENABLED: 'false',
  BCRYPT_COST: '4',
  RESET_DELIVERY: 'response',
  AWS_REGION: 'us-east-1',
  // Every deployed stage has one (its own /account): mails link to its pages.
  PAGES_URL: 'https://auth.example.test/account',
  CLIENT_ATTEMPTS_PER_MINUTE: '1000000',
  SERVICE_KEY: randomBytes(32).toString('base64'),
} as const;
