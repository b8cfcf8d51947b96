import { authorizerHandler } from '../lib/http/authorizer';

/**
 * The session authorizer (`provider.httpApi.authorizers.session` in serverless.yml), composed once
 * from the function's environment at cold start. It only reads sessions (`SessionLookup`): its
 * role may Query and GetItem and nothing else, and its bundle carries neither bcryptjs nor the
 * password list.
 */
export const handler = authorizerHandler(process.env);
