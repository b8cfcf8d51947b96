'use strict';
/**
 * What serverless.yml reads with `${file(./deploy/functions.js):...}`: the functions, route
 * throttles and alarm metrics derived from the route table (deploy/route-resources.ts, through tsx).
 */
const { join } = require('node:path');
const { require: requireTs } = require('tsx/cjs/api');

const derived = () => requireTs('./route-resources.ts', __filename);

module.exports = {
  functions: () => derived().functions(join(__dirname, '..')),
  routeSettings: () => derived().routeSettings(),
  throttledRouteIds: () => derived().throttledRouteIds(),
  functionErrorMetrics: () => derived().functionErrorMetrics(),
};
