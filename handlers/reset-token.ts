import { httpHandler } from '../lib/http/handler';
import { readFields } from '../lib/http/fields';
import { json } from '../lib/http/response';
import { passwordResets } from '../lib/password-resets';

/** POST /reset_password */
export const handler = httpHandler('POST /reset_password', async (event) => {
  const { email } = readFields(event, ['email']);
  return json(200, await passwordResets.request(email));
});
