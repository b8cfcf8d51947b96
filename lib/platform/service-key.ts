/**
 * The service key: one secret per stage, from which each use derives a key of its own
 * (HKDF-SHA256, the use's name as `info`), so that the uses never share a key and the stage
 * keeps one secret. It signs device cookies (lib/auth/device-cookies.ts) and encrypts the users'
 * TOTP secrets (lib/auth/sealed-secrets.ts).
 *
 * It is neither in the repository nor in the table. A deployed stage reads it from the SSM
 * SecureString parameter its functions are given (SERVICE_KEY_PARAMETER, the stage parameter
 * `serviceKeyParameter`), once per Lambda instance: the read starts at cold start, and only a
 * failed read is tried again, on the next request. Each function that uses it may read that one
 * parameter and nothing else (handlers/table.ts, `serviceKey`). The local stage has no parameter
 * store: npm start generates a key and passes it in SERVICE_KEY (local/start-local.ts), as the
 * tests do.
 */
import { hkdfSync } from 'node:crypto';
import { classifyAwsError, DependencyUnavailable } from './aws-errors';
import { ConfigError, SERVICE_KEY_MIN_BYTES, type Config } from './config';
import { clientLimits } from './dynamodb';

/** What a key is derived for; each use gets a different key from the one service key. */
export type KeyUse = 'device-cookie' | 'totp-secret';

export type ServiceKeySettings = Pick<
  Config,
  'serviceKey' | 'serviceKeyParameter' | 'region' | 'dynamodbTimeoutMs' | 'dynamodbMaxAttempts'
>;

/** The parameter store could not be read for now (throttled, timed out, unreachable). */
export class KeyUnavailable extends DependencyUnavailable {}

/** Reads a SecureString parameter's value, decrypted. */
export type ParameterReader = (name: string, settings: ServiceKeySettings) => Promise<string>;

/** SSM's GetParameter, with the SDK loaded at the first read: the local stage never loads it. */
const readFromSsm: ParameterReader = async (name, settings) => {
  const { GetParameterCommand, ParameterNotFound, SSMClient } = await import('@aws-sdk/client-ssm');
  const client = new SSMClient(clientLimits(settings));
  try {
    const { Parameter } = await client.send(
      new GetParameterCommand({ Name: name, WithDecryption: true }),
    );
    return Parameter?.Value ?? '';
  } catch (error) {
    if (error instanceof ParameterNotFound) {
      throw new Error(
        `the service key parameter ${name} does not exist: create it (README, "Deploying a stage to AWS")`,
      );
    }
    throw classifyAwsError(error, KeyUnavailable);
  } finally {
    client.destroy();
  }
};

/** The key's bytes, refused (without quoting it) unless it is base64 of enough random bytes. */
function keyBytes(value: string, where: string): Buffer {
  const bytes = Buffer.from(value.trim(), 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/u.test(value.trim()) || bytes.length < SERVICE_KEY_MIN_BYTES) {
    throw new Error(`${where} must hold at least ${SERVICE_KEY_MIN_BYTES} random bytes in base64`);
  }
  return bytes;
}

/** The keys of one function, each derived from the service key once. */
export class ServiceKeys {
  private master: Promise<Buffer> | undefined;
  private readonly derived = new Map<KeyUse, Promise<Buffer>>();

  constructor(
    private readonly settings: ServiceKeySettings,
    private readonly read: ParameterReader = readFromSsm,
  ) {
    if (settings.serviceKey === undefined && settings.serviceKeyParameter === undefined) {
      throw new ConfigError(
        'SERVICE_KEY_PARAMETER is required by this function (SERVICE_KEY on the local stage)',
      );
    }
    // Read at cold start, while the instance has nothing else to do.
    this.master = this.load();
  }

  /** The key for `use`: 32 bytes, the same in every instance of every function of the stage. */
  key(use: KeyUse): Promise<Buffer> {
    let key = this.derived.get(use);
    if (key === undefined) {
      key = this.masterKey().then((master) =>
        Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), `user-auth/${use}`, 32)),
      );
      // A failed read is not kept: the next request reads again.
      key.catch(() => this.derived.delete(use));
      this.derived.set(use, key);
    }
    return key;
  }

  private masterKey(): Promise<Buffer> {
    this.master ??= this.load();
    return this.master;
  }

  private load(): Promise<Buffer> {
    const { serviceKey, serviceKeyParameter } = this.settings;
    const loading =
      serviceKey !== undefined
        ? Promise.resolve(keyBytes(serviceKey, 'SERVICE_KEY'))
        : this.read(serviceKeyParameter ?? '', this.settings).then((value) =>
            keyBytes(value, `the service key parameter ${serviceKeyParameter ?? ''}`),
          );
    loading.catch(() => {
      if (this.master === loading) this.master = undefined;
    });
    return loading;
  }
}

const keysByConfig = new WeakMap<object, ServiceKeys>();

/** The service keys of one function, created at its cold start (lib/app.ts composes it once). */
export function serviceKeysOf(platform: { config: ServiceKeySettings }): ServiceKeys {
  let keys = keysByConfig.get(platform.config);
  if (keys === undefined) {
    keys = new ServiceKeys(platform.config);
    keysByConfig.set(platform.config, keys);
  }
  return keys;
}
