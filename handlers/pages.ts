import { lambdaHandler } from '../lib/http/lambda';
import { route } from './routes/pages';

/** GET /account/{page}: the hosted pages and their two files; composed once at cold start. */
export const handler = lambdaHandler(process.env, route);
