import { APP_JS } from './app-js';
import { STYLE_CSS } from './style';

/** The pages' two files, served from the same origin (the CSP allows nothing inline, nothing from elsewhere). */
export const ASSETS = new Map<string, { contentType: string; body: string }>([
  ['app.js', { contentType: 'text/javascript', body: APP_JS }],
  ['style.css', { contentType: 'text/css', body: STYLE_CSS }],
]);
