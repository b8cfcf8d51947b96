import { lambdaHandler } from '../lib/http/lambda';
import { route } from './routes/unmatched';

/** Requests no route matches: the Lambda entry, composed once from the function's environment at cold start. */
export const handler = lambdaHandler(process.env, route);
