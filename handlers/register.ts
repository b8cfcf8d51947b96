import { registrationServices } from '../lib/auth/registration';
import { readFields } from '../lib/http/fields';
import { defineRoute } from '../lib/http/lambda';
import { json } from '../lib/http/response';

/** POST /users */
export const route = defineRoute({
  services: registrationServices,
  handle:
    ({ registration, config }) =>
    async (event) => {
      const { email, password } = await readFields(
        event,
        ['email', 'password'],
        config.maxBodyBytes,
      );
      await registration.registerUser(email, password);
      // The email as sent, as Flask echoes the form field; the store keeps its canonical form.
      return json(200, { email, message: 'user created' });
    },
});
