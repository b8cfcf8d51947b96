import { createDocumentClient } from '../platform/dynamodb';
import type { Config } from '../platform/config';
import { DB } from './db';

export type StoreSettings = Parameters<typeof createDocumentClient>[0] & Pick<Config, 'usersTable'>;

/** The user store over its own DynamoDB client, configured as the settings say. */
export function openUserStore(settings: StoreSettings): DB {
  return new DB(settings.usersTable, createDocumentClient(settings));
}
