/**
 * A DynamoDB endpoint whose global secondary indexes lag behind the table, as they do on AWS:
 * an HTTP proxy in front of DynamoDB Local (which never lags) for tests that run the service in
 * process (`DYNAMODB_ENDPOINT: proxy.endpoint`) or as `npm start` (tests/support/local-service.ts).
 *
 * An index Query answers as the index stood `lagMs` ago for every item written through the proxy
 * in the last `lagMs`: an entry written since is missing, and (with `stale`, the default) an
 * entry removed or changed since is still served with its old value. AWS does both: a GSI is
 * updated asynchronously, "within a fraction of a second" normally, longer when something fails.
 * Everything else passes through byte for byte, base-table reads included: a consistent read is
 * never stale on AWS, and the service reads the table only consistently (an eventually
 * consistent GetItem also passes through unchanged, so it is never stale here).
 *
 * To know what an index held, every write's items are read (consistently) just before and just
 * after it is forwarded. Writes to one item racing through the proxy may be recorded in the order
 * their reads saw them rather than the order they were applied.
 */
import { createServer, request, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { crc32 } from 'node:zlib';

/**
 * The lag the flows that matter most are tested under (issue 18): well past AWS's "fraction of a
 * second under normal conditions", so that nothing a login, profile, logout or reset reads right
 * after its write may depend on an index having caught up.
 */
export const AWS_LIKE_LAG_MS = 1000;

export interface LaggingDynamoDbOptions {
  /** The real endpoint, e.g. DynamoDB Local's. */
  target: string;
  /** How long an index entry takes to appear, and a removed one to go. */
  lagMs?: number;
  /** Whether removed or changed entries are still served during the lag. */
  stale?: boolean;
}

/** One request the proxy received (not its own reads). */
export interface DynamoDbCall {
  operation: string;
  indexName?: string;
  /** For reads: whether it asked for a consistent read. */
  consistent?: boolean;
}

export interface LaggingDynamoDb {
  endpoint: string;
  calls(): DynamoDbCall[];
  resetCalls(): void;
  stop(): Promise<void>;
}

/** An attribute value as the wire carries it ({"S": "..."}), and an item of them. */
type Value = Record<string, unknown>;
type Item = Record<string, Value>;
type Body = Record<string, unknown>;

interface Answer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

interface IndexShape {
  /** Hash key first, then the range key if any. */
  keys: string[];
  projection: string;
}

interface TableShape {
  keys: string[];
  indexes: Map<string, IndexShape>;
}

/** An item's index entry over time: what it was before the recorded changes, and each change. */
interface History {
  key: Item;
  before: Item | undefined;
  changes: { entry: Item | undefined; at: number }[];
}

/** A request the proxy cannot make lag faithfully: answered with a 500 that says why. */
class Unsupported extends Error {}

const WRITES = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'TransactWriteItems',
  'BatchWriteItem',
]);
// PartiQL writes would bypass the write tracking, and its reads could name an index.
const PARTIQL = new Set(['ExecuteStatement', 'BatchExecuteStatement', 'ExecuteTransaction']);
/** What lib/store/db.ts sends in an index Query; anything more is refused. */
const QUERY_FIELDS = new Set([
  'TableName',
  'IndexName',
  'KeyConditionExpression',
  'ExpressionAttributeNames',
  'ExpressionAttributeValues',
]);
/** `#k = :v` (or `k = :v`): the one key condition lib/store/db.ts sends. */
const EQUALITY = /^\s*(#?[\w.-]+)\s*=\s*(:[\w.-]+)\s*$/u;
// The response headers that describe the body, rewritten with a changed body.
const BODY_HEADERS = ['content-length', 'x-amz-crc32', 'transfer-encoding'];

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

function pick(item: Item | undefined, names: readonly string[]): Item | undefined {
  if (item === undefined || names.some((name) => item[name] === undefined)) return undefined;
  return Object.fromEntries(names.map((name) => [name, item[name] as Value]));
}

function readBody(message: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    message.on('data', (chunk: Buffer) => chunks.push(chunk));
    message.on('end', () => {
      resolve(Buffer.concat(chunks));
    });
    message.on('error', reject);
  });
}

