import type { Platform } from '../lib/app';
import { defineRoute } from '../lib/http/lambda';
import { submitForm } from '../lib/pages/submit';
import { route as login } from './login';
import { route as logout } from './logout';
import { route as register } from './register';
import { route as resetToken } from './reset-token';
import { route as updatePassword } from './update-password';

/** What the five routes behind the forms run, together. */
function formServices(platform: Platform) {
  return {
    ...register.services(platform),
    ...login.services(platform),
    ...logout.services(platform),
    ...resetToken.services(platform),
    ...updatePassword.services(platform),
  };
}

/** POST /account/{page}: the hosted pages' forms, posted without JavaScript. */
export const route = defineRoute({
  services: formServices,
  handle: (app) =>
    submitForm(
      {
        signup: register.handle(app),
        login: login.handle(app),
        logout: logout.handle(app),
        'forgot-password': resetToken.handle(app),
        'reset-password': updatePassword.handle(app),
      },
      app,
    ),
});
