import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createDocumentClient } from '../platform/dynamodb';
import type { Config } from '../platform/config';
import { DB } from './db';

export type StoreSettings = Parameters<typeof createDocumentClient>[0] & Pick<Config, 'usersTable'>;

/** The user store over its own DynamoDB client, configured as the settings say. */
export function openUserStore(settings: StoreSettings): DB {
  return new DB(settings.usersTable, createDocumentClient(settings));
}

const clients = new WeakMap<object, DynamoDBDocumentClient>();
const stores = new WeakMap<object, DB>();

/**
 * The DynamoDB client of one function: created the first time anything of the function asks for
 * it, then shared by every store and service the function runs. Keyed by the function's config,
 * which lib/app.ts creates once per function at cold start (the platform and the composed app
 * both carry it), so a function that runs several routes' services (the pages' forms) and its
 * per-client budget create one client, not one each: each costs init time and its own
 * connections.
 */
export function documentClientOf(platform: { config: StoreSettings }): DynamoDBDocumentClient {
  let client = clients.get(platform.config);
  if (client === undefined) {
    client = createDocumentClient(platform.config);
    clients.set(platform.config, client);
  }
  return client;
}

/** The user store of one function, over its one client (documentClientOf). */
export function userStoreOf(platform: { config: StoreSettings }): DB {
  let store = stores.get(platform.config);
  if (store === undefined) {
    store = new DB(platform.config.usersTable, documentClientOf(platform));
    stores.set(platform.config, store);
  }
  return store;
}
