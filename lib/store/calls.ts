import {
  ConditionalCheckFailedException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import { classifyAwsError, isCancelledFor } from '../platform/aws-errors';
import { StoreUnavailable } from './errors';

// How often a transaction cancelled by a conflict with another one is sent. Two registrations of
// one email racing on AWS conflict on the guard item; sent again, the loser meets the winner's
// guard and gets DuplicateEmailError instead of StoreUnavailable.
const TRANSACTION_ATTEMPTS = 3;
const CONFLICT = new Set(['TransactionConflict']);
const CONDITION_FAILED = new Set(['ConditionalCheckFailed']);

/**
 * Awaits a DynamoDB call. A failed condition is left for the caller to interpret; an outage,
 * timeout or throttle becomes StoreUnavailable.
 */
export async function storeCall<T>(operation: Promise<T>): Promise<T> {
  try {
    return await operation;
  } catch (error) {
    throw storeError(error);
  }
}

/** What `storeCall` throws for a DynamoDB error. */
export function storeError(error: unknown): unknown {
  if (error instanceof ConditionalCheckFailedException) return error;
  if (isCancelledFor(error, CONDITION_FAILED)) return error;
  return classifyAwsError(error, StoreUnavailable);
}

/** Whether a transaction was cancelled because the condition of its `index`th write failed. */
export function conditionFailedAt(error: unknown, index: number): boolean {
  return (
    error instanceof TransactionCanceledException &&
    error.CancellationReasons?.[index]?.Code === 'ConditionalCheckFailed'
  );
}

/**
 * Whether a transaction lost to another writer of the same user: its user update's condition
 * failed (the revision moved), or DynamoDB cancelled it for a concurrent transaction on the item.
 */
export function lostRace(error: unknown): boolean {
  return conditionFailedAt(error, 0) || isCancelledFor(error, CONFLICT);
}

/**
 * Sends a transaction, again after a short random pause when it lost a conflict; then as
 * `storeCall`: a failed condition is the caller's to interpret.
 */
export function transact(client: DynamoDBDocumentClient, write: TransactWriteCommand) {
  const send = async () => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await client.send(write);
      } catch (error) {
        if (attempt >= TRANSACTION_ATTEMPTS || !isCancelledFor(error, CONFLICT)) throw error;
        await jitter();
      }
    }
  };
  return storeCall(send());
}

/**
 * A short random pause, so that writers that collided do not collide again in step; longer after
 * each of `attempt` collisions, up to 200 ms.
 */
export function jitter(attempt = 1): Promise<void> {
  return sleep(Math.min(10 * attempt, 200) + Math.random() * 40);
}