/** A request's JSON body; {} when it is not JSON, which DynamoDB then refuses itself. */
function parsed(raw: Buffer): Body {
  try {
    const body: unknown = JSON.parse(raw.toString('utf8'));
    return typeof body === 'object' && body !== null ? (body as Body) : {};
  } catch {
    return {};
  }
}

function describeCall(operation: string, body: Body): DynamoDbCall {
  const call: DynamoDbCall = { operation };
  if (typeof body.IndexName === 'string') call.indexName = body.IndexName;
  if (['GetItem', 'Query', 'Scan'].includes(operation)) {
    call.consistent = body.ConsistentRead === true;
  } else if (operation === 'BatchGetItem') {
    const tables = Object.values((body.RequestItems ?? {}) as Record<string, Body>);
    call.consistent = tables.every((table) => table.ConsistentRead === true);
  } else if (operation === 'TransactGetItems') {
    call.consistent = true;
  }
  return call;
}

/** The items a write names, as (table, item or key): a Put names its item, the others a key. */
function writtenItems(operation: string, body: Body): { table: string; item: Item }[] {
  const one = (request: Body) => ({
    table: request.TableName as string,
    item: (request.Item ?? request.Key) as Item,
  });
  if (operation === 'TransactWriteItems') {
    return (body.TransactItems as Record<string, Body>[]).flatMap((action) => {
      const write = action.Put ?? action.Update ?? action.Delete;
      return write === undefined ? [] : [one(write)];
    });
  }
  if (operation === 'BatchWriteItem') {
    return Object.entries(body.RequestItems as Record<string, Record<string, Body>[]>).flatMap(
      ([table, requests]) =>
        requests.map((r) => ({
          table,
          item: (r.PutRequest?.Item ?? r.DeleteRequest?.Key) as Item,
        })),
    );
  }
  return [one(body)];
}

