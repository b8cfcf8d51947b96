import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { DynamoCall } from '../../bench/capacity';
import {
  chooseMemory,
  durationMs,
  gbSeconds,
  monthAt,
  affordableRps,
  AFFORDABLE_MONTH_DOLLARS,
  pricePerMillion,
  readUnits,
  throttleRates,
  unitsOf,
  writeUnits,
} from '../../bench/cost';

function call(operation: string, fields: Partial<DynamoCall> = {}): DynamoCall {
  return {
    operation,
    itemsRead: 0,
    itemsWritten: 0,
    bytesRead: 0,
    consistent: false,
    indexWrites: 0,
    capacityUnits: null,
    ...fields,
  };
}

describe('capacity units', () => {
  it('round reads up per 4 KB, at least one unit, half when eventually consistent', () => {
    expect(readUnits(0, true)).toBe(1);
    expect(readUnits(4096, true)).toBe(1);
    expect(readUnits(4097, true)).toBe(2);
    expect(readUnits(91, false)).toBe(0.5);
    expect(readUnits(9000, false)).toBe(1.5);
  });

  it('round writes up per 1 KB, at least one unit, twice in a transaction', () => {
    expect(writeUnits(0, false)).toBe(1);
    expect(writeUnits(1024, false)).toBe(1);
    expect(writeUnits(1025, false)).toBe(2);
    expect(writeUnits(200, true)).toBe(2);
  });

  it('bill a call by its operation: consistent gets, GSI queries, writes with their index writes', () => {
    // prepare
    const get = call('GetItem', { itemsRead: 1, bytesRead: 265, consistent: true });
    const miss = call('GetItem', { consistent: true });
    const query = call('Query session_id-index', { itemsRead: 1, bytesRead: 91 });
    // A session replaced: the item, and on the index the old entry's delete and the new one's put.
    const update = call('UpdateItem', { itemsWritten: 1, indexWrites: 2 });
    // A user and its email guard item, the user's email entering the email index.
    const transaction = call('TransactWriteItems', { itemsWritten: 2, indexWrites: 1 });
    // Two session items read in one batch: each billed on its own.
    const batch = call('BatchGetItem', { itemsRead: 2, bytesRead: 600, consistent: true });

    // act, assess
    expect(unitsOf(get)).toEqual({ read: 1, write: 0 });
    expect(unitsOf(miss)).toEqual({ read: 1, write: 0 });
    expect(unitsOf(query)).toEqual({ read: 0.5, write: 0 });
    expect(unitsOf(update)).toEqual({ read: 0, write: 3 });
    expect(unitsOf(transaction)).toEqual({ read: 0, write: 6 });
    expect(unitsOf(batch)).toEqual({ read: 2, write: 0 });
  });
});

describe('the duration model', () => {
  it('stretches CPU time below a full vCPU (1769 MB) only, adds the waits, bills whole ms', () => {
    expect(durationMs(400, 15, 1769)).toBe(415);
    expect(durationMs(400, 15, 3008)).toBe(415);
    // 400 × 1769 / 1024 = 691.02, + 15
    expect(durationMs(400, 15, 1024)).toBe(707);
    // 10 × 1769 / 128 = 138.20, + 10
    expect(durationMs(10, 10, 128)).toBe(149);
    expect(durationMs(0.1, 0, 1769)).toBe(1);
  });

  it('counts GB-seconds as memory in GB times billed seconds', () => {
    expect(gbSeconds(1024, 1000)).toBe(1);
    expect(gbSeconds(512, 250)).toBe(0.125);
  });
});

describe('the price of a million requests', () => {
  it('adds Lambda GB-s and requests, DynamoDB units and the HTTP API request', () => {
    // 1 GB-s × 1e6 × $0.0000133334 + $0.20 + 1 RRU × $0.125 + 2 WRU × $0.625 + $1.00
    const cost = { memoryMb: 1024, billedMs: 1000, units: { read: 1, write: 2 }, httpApi: true };
    expect(pricePerMillion(cost)).toBeCloseTo(15.9084, 10);
    // The authorizer's invocation is no HTTP API request of its own.
    expect(pricePerMillion({ ...cost, httpApi: false })).toBeCloseTo(14.9084, 10);
  });

  it('of a month at a route throttle: 30 days of requests at its rate', () => {
    expect(monthAt(100, 1)).toBeCloseTo(259.2, 10);
    expect(monthAt(10, 13.7)).toBeCloseTo(355.104, 10);
  });

  it('of the ceiling a team affords: the requests a second that $1,000 a month pays for', () => {
    expect(AFFORDABLE_MONTH_DOLLARS).toBe(1000);
    // 1000 / (2.592 M requests a month per request a second × $15 per million) = 25.7
    expect(affordableRps(15)).toBe(25);
    expect(affordableRps(3.5)).toBe(110);
    expect(monthAt(affordableRps(15), 15)).toBeLessThanOrEqual(AFFORDABLE_MONTH_DOLLARS);
  });

  it("reads the throttle rates from serverless.yml's custom.throttling", () => {
    const yml = 'custom:\n  throttling:\n    rate: 100\n    burst: 200\n    credentialRate: 10\n';
    expect(throttleRates(yml)).toEqual({ default: 100, credential: 10 });
    expect(() => throttleRates('custom:\n  throttling:\n    rate: 100\n')).toThrow(
      'custom.throttling.credentialRate',
    );
    const service = readFileSync(join(__dirname, '..', '..', 'serverless.yml'), 'utf8');
    expect(throttleRates(service).credential).toBeLessThan(throttleRates(service).default);
  });
});

describe('the choosing rule', () => {
  it('gives a bcrypt route a full vCPU: a smaller size adds hundreds of ms, a larger one only cost', () => {
    // 415 ms at 1769 MB; 1024 MB takes 707 ms, over the 10 % allowance (456 ms).
    const choice = chooseMemory(400, 15);
    expect(choice.memoryMb).toBe(1769);
    expect(choice.reason).toContain('1024 MB would take 707 ms');
  });

  it('gives a route that mostly waits the cheapest size within 10 ms of a full vCPU', () => {
    // 20 ms at 1769 MB, 28 ms at 1024 (within 30), 45 ms at 512.
    expect(chooseMemory(10, 10)).toEqual({
      memoryMb: 1024,
      reason: '+8 ms over a full vCPU (≤ +10 ms); 512 MB would take 45 ms',
    });
  });

  it('gives a route with next to no work the smallest size', () => {
    expect(chooseMemory(0.1, 0).memoryMb).toBe(128);
  });
});
