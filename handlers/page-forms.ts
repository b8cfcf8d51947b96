import { lambdaHandler } from '../lib/http/lambda';
import { route } from './routes/page-forms';

/** POST /account/{page}: the hosted pages' forms, posted without JavaScript; composed once at cold start. */
export const handler = lambdaHandler(process.env, route);
