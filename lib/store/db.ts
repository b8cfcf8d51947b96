import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { v4 as uuidv4 } from 'uuid';
import { conditionFailedAt, jitter, lostRace, storeCall, storeError, transact } from './calls';
import {
  ConflictError,
  DuplicateEmailError,
  InvalidRequestError,
  NoResultFound,
  StoreUnavailable,
  ValueError,
} from './errors';
import { updateExpression, type Values } from './expressions';
import { keyedItemDeletes, keyedItemWrites, type TransactItem } from './keyed-items';
import type { StoredSession } from './session';
import { sessionFromItem } from './session-item';
import { emailGuardId, INDEX_BY_ATTRIBUTE, resetItemId, sessionItemId } from './table';
import { isUserAttribute, type User, type UserAttribute } from './user';

export type UserFilters = Partial<User>;
export type UserChanges = Partial<Omit<User, 'id' | 'revision'>>;

/** What a rewrite of a user puts in place: its changes, and the item of a session it starts. */
export interface Rewrite {
  changes: UserChanges;
  started?: StoredSession;
}

// Attributes every user item has: removing them would corrupt the user.
const REQUIRED: ReadonlySet<UserAttribute> = new Set(['id', 'email', 'hashed_password']);

// Attributes that other items mirror (items keyed by their value, or session items repeating
// them): changed only by a rewrite, which keeps those items in step. `sessions` is changed through
// the session rules only (lib/auth/sessions.ts).
const MIRRORED: ReadonlySet<UserAttribute> = new Set(['email', 'email_verified', 'reset_token']);
const NOT_UPDATABLE: ReadonlySet<UserAttribute> = new Set(['id', 'revision', 'sessions']);

// How often a rewrite is tried against a user that other rewrites keep changing under it: each
// round one of the writers wins, so 20 logins of one user at once all get through.
const REWRITE_ATTEMPTS = 25;

// Which lookup findUserBy prefers when several filters are given: the table key, then the
// email (its index, or its guard item) and the reset token (its item).
const LOOKUP_ORDER: readonly UserAttribute[] = ['id', 'email', 'reset_token'];

function isNonEmptyString(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number';
}

/**
 * Values as stored. The recovery codes are a string set, from which one is spent by an atomic
 * `DELETE` (spendRecoveryCode); DynamoDB has no empty set, so none is no attribute (null).
 */
function stored<T extends UserChanges>(changes: T): T {
  const { recovery_codes: codes } = changes;
  if (codes === undefined) return changes;
  return { ...changes, recovery_codes: codes.length === 0 ? null : new Set(codes) };
}

/** Null attributes and the zero revision are left out: GSI keys must be strings or absent. */
function toItem(user: User): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(stored(user)).filter(
      ([name, value]) => value !== null && !(name === 'revision' && value === 0),
    ),
  );
}

function textOrNull(value: unknown): string | null {
  return isNonEmptyString(value) ? value : null;
}

function numberOrNull(value: unknown): number | null {
  return isNumber(value) ? value : null;
}

function fromItem(item: Record<string, unknown> | undefined): User | null {
  // Guard, session and reset items share the table; only user items have an email and a hash.
  if (!item || !isNonEmptyString(item.email) || !isNonEmptyString(item.hashed_password)) {
    return null;
  }
  return {
    id: item.id as string,
    email: item.email,
    hashed_password: item.hashed_password,
    reset_token: (item.reset_token as string | undefined) ?? null,
    reset_expires_at: (item.reset_expires_at as number | undefined) ?? null,
    failed_logins: isNumber(item.failed_logins) ? item.failed_logins : 0,
    locked_until: (item.locked_until as number | undefined) ?? null,
    device_generation: isNumber(item.device_generation) ? item.device_generation : 0,
    // Users stored before verification existed have no flag: their accounts predate the
    // requirement, and refusing them at their next login would lock every owner out at once.
    email_verified: item.email_verified !== false,
    verify_token: (item.verify_token as string | undefined) ?? null,
    verify_expires_at: (item.verify_expires_at as number | undefined) ?? null,
    verify_sent_at: (item.verify_sent_at as number | undefined) ?? null,
    pending_email: (item.pending_email as string | undefined) ?? null,
    email_change_token: (item.email_change_token as string | undefined) ?? null,
    email_change_expires_at: (item.email_change_expires_at as number | undefined) ?? null,
    totp_secret: textOrNull(item.totp_secret),
    totp_pending: textOrNull(item.totp_pending),
    totp_pending_expires_at: numberOrNull(item.totp_pending_expires_at),
    totp_last_step: numberOrNull(item.totp_last_step),
    recovery_codes:
      item.recovery_codes instanceof Set ? [...(item.recovery_codes as Set<string>)] : [],
    sessions: (item.sessions as User['sessions'] | undefined) ?? {},
    revision: isNumber(item.revision) ? item.revision : 0,
  };
}

