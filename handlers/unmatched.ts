import { defineRoute } from '../lib/http/lambda';
import { unmatchedAnswer } from '../lib/http/unmatched';
import { ROUTE_KEYS } from './table';

/** API Gateway's $default route: every request that no other route matches. */
export const route = defineRoute({
  services: () => ({}),
  handle:
    ({ config }) =>
    (event) =>
      Promise.resolve(unmatchedAnswer(event, ROUTE_KEYS, config)),
});
