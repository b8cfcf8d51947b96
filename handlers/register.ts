import { httpHandler } from '../lib/http/handler';
import { readFields } from '../lib/http/fields';
import { json } from '../lib/http/response';
import { auth } from '../lib/services';

/** POST /users */
export const handler = httpHandler('POST /users', async (event) => {
  const { email, password } = readFields(event, ['email', 'password']);
  const user = await auth.registerUser(email, password);
  return json(200, { email: user.email, message: 'user created' });
});
