/**
 * The service's modules, imported only after the environment is set: lib/config reads it once,
 * at import, exactly as on a Lambda cold start.
 */
import { freePort, startDynamoDbLocal, type DynamoDbLocal } from '../dynamodb-local';
import { createUsersTable } from '../../tests/support/table';

export interface BenchSettings {
  bcryptCost: string;
}

/** Starts DynamoDB Local on a free port with a users table as serverless.yml declares it. */
export async function startStorage(): Promise<{ dynamodb: DynamoDbLocal; table: string }> {
  const dynamodb = await startDynamoDbLocal({ port: await freePort() });
  try {
    const table = `bench-users-${Date.now()}`;
    await createUsersTable(dynamodb.endpoint, table);
    return { dynamodb, table };
  } catch (error) {
    await dynamodb.stop();
    throw error;
  }
}

/**
 * The deployed defaults, except: the reset token in the body (mail would need SES), logs and
 * metrics silenced (the benchmark's output is its table; HTTP mode keeps them on).
 */
export function setServiceEnv(
  endpoint: string,
  table: string,
  settings: BenchSettings,
): () => void {
  const values: Record<string, string> = {
    STAGE: 'bench',
    AWS_REGION: 'us-east-1',
    USERS_TABLE: table,
    DYNAMODB_ENDPOINT: endpoint,
    BCRYPT_COST: settings.bcryptCost,
    RESET_DELIVERY: 'response',
    LOG_LEVEL: 'SILENT',
    POWERTOOLS_METRICS_DISABLED: 'true',
  };
  const previous = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  Object.assign(process.env, values);
  // Restored afterwards, so that `npm start` in HTTP mode runs with the caller's settings.
  return () => {
    for (const [name, value] of Object.entries(previous)) {
      if (value === undefined) Reflect.deleteProperty(process.env, name);
      else process.env[name] = value;
    }
  };
}

export async function loadService() {
  const [home, register, login, logout, profile, resetToken, updatePassword] = await Promise.all([
    import('../../handlers/home'),
    import('../../handlers/register'),
    import('../../handlers/login'),
    import('../../handlers/logout'),
    import('../../handlers/profile'),
    import('../../handlers/reset-token'),
    import('../../handlers/update-password'),
  ]);
  const { auth, db } = await import('../../lib/services');
  const { documentClient } = await import('../../lib/dynamo');
  const { config } = await import('../../lib/config');
  return {
    handlers: {
      home: home.handler,
      register: register.handler,
      login: login.handler,
      logout: logout.handler,
      profile: profile.handler,
      resetToken: resetToken.handler,
      updatePassword: updatePassword.handler,
    },
    auth,
    db,
    documentClient,
    config,
  };
}

export type Service = Awaited<ReturnType<typeof loadService>>;
