import { registrationServices } from '../../lib/auth/registration';
import { readFields } from '../../lib/http/fields';
import { defineRoute } from '../../lib/http/lambda';
import { json } from '../../lib/http/response';

/** POST /users */
export const route = defineRoute({
  key: 'POST /users',
  services: registrationServices,
  handle:
    ({ registration, config }) =>
    async (event) => {
      const { email, password } = readFields(event, ['email', 'password'], config.maxBodyBytes);
      const user = await registration.registerUser(email, password);
      return json(200, { email: user.email, message: 'user created' });
    },
});
