import { GetCommand, type GetCommandOutput } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { CapacityRecorder } from '../../bench/capacity';
import { config } from '../support/app';
import { documentClient } from '../support/app';
import { db } from '../support/app';

const recorder = new CapacityRecorder();

describe('CapacityRecorder', () => {
  it('records the calls made while recording, with items and the capacity DynamoDB reports', async () => {
    // act
    const calls = await recorder.record(() => db.addUser('capacity@example.com', 'not-a-hash'));
    const lookups = await recorder.record(() => db.findUserBy({ email: 'capacity@example.com' }));

    // assess
    expect(calls).toEqual([
      {
        operation: 'TransactWriteItems',
        itemsRead: 0,
        itemsWritten: 2,
        capacityUnits: expect.any(Number) as number,
      },
    ]);
    expect(calls[0]?.capacityUnits).toBeGreaterThan(0);
    expect(lookups.map((c) => [c.operation, c.itemsRead])).toEqual([
      ['Query email-index', 1],
      ['GetItem', 1],
    ]);
  });

  it('asks DynamoDB for capacity only while recording, so timed calls are left as they are', async () => {
    // prepare
    const get = () =>
      documentClient.send(
        new GetCommand({
          TableName: config.usersTable,
          Key: { id: 'absent' },
          ConsistentRead: true,
        }),
      );
    let inside: GetCommandOutput | undefined;

    // act
    const outside = await get();
    const calls = await recorder.record(async () => {
      inside = await get();
    });

    // assess
    expect(outside.ConsumedCapacity).toBeUndefined();
    expect(inside?.ConsumedCapacity).toBeDefined();
    expect(calls).toEqual([
      { operation: 'GetItem', itemsRead: 0, itemsWritten: 0, capacityUnits: 1 },
    ]);
  });
});
