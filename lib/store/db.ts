import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { v4 as uuidv4 } from 'uuid';
import { classifyAwsError, isCancelledFor } from '../platform/aws-errors';
import {
  ConflictError,
  DuplicateEmailError,
  InvalidRequestError,
  NoResultFound,
  StoreUnavailable,
  ValueError,
} from './errors';
import { emailGuardId, INDEX_BY_ATTRIBUTE, isIndexedAttribute } from './table';
import { isUserAttribute, type User, type UserAttribute } from './user';

export type UserFilters = Partial<User>;
export type UserChanges = Partial<Omit<User, 'id'>>;

// Attributes every user item has: removing them would corrupt the user.
const REQUIRED: ReadonlySet<UserAttribute> = new Set(['id', 'email', 'hashed_password']);

// How often a transaction cancelled by a conflict with another one is sent. Two registrations of
// one email racing on AWS conflict on the guard item; sent again, the loser meets the winner's
// guard and gets DuplicateEmailError instead of StoreUnavailable.
const TRANSACTION_ATTEMPTS = 3;
const CONFLICT = new Set(['TransactionConflict']);
const CONDITION_FAILED = new Set(['ConditionalCheckFailed']);

// Which lookup findUserBy prefers when several filters are given: the table key, then the GSIs.
const LOOKUP_ORDER: readonly UserAttribute[] = ['id', 'email', 'session_id', 'reset_token'];

/**
 * Awaits a DynamoDB call. A failed condition is left for the caller to interpret; an outage,
 * timeout or throttle becomes StoreUnavailable.
 */
async function storeCall<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw error;
    if (isCancelledFor(error, CONDITION_FAILED)) throw error;
    throw classifyAwsError(error, StoreUnavailable);
  }
}

function conditionFailedAt(error: unknown, index: number): boolean {
  return (
    error instanceof TransactionCanceledException &&
    error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed'
  );
}

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/** Null attributes are left out of the item: GSI keys must be strings or absent. */
function toItem(user: User): Record<string, unknown> {
  return Object.fromEntries(Object.entries(user).filter(([, value]) => value !== null));
}

function fromItem(item: Record<string, unknown> | undefined): User | null {
  // Email guard items share the table; only user items have an email and a hash.
  if (!item || !isNonEmptyString(item.email) || !isNonEmptyString(item.hashed_password)) {
    return null;
  }
  return {
    id: item.id as string,
    email: item.email,
    hashed_password: item.hashed_password,
    session_id: (item.session_id as string | undefined) ?? null,
    reset_token: (item.reset_token as string | undefined) ?? null,
    session_expires_at: (item.session_expires_at as number | undefined) ?? null,
    reset_expires_at: (item.reset_expires_at as number | undefined) ?? null,
    failed_logins: typeof item.failed_logins === 'number' ? item.failed_logins : 0,
    locked_until: (item.locked_until as number | undefined) ?? null,
  };
}

function matches(user: User, filters: UserFilters): boolean {
  return Object.entries(filters).every(([name, value]) => user[name as UserAttribute] === value);
}

/** Builds `SET`/`REMOVE` clauses and the condition of an update, with placeholders. */
function updateExpression(changes: UserChanges, expected: UserFilters) {
  const names: Record<string, string> = {};
  const values: Record<string, unknown> = {};
  const set: string[] = [];
  const remove: string[] = [];
  const conditions = ['attribute_exists(#email)'];
  names['#email'] = 'email';
  Object.entries(changes).forEach(([name, value], i) => {
    names[`#c${i}`] = name;
    if (value === null) {
      remove.push(`#c${i}`);
    } else {
      values[`:c${i}`] = value;
      set.push(`#c${i} = :c${i}`);
    }
  });
  Object.entries(expected).forEach(([name, value], i) => {
    names[`#e${i}`] = name;
    if (value === null) {
      conditions.push(`attribute_not_exists(#e${i})`);
    } else {
      values[`:e${i}`] = value;
      conditions.push(`#e${i} = :e${i}`);
    }
  });
  const clauses = [
    set.length > 0 ? `SET ${set.join(', ')}` : '',
    remove.length > 0 ? `REMOVE ${remove.join(', ')}` : '',
  ];
  return {
    UpdateExpression: clauses.filter(Boolean).join(' '),
    ConditionExpression: conditions.join(' AND '),
    ExpressionAttributeNames: names,
    ...(Object.keys(values).length > 0 && { ExpressionAttributeValues: values }),
  };
}

