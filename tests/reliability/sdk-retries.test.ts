/**
 * What the SDK settings of lib/platform/dynamodb.ts do when DynamoDB misbehaves over the wire, with the real
 * retry logic (aws-sdk-client-mock would replace it): a stand-in endpoint on loopback that never
 * answers, or answers every request with throttling or an internal error. A DB is built the way
 * lib/services builds it (deployed defaults: DYNAMODB_TIMEOUT_MS 1000, DYNAMODB_MAX_ATTEMPTS 3).
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { config } from '../support/app';
import { DB } from '../../lib/store/db';
import { createDocumentClient } from '../../lib/platform/dynamodb';
import { StoreUnavailable } from '../../lib/store/errors';

// Below the Lambda timeout of 10 s: a call that took longer would hold a Lambda until it is killed.
const ANSWER_BOUND_MS = 9_000;

interface StandIn {
  endpoint: string;
  /** HTTP requests received so far. */
  requests(): number;
  close(): Promise<void>;
}

/** A TCP server on a free loopback port that answers each request with `reply`, or never. */
async function standIn(reply: string | undefined): Promise<StandIn> {
  let requests = 0;
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('data', (chunk) => {
      // One SDK request per write of its headers; bodies are small enough to come with them.
      if (chunk.toString('latin1').includes('HTTP/1.1')) requests++;
      if (reply !== undefined) socket.write(reply);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests: () => requests,
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

/** A DynamoDB JSON-protocol error answer. */
function errorReply(status: string, type: string): string {
  const body = JSON.stringify({ __type: type, message: 'injected' });
  return [
    `HTTP/1.1 ${status}`,
    'Content-Type: application/x-amz-json-1.0',
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');
}

let current: StandIn | undefined;

afterEach(async () => {
  await current?.close();
  current = undefined;
});

const CASES = {
  'never answering': undefined,
  'throttling every request': errorReply(
    '400 Bad Request',
    'com.amazonaws.dynamodb.v20120810#ThrottlingException',
  ),
  'failing every request (500)': errorReply(
    '500 Internal Server Error',
    'com.amazonaws.dynamodb.v20120810#InternalServerError',
  ),
};

describe.each(Object.entries(CASES))('DynamoDB %s', (what, reply) => {
  it('a call gives up as unavailable after DYNAMODB_MAX_ATTEMPTS attempts, within the bound', async () => {
    // prepare
    current = await standIn(reply);
    const client = createDocumentClient({ ...config, dynamodbEndpoint: current.endpoint });
    const db = new DB(config.usersTable, client);
    // act
    const started = performance.now();
    const failure: unknown = await db
      .findUserBy({ email: 'someone@example.com' })
      .catch((error: unknown) => error);
    const ms = Math.round(performance.now() - started);
    client.destroy();
    // assess
    expect(failure).toBeInstanceOf(StoreUnavailable);
    const cause = (failure as StoreUnavailable).cause as {
      name: string;
      $metadata: { attempts: number; totalRetryDelay: number };
    };
    expect(cause.$metadata.attempts).toBe(config.dynamodbMaxAttempts);
    expect(current.requests()).toBe(config.dynamodbMaxAttempts);
    expect(ms).toBeLessThan(ANSWER_BOUND_MS);
    console.log(
      `[reliability] DynamoDB ${what}: ${cause.name} after ${cause.$metadata.attempts} attempts ` +
        `(${cause.$metadata.totalRetryDelay} ms of backoff) in ${ms} ms`,
    );
  });
});
