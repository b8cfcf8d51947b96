/*
 * esbuild plugins for serverless-esbuild (serverless.yml, custom.esbuild.plugins), so what
 * `serverless package` and `npm start` build, and the bench and tests that build the functions
 * with serverless.yml's settings (bench/bundles.ts). CommonJS: serverless-esbuild
 * requires this file itself.
 */
const { buildSync } = require('esbuild');
const { join } = require('node:path');

const root = join(__dirname, '..');

/**
 * app.js, the pages' browser bundle: lib/pages/browser/app.ts and what it imports, for browsers
 * (an IIFE: no module scope to leak into, no import to resolve), with the DOM types of its own
 * tsconfig.
 */
function buildAppJs() {
  const { outputFiles } = buildSync({
    absWorkingDir: root,
    entryPoints: ['lib/pages/browser/app.ts'],
    tsconfig: 'lib/pages/browser/tsconfig.json',
    bundle: true,
    minify: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2022'],
    write: false,
    logLevel: 'error',
  });
  return outputFiles[0].text;
}

/**
 * Replaces lib/pages/app-js.ts, which builds app.js when it is loaded (under vitest and tsx), by
 * its result: the pages function's bundle carries the text of app.js, and neither esbuild nor
 * the browser code's sources.
 */
const appJsPlugin = {
  name: 'app-js',
  setup(build) {
    build.onLoad({ filter: /[\\/]lib[\\/]pages[\\/]app-js\.ts$/ }, () => ({
      contents: `export const APP_JS = ${JSON.stringify(buildAppJs())};`,
      loader: 'js',
    }));
  },
};

module.exports = [appJsPlugin];
module.exports.buildAppJs = buildAppJs;