function checkAttributes(fields: object, role: string): void {
  for (const name of Object.keys(fields)) {
    if (!isUserAttribute(name)) throw new ValueError(`User has no attribute "${name}"`);
    if (name === 'id') throw new ValueError(`id cannot be ${role}`);
  }
}

/** The user store: the seed's DB class over one DynamoDB table. It never scans. */
export class DB {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient,
  ) {}

  /** Creates a user; throws DuplicateEmailError when the email is taken, even under a race. */
  async addUser(email: string, hashedPassword: string): Promise<User> {
    const user: User = {
      id: uuidv4(),
      email,
      hashed_password: hashedPassword,
      session_id: null,
      reset_token: null,
      session_expires_at: null,
      reset_expires_at: null,
      failed_logins: 0,
      locked_until: null,
    };
    const put = new TransactWriteCommand({
      TransactItems: [
        {
          Put: {
            TableName: this.tableName,
            Item: toItem(user),
            ConditionExpression: 'attribute_not_exists(id)',
          },
        },
        {
          Put: {
            TableName: this.tableName,
            Item: { id: emailGuardId(email), user_id: user.id },
            ConditionExpression: 'attribute_not_exists(id)',
          },
        },
      ],
    });
    try {
      await storeCall(this.transact(put));
    } catch (error) {
      if (conditionFailedAt(error, 1)) throw new DuplicateEmailError(`email already registered`);
      throw error;
    }
    return user;
  }

  /**
   * Whether a user has this (normalised) email, from a consistent read of its guard item: the
   * source of truth for uniqueness, current even while the email index lags behind.
   */
  async isEmailTaken(email: string): Promise<boolean> {
    return (await this.getItem(emailGuardId(email))) !== undefined;
  }

  /**
   * The first user matching every filter. The lookup goes through the table key (`id`) or a GSI
   * (`email`, `session_id`, `reset_token`), and each candidate is confirmed by a consistent read.
   */
  async findUserBy(filters: UserFilters): Promise<User> {
    const names = Object.keys(filters);
    if (names.length === 0) throw new InvalidRequestError('findUserBy needs at least one filter');
    for (const name of names) {
      if (!isUserAttribute(name)) throw new InvalidRequestError(`User has no attribute "${name}"`);
    }
    for (const id of await this.candidateIds(filters)) {
      const user = await this.getUser(id);
      if (user && matches(user, filters)) return user;
    }
    throw new NoResultFound('no user matches the filters');
  }

  /**
   * Changes attributes of a user; `null` removes one. With `expected`, the update happens only if
   * the stored user still has those values (null: the attribute is absent), else ConflictError.
   */
  async updateUser(
    userId: string,
    changes: UserChanges,
    expected: UserFilters = {},
  ): Promise<void> {
    checkAttributes(changes, 'changed');
    checkAttributes(expected, 'a condition');
    for (const [name, value] of Object.entries(changes)) {
      if (value === null && REQUIRED.has(name as UserAttribute)) {
        throw new ValueError(`${name} cannot be removed`);
      }
    }
    if (Object.keys(changes).length === 0) return;
    if (changes.email !== undefined) {
      await this.changeEmail(userId, changes, expected);
      return;
    }
    const update = new UpdateCommand({
      TableName: this.tableName,
      Key: { id: userId },
      ...updateExpression(changes, expected),
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    try {
      await storeCall(this.client.send(update));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      // The item comes back marshalled ({ email: { S: … } }): its presence is what tells.
      if (error.Item?.email === undefined) throw new NoResultFound(`no user with id ${userId}`);
      throw new ConflictError('the user changed since it was read');
    }
  }

  /**
   * Atomically adds one to the user's failed-login count and returns the new count, only while
   * the user's hash is still `checkedHash` (else ConflictError): a failure against a password that
   * has just been reset must not count against the new one.
   */
  async countFailedLogin(userId: string, checkedHash: string): Promise<number> {
    const update = new UpdateCommand({
      TableName: this.tableName,
      Key: { id: userId },
      UpdateExpression: 'ADD failed_logins :one',
      ConditionExpression: 'hashed_password = :checked',
      ExpressionAttributeValues: { ':one': 1, ':checked': checkedHash },
      ReturnValues: 'UPDATED_NEW',
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
    });
    try {
      const { Attributes } = await storeCall(this.client.send(update));
      return Attributes?.failed_logins as number;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
      if (error.Item?.email === undefined) throw new NoResultFound(`no user with id ${userId}`);
      throw new ConflictError('the password changed since it was checked');
    }
  }

  /** Sends a transaction, again after a short random pause when it lost a conflict. */
  private async transact(write: TransactWriteCommand) {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.client.send(write);
      } catch (error) {
        if (attempt >= TRANSACTION_ATTEMPTS || !isCancelledFor(error, CONFLICT)) throw error;
        // Jittered, so that the transactions that collided do not collide again in step.
        await sleep(10 + Math.random() * 40);
      }
    }
  }

  private async candidateIds(filters: UserFilters): Promise<string[]> {
    const lookup = LOOKUP_ORDER.find((name) => Object.hasOwn(filters, name));
    if (lookup === undefined) {
      throw new InvalidRequestError(
        'findUserBy needs id, email, session_id or reset_token: the table is never scanned',
      );
    }
    const value = filters[lookup];
    // A missing key matches nobody: users without a reset token are not found by "no token".
    if (!isNonEmptyString(value)) return [];
    if (!isIndexedAttribute(lookup)) return [value];
    const ids = await this.queryIndex(lookup, value);
    if (ids.length === 0 && lookup === 'email') return this.idFromEmailGuard(value);
    return ids;
  }

  private async queryIndex(attribute: keyof typeof INDEX_BY_ATTRIBUTE, value: string) {
    const { Items = [] } = await storeCall(
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: INDEX_BY_ATTRIBUTE[attribute],
          KeyConditionExpression: '#k = :v',
          ExpressionAttributeNames: { '#k': attribute },
          ExpressionAttributeValues: { ':v': value },
        }),
      ),
    );
    return Items.map((item) => item.id as string);
  }

  /**
   * The email index lags behind writes on AWS, so a user registered a moment ago may be missing
   * from it. The guard item, read consistently, is the source of truth for that case.
   */
  private async idFromEmailGuard(email: string): Promise<string[]> {
    const guard = await this.getItem(emailGuardId(email));
    return isNonEmptyString(guard?.user_id) ? [guard.user_id] : [];
  }

  private async getUser(id: string): Promise<User | null> {
    return fromItem(await this.getItem(id));
  }

  private async getItem(id: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await storeCall(
      this.client.send(
        new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }),
      ),
    );
    return Item;
  }

  /** The email is moved together with its guard item, so uniqueness holds across the change. */
  private async changeEmail(userId: string, changes: UserChanges, expected: UserFilters) {
    const current = await this.getUser(userId);
    if (current === null) throw new NoResultFound(`no user with id ${userId}`);
    // The write below is conditional on the email just read, which would replace a condition
    // the caller put on the email: that one is checked here instead.
    if (expected.email !== undefined && expected.email !== current.email) {
      throw new ConflictError('the user changed since it was read');
    }
    const newEmail = changes.email as string;
    if (newEmail === current.email) {
      const rest: UserChanges = { ...changes };
      delete rest.email;
      await this.updateUser(userId, rest, expected);
      return;
    }
    const write = new TransactWriteCommand({
      TransactItems: [
        {
          Update: {
            TableName: this.tableName,
            Key: { id: userId },
            ...updateExpression(changes, { ...expected, email: current.email }),
          },
        },
        {
          Delete: {
            TableName: this.tableName,
            Key: { id: emailGuardId(current.email) },
          },
        },
        {
          Put: {
            TableName: this.tableName,
            Item: { id: emailGuardId(newEmail), user_id: userId },
            ConditionExpression: 'attribute_not_exists(id)',
          },
        },
      ],
    });
    try {
      await storeCall(this.transact(write));
    } catch (error) {
      if (conditionFailedAt(error, 2)) throw new DuplicateEmailError('email already registered');
      if (conditionFailedAt(error, 0))
        throw new ConflictError('the user changed since it was read');
      throw error;
    }
  }
}
