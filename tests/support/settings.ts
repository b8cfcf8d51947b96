/**
 * The settings every test runs the service with, in process (tests/support/app.ts) and in the
 * services and scripts the tests start (vitest.config.mts): the strict deployed defaults, except a
 * cheap bcrypt cost (the cost changes time, not behaviour), the token in the body, and silent logs
 * and metrics.
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
} as const;
