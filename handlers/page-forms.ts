import { defineRoute } from '../lib/http/lambda';
import { formErrorPage, formServices, submitForm } from '../lib/pages/submit';

/** POST /account/{page}: the hosted pages' forms, posted without JavaScript. */
export const route = defineRoute({
  services: formServices,
  handle: submitForm,
  answerError: formErrorPage,
});