export async function startLaggingDynamoDb(
  options: LaggingDynamoDbOptions,
): Promise<LaggingDynamoDb> {
  const target = new URL(options.target);
  const lagMs = options.lagMs ?? 1000;
  const stale = options.stale ?? true;
  const calls: DynamoDbCall[] = [];
  const shapes = new Map<string, Promise<TableShape>>();
  /** [table, index] (JSON) → an item's key (JSON) → its recent history. */
  const histories = new Map<string, Map<string, History>>();
  /** Writes not yet recorded: an index Query waits for them, as if it had come a moment later. */
  const pending = new Set<Promise<unknown>>();

  function forward(headers: IncomingHttpHeaders, body: Buffer): Promise<Answer> {
    return new Promise((resolve, reject) => {
      const upstream = request(
        { hostname: target.hostname, port: target.port, method: 'POST', path: '/', headers },
        (response) => {
          readBody(response)
            .then((answer) => {
              resolve({
                status: response.statusCode ?? 500,
                headers: response.headers,
                body: answer,
              });
            })
            .catch(reject);
        },
      );
      upstream.on('error', reject);
      upstream.end(body);
    });
  }

  /**
   * The proxy's own call to the real endpoint. It carries the client's Authorization header:
   * without -sharedDb, DynamoDB Local keeps tables apart per access key and region.
   */
  async function call(operation: string, body: Body, client: IncomingHttpHeaders): Promise<Body> {
    const headers: IncomingHttpHeaders = {
      'content-type': 'application/x-amz-json-1.0',
      'x-amz-target': `DynamoDB_20120810.${operation}`,
      ...(client.authorization !== undefined && { authorization: client.authorization }),
    };
    const answer = await forward(headers, Buffer.from(JSON.stringify(body)));
    if (answer.status !== 200) throw new Error(`${operation}: ${answer.body.toString('utf8')}`);
    return JSON.parse(answer.body.toString('utf8')) as Body;
  }

  function shapeOf(table: string, client: IncomingHttpHeaders): Promise<TableShape> {
    let shape = shapes.get(table);
    if (shape === undefined) {
      shape = call('DescribeTable', { TableName: table }, client).then(({ Table }) => {
        const description = Table as {
          KeySchema: { AttributeName: string }[];
          GlobalSecondaryIndexes?: {
            IndexName: string;
            KeySchema: { AttributeName: string }[];
            Projection: { ProjectionType: string };
          }[];
        };
        const names = (schema: { AttributeName: string }[]) => schema.map((k) => k.AttributeName);
        return {
          keys: names(description.KeySchema),
          indexes: new Map(
            (description.GlobalSecondaryIndexes ?? []).map((index) => [
              index.IndexName,
              { keys: names(index.KeySchema), projection: index.Projection.ProjectionType },
            ]),
          ),
        };
      });
      // A table described before it exists is described again next time.
      shape.catch(() => shapes.delete(table));
      shapes.set(table, shape);
    }
    return shape;
  }

  function historiesOf(table: string, index: string): Map<string, History> {
    const name = JSON.stringify([table, index]);
    const byIndex = histories.get(name) ?? new Map<string, History>();
    histories.set(name, byIndex);
    return byIndex;
  }

  /** The entry an item had at `time` (undefined: none, the item was not in the index). */
  function entryAt(history: History, time: number): Item | undefined {
    const change = history.changes.findLast((c) => c.at <= time);
    return change === undefined ? history.before : change.entry;
  }

  /** Forgets what the index has caught up with by now: the changes made before `then`. */
  function prune(byIndex: Map<string, History>, then: number): void {
    for (const [key, history] of byIndex) {
      const settled = history.changes.filter((change) => change.at <= then);
      if (settled.length === 0) continue;
      history.before = settled.at(-1)?.entry;
      history.changes = history.changes.slice(settled.length);
      if (history.changes.length === 0) byIndex.delete(key);
    }
  }

  async function write(operation: string, headers: IncomingHttpHeaders, raw: Buffer, body: Body) {
    const read = async (table: string, key: Item) =>
      (await call('GetItem', { TableName: table, Key: key, ConsistentRead: true }, headers))
        .Item as Item | undefined;
    let items;
    try {
      items = await Promise.all(
        writtenItems(operation, body).map(async ({ table, item }) => {
          const shape = await shapeOf(table, headers);
          const key = pick(item, shape.keys);
          if (key === undefined) throw new Error(`${operation} without the key of ${table}`);
          return { table, shape, key, before: await read(table, key) };
        }),
      );
    } catch (error) {
      // A write that cannot be read around (no such table, no key) is one DynamoDB refuses: its
      // answer is passed on. Had it been applied, it would be missing from the indexes' history.
      const answer = await forward(headers, raw);
      if (answer.status === 200) throw error;
      return answer;
    }
    const answer = await forward(headers, raw);
    const at = Date.now();
    for (const { table, shape, key, before } of items) {
      const after = await read(table, key);
      for (const [index, { keys }] of shape.indexes) {
        const [was, is] = [pick(before, keys), pick(after, keys)];
        const byIndex = historiesOf(table, index);
        const id = JSON.stringify(key);
        const history = byIndex.get(id) ?? { key, before: was, changes: [] };
        if (same(entryAt(history, at), is)) continue;
        history.changes.push({ entry: is, at });
        byIndex.set(id, history);
      }
    }
    return answer;
  }

  /** The index's key attribute that a Query's `#k = :v` names, and the value it asks for. */
  function equality(body: Body, indexName: string, index: IndexShape): [string, Value] {
    const extra = Object.keys(body).filter((field) => !QUERY_FIELDS.has(field));
    const condition = String(body.KeyConditionExpression);
    const [, name = '', placeholder = ''] = EQUALITY.exec(condition) ?? [];
    const names = (body.ExpressionAttributeNames ?? {}) as Record<string, string>;
    const attribute = name.startsWith('#') ? names[name] : name;
    const wanted = ((body.ExpressionAttributeValues ?? {}) as Item)[placeholder];
    if (extra.length > 0 || attribute === undefined || attribute !== index.keys[0] || !wanted) {
      throw new Unsupported(
        `Query ${indexName}: only "#k = :v" on its hash key ${index.keys[0]} is served, ` +
          `not "${condition}"${extra.length > 0 ? ` with ${extra.join(', ')}` : ''}`,
      );
    }
    return [attribute, wanted];
  }

  /** An index Query, answered as the index stood `lagMs` ago. */
  async function query(headers: IncomingHttpHeaders, raw: Buffer, body: Body): Promise<Answer> {
    const table = body.TableName as string;
    const indexName = body.IndexName as string;
    const shape = await shapeOf(table, headers);
    const index = shape.indexes.get(indexName);
    if (index === undefined) throw new Unsupported(`${table} has no index ${indexName}`);
    // A stale entry is rebuilt from keys: other projections would need the old item's attributes.
    if (index.projection !== 'KEYS_ONLY') {
      throw new Unsupported(`${indexName} projects ${index.projection}: only KEYS_ONLY is served`);
    }
    const [attribute, wanted] = equality(body, indexName, index);

    await Promise.allSettled([...pending]);
    const answer = await forward(headers, raw);
    if (answer.status !== 200) return answer;
    if (answer.headers['content-encoding'] !== undefined) {
      throw new Unsupported(`Query answers encoded as ${answer.headers['content-encoding']}`);
    }
    const then = Date.now() - lagMs;
    const byIndex = historiesOf(table, indexName);
    prune(byIndex, then);
    const shown = (history: History) => same(entryAt(history, then)?.[attribute], wanted);
    const result = JSON.parse(answer.body.toString('utf8')) as Body & { Items: Item[] };
    const returned = new Set<string>();
    const kept = result.Items.filter((item) => {
      const id = JSON.stringify(pick(item, shape.keys));
      returned.add(id);
      const history = byIndex.get(id);
      return history === undefined || shown(history);
    });
    const staleItems = [...byIndex]
      .filter(([id, history]) => stale && !returned.has(id) && shown(history))
      .map(([, history]) => ({ ...history.key, ...entryAt(history, then) }));
    if (kept.length === result.Items.length && staleItems.length === 0) return answer;

    const Items = [...kept, ...staleItems];
    const changed = Buffer.from(
      JSON.stringify({ ...result, Items, Count: Items.length, ScannedCount: Items.length }),
    );
    const passed = Object.entries(answer.headers).filter(
      ([header]) => !BODY_HEADERS.includes(header),
    );
    return {
      status: 200,
      headers: {
        ...Object.fromEntries(passed),
        'content-length': String(changed.length),
        // The SDK may check the body against it.
        'x-amz-crc32': String(crc32(changed)),
      },
      body: changed,
    };
  }

  async function handle(message: IncomingMessage): Promise<Answer> {
    const raw = await readBody(message);
    const operation = String(message.headers['x-amz-target']).split('.').at(-1) ?? '';
    const body = parsed(raw);
    calls.push(describeCall(operation, body));
    if (PARTIQL.has(operation)) throw new Unsupported(`${operation}: PartiQL is not tracked`);
    if (operation === 'Scan' && body.IndexName !== undefined) {
      throw new Unsupported('Scan of an index: only Query lags');
    }
    if (operation === 'Query' && body.IndexName !== undefined) {
      return query(message.headers, raw, body);
    }
    if (!WRITES.has(operation)) return forward(message.headers, raw);
    const written = write(operation, message.headers, raw, body);
    pending.add(written);
    try {
      return await written;
    } finally {
      pending.delete(written);
    }
  }

  const server = createServer((message, response) => {
    handle(message)
      .then(({ status, headers, body }) => {
        response.writeHead(status, headers).end(body);
      })
      .catch((error: unknown) => {
        const reason = error instanceof Error ? error.message : String(error);
        console.error(`lagging DynamoDB proxy: ${reason}`);
        const type = error instanceof Unsupported ? 'Unsupported' : 'ProxyError';
        response
          .writeHead(500, { 'content-type': 'application/x-amz-json-1.0' })
          .end(JSON.stringify({ __type: `LaggingDynamoDb#${type}`, message: reason }));
      });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    calls: () => [...calls],
    resetCalls: () => {
      calls.length = 0;
    },
    stop: () =>
      new Promise((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
