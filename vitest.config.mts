import { defineConfig } from 'vitest/config';
import { TEST_SETTINGS } from './tests/support/settings';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // One DynamoDB Local for the whole run; each test file gets its own table (support/app.ts).
    globalSetup: ['tests/setup/dynamodb.ts'],
    // What the services and scripts the tests start inherit: quiet logs, no metrics, a cheap
    // bcrypt cost. In-process code is built from plain objects instead (tests/support/app.ts).
    env: {
      ...TEST_SETTINGS,
      // The SDK's notice about Node 20 (Lambda runs 22): noise in test output.
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    testTimeout: 20_000,
    hookTimeout: 60_000,
  },
});
