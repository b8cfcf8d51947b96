import { GetCommand, type GetCommandOutput } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import {
  callsPerRequest,
  CapacityRecorder,
  itemBytes,
  type DynamoCall,
} from '../../bench/capacity';
import { config } from '../support/app';
import { documentClient } from '../support/app';
import { db } from '../support/app';

const recorder = new CapacityRecorder();

describe('CapacityRecorder', () => {
  it('records the calls made while recording, with items and the capacity DynamoDB reports', async () => {
    // act
    let user: { id: string } = { id: '' };
    const calls = await recorder.record(async () => {
      user = await db.addUser('capacity@example.com', 'not-a-hash');
    });
    const lookups = await recorder.record(() => db.findUserBy({ email: 'capacity@example.com' }));

    // assess
    expect(calls).toEqual([
      {
        operation: 'TransactWriteItems',
        itemsRead: 0,
        itemsWritten: 2,
        bytesRead: 0,
        consistent: false,
        // The user's email enters the email index; the guard item has no indexed attribute.
        indexWrites: 1,
        capacityUnits: expect.any(Number) as number,
      },
    ]);
    expect(calls[0]?.capacityUnits).toBeGreaterThan(0);
    expect(lookups.map((c) => [c.operation, c.itemsRead, c.consistent])).toEqual([
      ['Query email-index', 1, false],
      ['GetItem', 1, true],
    ]);
    // The query finds the id and email (KEYS_ONLY); the read finds the whole user.
    const [query, get] = lookups;
    expect(query?.bytesRead).toBe(itemBytes({ id: user.id, email: 'capacity@example.com' }));
    expect(get?.bytesRead).toBeGreaterThan(query?.bytesRead ?? Infinity);
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
      {
        operation: 'GetItem',
        itemsRead: 0,
        itemsWritten: 0,
        bytesRead: 0,
        consistent: true,
        indexWrites: 0,
        capacityUnits: 1,
      },
    ]);
  });
});

describe('itemBytes', () => {
  it('counts names and values as DynamoDB does: UTF-8 strings, numbers by significant digits', () => {
    // 'id' 2 + 'abc' 3; 'n' 1 + 1000 (one significant digit: 1 + 1); 'ok' 2 + true 1
    expect(itemBytes({ id: 'abc', n: 1000, ok: true })).toBe(11);
    // 'x' 1 + 12345 (five digits: 3 + 1); 's' 1 + 'é' 2
    expect(itemBytes({ x: 12345, s: 'é' })).toBe(8);
    // 'm' 1 + map 3 + ('k' 1 + 'v' 1 + 1 per entry)
    expect(itemBytes({ m: { k: 'v' } })).toBe(7);
    expect(() => itemBytes({ list: [] })).toThrow('list');
  });
});

describe('callsPerRequest', () => {
  it('counts repeats in the order first made and marks each read consistent or not', () => {
    const call = (operation: string, consistent = false): DynamoCall => ({
      operation,
      itemsRead: 0,
      itemsWritten: 0,
      bytesRead: 0,
      consistent,
      indexWrites: 0,
      capacityUnits: null,
    });
    const calls = [
      call('Query email-index'),
      call('GetItem', true),
      call('TransactWriteItems'),
      call('GetItem', true),
      call('BatchGetItem', true),
    ];
    expect(callsPerRequest(calls)).toBe(
      'Query email-index(e) ×1, GetItem(c) ×2, TransactWriteItems ×1, BatchGetItem(c) ×1',
    );
    expect(callsPerRequest([])).toBe('none');
  });
});
