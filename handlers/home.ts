import { httpHandler } from '../lib/http/handler';
import { json } from '../lib/http/response';

/** GET / */
export const handler = httpHandler('GET /', () =>
  Promise.resolve(json(200, { message: 'Bienvenue' })),
);
