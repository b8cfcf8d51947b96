/*
 * app.js, the pages' browser bundle (lib/pages/browser/app.ts). How it gets here: esbuild builds it
 * from its own entry, for browsers, with DOM types that no server code has. When a function is
 * bundled (serverless package, npm start, the bench), deploy/esbuild-plugins.js replaces this
 * module with the text it built, so the Lambda carries the text and not esbuild; run from source
 * (vitest, tsx), this module builds it itself, at load, with that same function. One build, no
 * generated file to commit or to go stale.
 */
import { buildAppJs } from '../../deploy/esbuild-plugins';

export const APP_JS: string = buildAppJs();
