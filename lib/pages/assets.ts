import { enhance } from './browser';
import { describeProblem, MESSAGE_RULES, nextPage } from './shared';
import { STYLE_CSS } from './style';

/**
 * The pages' two files, served from the same origin (the CSP allows nothing inline, nothing from
 * elsewhere). app.js is built from the TypeScript of browser.ts and shared.ts, so the browser and
 * the server describe errors and choose the next page with the same code.
 */
export const ASSETS = new Map<string, { contentType: string; body: string }>([
  [
    'app.js',
    {
      contentType: 'text/javascript',
      body: `"use strict";
(${enhance.toString()})({
  rules: ${JSON.stringify(MESSAGE_RULES)},
  describeProblem: ${describeProblem.toString()},
  nextPage: ${nextPage.toString()},
});
`,
    },
  ],
  ['style.css', { contentType: 'text/css', body: STYLE_CSS }],
]);
