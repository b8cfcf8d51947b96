/**
 * What each route asks of DynamoDB: its calls, the items they read and write, and the capacity
 * units DynamoDB reports for them (`ReturnConsumedCapacity: INDEXES`, so GSI writes count too).
 * A middleware added by the benchmark alone to the service's document client; it asks for
 * capacity only while a recording is on, so timed runs send exactly what the service sends.
 */
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

export interface DynamoCall {
  /** e.g. `Query email-index`, `GetItem`, `TransactWriteItems`. */
  operation: string;
  itemsRead: number;
  itemsWritten: number;
  /** Null when DynamoDB did not report capacity for the call. */
  capacityUnits: number | null;
}

interface CallInput {
  IndexName?: string;
  TransactItems?: unknown[];
  ReturnConsumedCapacity?: string;
}

interface CallOutput {
  Item?: unknown;
  Count?: number;
  ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[];
}

function capacityOf(reported: CallOutput['ConsumedCapacity']): number | null {
  if (reported === undefined) return null;
  const all = Array.isArray(reported) ? reported : [reported];
  return all.reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
}

/** Items an operation touches, from its input and output (what it was billed for, not guessed). */
function itemsOf(operation: string, input: CallInput, output: CallOutput) {
  switch (operation) {
    case 'GetItem':
      return { itemsRead: output.Item === undefined ? 0 : 1, itemsWritten: 0 };
    case 'Query':
      return { itemsRead: output.Count ?? 0, itemsWritten: 0 };
    case 'TransactWriteItems':
      return { itemsRead: 0, itemsWritten: input.TransactItems?.length ?? 0 };
    default:
      return { itemsRead: 0, itemsWritten: 1 };
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
