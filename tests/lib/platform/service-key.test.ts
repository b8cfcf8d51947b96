// The service key (lib/platform/service-key.ts): read once per instance, from SSM on a deployed
// stage (here through the SDK with a mocked client: no AWS account), each use's key derived apart.
import {
  GetParameterCommand,
  ParameterNotFound,
  SSMClient,
  ThrottlingException,
} from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { randomBytes } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { limitsOf, ROUTES } from '../../../handlers/table';
import { withLimits } from '../../../lib/http/client-budget';
import { lambdaHandler } from '../../../lib/http/lambda';
import { KeyUnavailable, ServiceKeys } from '../../../lib/platform/service-key';
import { config, testEnv } from '../../support/app';
import { loadRouteDefinitions } from '../../support/route-definitions';

const PARAMETER = '/user-auth/prod/service-key';
const onStage = { ...config, serviceKey: undefined, serviceKeyParameter: PARAMETER };
const newKey = () => randomBytes(32).toString('base64');

describe('the service key from SSM', () => {
  let ssm: ReturnType<typeof mockClient>;
  beforeAll(() => {
    ssm = mockClient(SSMClient);
  });
  afterEach(() => {
    ssm.reset();
  });
  afterAll(() => {
    ssm.restore();
  });

  it('is read once per instance, decrypted, from the parameter the stage names, at cold start', async () => {
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: newKey() } });
    const keys = new ServiceKeys(onStage);
    const [a, b] = await Promise.all([keys.key('device-cookie'), keys.key('device-cookie')]);
    await keys.key('device-cookie');
    expect(a.equals(b)).toBe(true);
    expect(a).toHaveLength(32);
    expect(ssm.commandCalls(GetParameterCommand).map((call) => call.args[0].input)).toEqual([
      { Name: PARAMETER, WithDecryption: true },
    ]);
  });

  it('gives every instance the same key, and each use a key of its own, never the key itself', async () => {
    const key = newKey();
    ssm.on(GetParameterCommand).resolves({ Parameter: { Value: key } });
    const [one, two] = [new ServiceKeys(onStage), new ServiceKeys(onStage)];
    const derived = await one.key('device-cookie');
    expect((await two.key('device-cookie')).equals(derived)).toBe(true);
    expect(derived.equals(Buffer.from(key, 'base64'))).toBe(false);
    const local = new ServiceKeys({ ...config, serviceKey: key, serviceKeyParameter: undefined });
    expect((await local.key('device-cookie')).equals(derived)).toBe(true);
  });

  it('is read again on the next request after a failed read: 503 while SSM throttles', async () => {
    ssm
      .on(GetParameterCommand)
      .rejectsOnce(
        new ThrottlingException({ message: 'slow down', Message: 'slow down', $metadata: {} }),
      )
      .resolves({ Parameter: { Value: newKey() } });
    const keys = new ServiceKeys(onStage);
    await expect(keys.key('device-cookie')).rejects.toBeInstanceOf(KeyUnavailable);
    expect(await keys.key('device-cookie')).toHaveLength(32);
    expect(ssm.commandCalls(GetParameterCommand)).toHaveLength(2);
  });

  it('says which parameter to create when it is missing, and never quotes a value it refuses', async () => {
    ssm
      .on(GetParameterCommand)
      .rejectsOnce(new ParameterNotFound({ message: 'not found', $metadata: {} }))
      .resolves({ Parameter: { Value: 'c2hvcnQ=' } });
    const keys = new ServiceKeys(onStage);
    await expect(keys.key('device-cookie')).rejects.toThrow(
      `the service key parameter ${PARAMETER} does not exist: create it (README, "Deploying a stage to AWS")`,
    );
    await expect(keys.key('device-cookie')).rejects.toThrow(
      `the service key parameter ${PARAMETER} must hold at least 32 random bytes in base64`,
    );
  });
});

describe('the functions that read the service key', () => {
  it('are those whose route table entry allows it: any other starts without one', async () => {
    const without = testEnv({ SERVICE_KEY: '' });
    const starts: Record<string, boolean> = {};
    for (const [route, definition] of await loadRouteDefinitions()) {
      try {
        lambdaHandler(without, withLimits(definition, limitsOf(route)));
        starts[route.fn] = true;
      } catch (error) {
        expect(String(error)).toContain('SERVICE_KEY_PARAMETER is required by this function');
        starts[route.fn] = false;
      }
    }
    expect(starts).toEqual(
      Object.fromEntries(ROUTES.map((route) => [route.fn, route.access.serviceKey !== true])),
    );
  });
});
