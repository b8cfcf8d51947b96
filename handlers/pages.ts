import { sessionServices } from '../lib/auth/sessions';
import { defineRoute } from '../lib/http/lambda';
import { showPage } from '../lib/pages/show';

/** GET /account/{page}: the hosted pages (signup, login, profile ...), app.js and style.css. */
export const route = defineRoute({
  // The profile page reads the session as GET /profile does.
  services: sessionServices,
  handle: showPage,
});
