import { defineRoute } from '../lib/http/lambda';
import { json } from '../lib/http/response';

/** GET / */
export const route = defineRoute({
  services: () => ({}),
  handle: () => () => Promise.resolve(json(200, { message: 'Bienvenue' })),
});
