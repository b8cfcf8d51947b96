/**
 * What each route asks of DynamoDB: its calls, the items they read and write (with the bytes read,
 * from which bench/cost.ts rounds read units), and the capacity units DynamoDB reports for them
 * (`ReturnConsumedCapacity: INDEXES`, so GSI writes count too).
 * A middleware added by the benchmark alone to the service's document client; it asks for
 * capacity only while a recording is on, so timed runs send exactly what the service sends.
 */
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { isIndexedAttribute } from '../lib/store/table';

export interface DynamoCall {
  /** e.g. `Query email-index`, `GetItem`, `TransactWriteItems`. */
  operation: string;
  itemsRead: number;
  itemsWritten: number;
  /** The size of the items read, as DynamoDB counts it (see itemBytes). */
  bytesRead: number;
  consistent: boolean;
  /**
   * Writes to GSIs, before a transaction's doubling: as DynamoDB reports them for a single-item
   * write (which index entries an update replaces depends on the item before it); for a
   * transaction, one per indexed attribute of a put item, counted from the input, so that the
   * doubling is applied once, in bench/cost.ts, and checked against what DynamoDB reports.
   */
  indexWrites: number;
  /** Null when DynamoDB did not report capacity for the call. */
  capacityUnits: number | null;
}

type Item = Record<string, unknown>;

interface CallInput {
  IndexName?: string;
  ConsistentRead?: boolean;
  TransactItems?: { Put?: { Item?: Item } }[];
  RequestItems?: Record<string, { ConsistentRead?: boolean }>;
  ReturnConsumedCapacity?: string;
}

interface CallOutput {
  Item?: Item;
  Items?: Item[];
  Count?: number;
  Responses?: Record<string, Item[]>;
  ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[];
}

/**
 * An item's size as DynamoDB bills it: each attribute's name plus its value, a string by its UTF-8
 * length, a number by about one byte per two significant digits (zeros at either end trimmed)
 * plus one, a boolean or null one byte, a map (a user's sessions) 3 bytes plus each entry's name
 * and value plus 1 byte per entry. Anything else (sets, lists, binary) the users table never holds.
 */
export function itemBytes(item: Item): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(item))
    bytes += Buffer.byteLength(name) + valueBytes(name, value);
  return bytes;
}

function valueBytes(name: string, value: unknown): number {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number') {
    const digits = String(Math.abs(value))
      .replace(/e.*$|\./giu, '')
      .replace(/^0+|0+$/gu, '');
    return Math.ceil(digits.length / 2) + 1;
  }
  if (typeof value === 'boolean' || value === null) return 1;
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    const map = value as Item;
    return 3 + itemBytes(map) + Object.keys(map).length;
  }
  throw new Error(`itemBytes: attribute ${name} is neither a string, a number nor a map`);
}

function reportedIndexWrites(reported: CallOutput['ConsumedCapacity']): number {
  const all = reported === undefined ? [] : Array.isArray(reported) ? reported : [reported];
  return all
    .flatMap((c) => Object.values(c.GlobalSecondaryIndexes ?? {}))
    .reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
}

function capacityOf(reported: CallOutput['ConsumedCapacity']): number | null {
  if (reported === undefined) return null;
  const all = Array.isArray(reported) ? reported : [reported];
  return all.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
}

/** Whether a read asked for consistency: a batch's, of every table it reads. */
function isConsistent(input: CallInput): boolean {
  const tables = Object.values(input.RequestItems ?? {});
  if (tables.length > 0) return tables.every((t) => t.ConsistentRead === true);
  return input.ConsistentRead === true;
}

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan']);

/**
 * A request's calls in the order first made, repeats counted, each read marked consistent (c)
 * or eventually consistent (e): e.g. `GetItem(c) ×2, TransactWriteItems ×1`.
 */
export function callsPerRequest(calls: readonly DynamoCall[]): string {
  const counts = new Map<string, number>();
  for (const c of calls) {
    const read = READS.has(c.operation.split(' ')[0] ?? '');
    const name = read ? `${c.operation}(${c.consistent ? 'c' : 'e'})` : c.operation;
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].map(([name, n]) => `${name} ×${n}`).join(', ') || 'none';
}

/** Items an operation touches, from its input and output (what it was billed for, not guessed). */
function itemsOf(operation: string, input: CallInput, output: CallOutput) {
  const none = { itemsRead: 0, itemsWritten: 0, bytesRead: 0, indexWrites: 0 };
  switch (operation) {
    case 'GetItem':
      return {
        ...none,
        itemsRead: output.Item === undefined ? 0 : 1,
        bytesRead: output.Item === undefined ? 0 : itemBytes(output.Item),
      };
    case 'Query': {
      const items = output.Items ?? [];
      return {
        ...none,
        itemsRead: output.Count ?? 0,
        bytesRead: items.reduce((sum, item) => sum + itemBytes(item), 0),
      };
    }
    case 'BatchGetItem': {
      const items = Object.values(output.Responses ?? {}).flat();
      return {
        ...none,
        itemsRead: items.length,
        bytesRead: items.reduce((sum, item) => sum + itemBytes(item), 0),
      };
    }
    case 'TransactWriteItems': {
      const puts = (input.TransactItems ?? []).flatMap((t) => (t.Put?.Item ? [t.Put.Item] : []));
      return {
        ...none,
        itemsWritten: input.TransactItems?.length ?? 0,
        indexWrites: puts.flatMap((item) => Object.keys(item).filter(isIndexedAttribute)).length,
      };
    }
    default:
      return {
        ...none,
        itemsWritten: 1,
        indexWrites: reportedIndexWrites(output.ConsumedCapacity),
      };
  }
}

export class CapacityRecorder {
  private calls: DynamoCall[] | undefined;

  /**
   * Records through every document client of this process, whichever module created it: each
   * composed handler builds its own client at cold start. The recording middleware is added to a
   * client the first time it sends.
   */
  constructor() {
    const instrumented = new WeakSet<DynamoDBDocumentClient>();
    const send = Reflect.get(DynamoDBDocumentClient.prototype, 'send') as (
      ...args: unknown[]
    ) => unknown;
    const addTo = (client: DynamoDBDocumentClient) => {
      instrumented.add(client);
      this.instrument(client);
    };
    Object.defineProperty(DynamoDBDocumentClient.prototype, 'send', {
      configurable: true,
      writable: true,
      value: function (this: DynamoDBDocumentClient, ...args: unknown[]): unknown {
        if (!instrumented.has(this)) addTo(this);
        return Reflect.apply(send, this, args);
      },
    });
  }

  private instrument(client: DynamoDBDocumentClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const calls = this.calls;
        if (calls === undefined) return next(args);
        const input = args.input as CallInput;
        input.ReturnConsumedCapacity = 'INDEXES';
        const result = await next(args);
        const output = result.output as CallOutput;
        const operation = context.commandName?.replace(/Command$/u, '') ?? 'unknown';
        calls.push({
          operation: input.IndexName === undefined ? operation : `${operation} ${input.IndexName}`,
          ...itemsOf(operation, input, output),
          consistent: isConsistent(input),
          capacityUnits: capacityOf(output.ConsumedCapacity),
        });
        return result;
      },
      { step: 'initialize', name: 'benchCapacityRecorder' },
    );
  }

  /** The DynamoDB calls `work` makes. */
  async record(work: () => Promise<unknown>): Promise<DynamoCall[]> {
    const calls: DynamoCall[] = [];
    this.calls = calls;
    try {
      await work();
    } finally {
      this.calls = undefined;
    }
    return calls;
  }
}