function matches(user: User, filters: UserFilters): boolean {
  return Object.entries(filters).every(([name, value]) => user[name as UserAttribute] === value);
}

function checkAttributes(fields: object, role: string): void {
  for (const name of Object.keys(fields)) {
    if (!isUserAttribute(name)) throw new ValueError(`User has no attribute "${name}"`);
    if (NOT_UPDATABLE.has(name)) throw new ValueError(`${name} cannot be ${role}`);
  }
}

/** The user store: the seed's DB class over one DynamoDB table. It never scans. */
export class DB {
  constructor(
    private readonly tableName: string,
    private readonly client: DynamoDBDocumentClient,
  ) {}

  /**
   * Creates a user, with `verification` when a verification mail is to follow; throws
   * DuplicateEmailError when the email is taken, even under a race.
   */
  async addUser(
    email: string,
    hashedPassword: string,
    verification?: Pick<User, 'verify_token' | 'verify_expires_at' | 'verify_sent_at'>,
  ): Promise<User> {
    const user: User = {
      id: uuidv4(),
      email,
      hashed_password: hashedPassword,
      reset_token: null,
      reset_expires_at: null,
      failed_logins: 0,
      locked_until: null,
      device_generation: 0,
      email_verified: false,
      verify_token: null,
      verify_expires_at: null,
      verify_sent_at: null,
      pending_email: null,
      email_change_token: null,
      email_change_expires_at: null,
      totp_secret: null,
      totp_pending: null,
      totp_pending_expires_at: null,
      totp_last_step: null,
      recovery_codes: [],
      ...verification,
      sessions: {},
      revision: 0,
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
      await transact(this.client, put);
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
   * The first user matching every filter. The lookup goes through the table key (`id`), the
   * email (its GSI, or its guard item when the index has no entry yet) or the reset token (its
   * item), and each candidate is confirmed by a consistent read.
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

  /** The session stored under this digest, from one consistent read; null when there is none. */
  async findSession(digest: string): Promise<StoredSession | null> {
    return sessionFromItem(await this.getItem(sessionItemId(digest)));
  }

  /** The items of the user's sessions, read consistently; those already gone are left out. */
  async sessionsOf(user: User): Promise<StoredSession[]> {
    let keys = Object.values(user.sessions).map(({ digest }) => ({ id: sessionItemId(digest) }));
    const found: StoredSession[] = [];
    while (keys.length > 0) {
      const { Responses, UnprocessedKeys } = await storeCall(
        this.client.send(
          new BatchGetCommand({
            RequestItems: { [this.tableName]: { Keys: keys, ConsistentRead: true } },
          }),
        ),
      );
      for (const item of Responses?.[this.tableName] ?? []) {
        const session = sessionFromItem(item);
        if (session !== null && session.user_id === user.id) found.push(session);
      }
      keys = (UnprocessedKeys?.[this.tableName]?.Keys ?? []) as { id: string }[];
      if (keys.length > 0) await jitter();
    }
    return found;
  }

  /**
   * Records that the session was used at `now`, unless that was recorded since `notBefore`: a
   * client that calls often writes once in a while, not on every request. A session ended
   * meanwhile is left ended.
   */
  async touchSession(digest: string, now: number, notBefore: number): Promise<void> {
    const update = new UpdateCommand({
      TableName: this.tableName,
      Key: { id: sessionItemId(digest) },
      UpdateExpression: 'SET last_used_at = :now',
      ConditionExpression: 'attribute_exists(id) AND last_used_at < :notBefore',
      ExpressionAttributeValues: { ':now': now, ':notBefore': notBefore },
    });
    try {
      await storeCall(this.client.send(update));
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
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
    if (Object.keys(changes).some((name) => MIRRORED.has(name as UserAttribute))) {
      await this.rewriteUser(userId, () => ({ changes }), expected);
      return;
    }
    const update = new UpdateCommand({
      TableName: this.tableName,
      Key: { id: userId },
      ...updateExpression(stored(changes), expected),
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
   * Changes a user together with the items keyed by its values (email guard, reset and session
   * items) in one transaction, conditional on the revision it read: `rewriteOf` computes the
   * changes from the user as stored, and runs again on a fresh read when another rewrite came
   * first. `user` is the first read (or its id, to read it now). With `expected`, only while the
   * user has those values, else ConflictError. DuplicateEmailError when a new email is taken.
   * `rewriteOf` returns null when the user as stored needs no change: nothing is written.
   */
  async rewriteUser(
    user: User | string,
    rewriteOf: (current: User) => Rewrite | null,
    expected: UserFilters = {},
  ): Promise<void> {
    await this.writeOnRevision(user, expected, (current) => {
      const rewrite = rewriteOf(current);
      if (rewrite === null) return null;
      const { changes, started } = rewrite;
      const keyed = keyedItemWrites(this.tableName, current, { ...current, ...changes }, started);
      return {
        items: [this.revisedUpdate(current, changes, expected), ...keyed.items],
        guardAt: keyed.guardAt,
      };
    });
  }

  /**
   * Deletes the user and every item keyed by its values (email guard, reset and session
   * items) in one transaction, conditional on the revision read, as a rewrite is: the
   * email can register again at once, and no session or token outlives the user. With `expected`,
   * only while the user has those values, else ConflictError.
   */
  async deleteUser(user: User | string, expected: UserFilters = {}): Promise<void> {
    await this.writeOnRevision(user, expected, (current) => {
      const { ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues } =
        updateExpression({}, { ...expected, ...this.revisionOf(current) });
      const userDelete: TransactItem = {
        Delete: {
          TableName: this.tableName,
          Key: { id: current.id },
          ConditionExpression,
          ExpressionAttributeNames,
          ExpressionAttributeValues,
        },
      };
      return { items: [userDelete, ...keyedItemDeletes(this.tableName, current)] };
    });
  }

  /**
   * Sets `changes` on the user unless `stamp` was set after `notBefore` (or the user no longer has
   * `expected`); `stamp` becomes `now`. Whether it wrote: a conditional write, so that every
   * Lambda instance agrees on what was done in the interval (one mail a minute per address).
   */
  async updateUserUnlessSince(
    userId: string,
    changes: UserChanges,
    stamp: UserAttribute,
    now: number,
    notBefore: number,
    expected: UserFilters = {},
  ): Promise<boolean> {
    checkAttributes(changes, 'changed');
    const { ConditionExpression, ExpressionAttributeNames, ExpressionAttributeValues, ...update } =
      updateExpression({ ...stored(changes), [stamp]: now }, expected);
    const command = new UpdateCommand({
      TableName: this.tableName,
      Key: { id: userId },
      ...update,
      ConditionExpression: `${ConditionExpression} AND (attribute_not_exists(#stamp) OR #stamp < :notBefore)`,
      ExpressionAttributeNames: { ...ExpressionAttributeNames, '#stamp': stamp },
      ExpressionAttributeValues: { ...ExpressionAttributeValues, ':notBefore': notBefore },
    });
    try {
      await storeCall(this.client.send(command));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
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

  /**
   * Removes one recovery code's digest from the user's set, atomically: of two requests spending
   * the same code, one removes it and the other finds it gone. The codes left, or null when the
   * digest was not (or no longer) in the set.
   */
  async spendRecoveryCode(userId: string, digest: string): Promise<number | null> {
    const update = new UpdateCommand({
      TableName: this.tableName,
      Key: { id: userId },
      UpdateExpression: 'DELETE recovery_codes :spent',
      ConditionExpression: 'contains(recovery_codes, :digest)',
      ExpressionAttributeValues: { ':spent': new Set([digest]), ':digest': digest },
      ReturnValues: 'UPDATED_NEW',
    });
    try {
      const { Attributes } = await storeCall(this.client.send(update));
      const left = Attributes?.recovery_codes as Set<string> | undefined;
      return left?.size ?? 0;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return null;
      throw error;
    }
  }

  /**
   * Sends the transaction `writeOf` makes of the user as stored, whose first item is conditional
   * on the revision read; on a fresh read when another writer came first, up to REWRITE_ATTEMPTS
   * times. `guardAt`: where a new email's guard is among the items (its failure means taken).
   */
  private async writeOnRevision(
    user: User | string,
    expected: UserFilters,
    writeOf: (current: User) => { items: TransactItem[]; guardAt?: number } | null,
  ): Promise<void> {
    let current = typeof user === 'string' ? await this.currentUser(user) : user;
    for (let attempt = 1; ; attempt++) {
      if (!matches(current, expected))
        throw new ConflictError('the user changed since it was read');
      const write = writeOf(current);
      if (write === null) return;
      try {
        await this.client.send(new TransactWriteCommand({ TransactItems: write.items }));
        return;
      } catch (error) {
        if (write.guardAt !== undefined && conditionFailedAt(error, write.guardAt + 1)) {
          throw new DuplicateEmailError('email already registered');
        }
        if (!lostRace(error)) throw storeError(error);
        if (attempt >= REWRITE_ATTEMPTS) {
          throw new StoreUnavailable(`user changed ${attempt} times while it was written`);
        }
        await jitter(attempt);
        current = await this.currentUser(current.id);
      }
    }
  }

  /** The condition that the user still has the revision read. */
  private revisionOf(current: User): Values {
    // Users written before revisions existed have none: their first rewrite expects it absent.
    return { revision: current.revision === 0 ? null : current.revision };
  }

  /** The user update of a rewrite: its changes and the next revision, if the read one holds. */
  private revisedUpdate(current: User, changes: UserChanges, expected: UserFilters): TransactItem {
    return {
      Update: {
        TableName: this.tableName,
        Key: { id: current.id },
        ...updateExpression(
          { ...stored(changes), revision: current.revision + 1 },
          { ...expected, ...this.revisionOf(current) },
        ),
      },
    };
  }

  private async candidateIds(filters: UserFilters): Promise<string[]> {
    const lookup = LOOKUP_ORDER.find((name) => Object.hasOwn(filters, name));
    if (lookup === undefined) {
      throw new InvalidRequestError(
        'findUserBy needs id, email or reset_token: the table is never scanned',
      );
    }
    const value = filters[lookup];
    // A missing key matches nobody: users without a reset token are not found by "no token".
    if (!isNonEmptyString(value)) return [];
    if (lookup === 'id') return [value];
    if (lookup === 'reset_token') return this.userIdIn(resetItemId(value));
    // The email index lags behind writes on AWS, so a user registered a moment ago may be
    // missing from it: the guard item, read consistently, is the source of truth for that case.
    const ids = await this.queryEmailIndex(value);
    return ids.length > 0 ? ids : this.userIdIn(emailGuardId(value));
  }

  private async queryEmailIndex(email: string): Promise<string[]> {
    const { Items = [] } = await storeCall(
      this.client.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: INDEX_BY_ATTRIBUTE.email,
          KeyConditionExpression: '#k = :v',
          ExpressionAttributeNames: { '#k': 'email' },
          ExpressionAttributeValues: { ':v': email },
        }),
      ),
    );
    return Items.map((item) => item.id as string);
  }

  /** The user a guard or reset item points to, read consistently. */
  private async userIdIn(itemId: string): Promise<string[]> {
    const item = await this.getItem(itemId);
    return isNonEmptyString(item?.user_id) ? [item.user_id] : [];
  }

  private async currentUser(id: string): Promise<User> {
    const user = await this.getUser(id);
    if (user === null) throw new NoResultFound(`no user with id ${id}`);
    return user;
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
}
