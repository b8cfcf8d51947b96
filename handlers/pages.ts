import { defineRoute } from '../lib/http/lambda';
import { showPage } from '../lib/pages/show';
import { route as profile } from './profile';

/** GET /account/{page}: the hosted pages (signup, login, profile ...), app.js and style.css. */
export const route = defineRoute({
  // The profile page runs GET /profile's own code, so it needs what that route needs.
  services: profile.services,
  handle: (app) => showPage(profile.handle(app), app),
});
