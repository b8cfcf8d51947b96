import { httpHandler } from '../lib/http/handler';
import { readFields } from '../lib/http/fields';
import { json } from '../lib/http/response';
import { auth } from '../lib/services';

/** PUT /reset_password */
export const handler = httpHandler('PUT /reset_password', async (event) => {
  const fields = readFields(event, ['email', 'reset_token', 'new_password']);
  const user = await auth.updatePassword(fields.reset_token, fields.new_password, fields.email);
  return json(200, { email: user.email, message: 'Password updated' });
});
