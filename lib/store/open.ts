import { createDocumentClient } from '../platform/dynamodb';
import type { Config } from '../platform/config';
import { DB } from './db';

export type StoreSettings = Parameters<typeof createDocumentClient>[0] & Pick<Config, 'usersTable'>;

/** The user store over its own DynamoDB client, configured as the settings say. */
export function openUserStore(settings: StoreSettings): DB {
  return new DB(settings.usersTable, createDocumentClient(settings));
}

const stores = new WeakMap<object, DB>();

/**
 * The store of one function: opened the first time a service builder asks for it, then shared by
 * every service the function runs. `platform` is what lib/app.ts composes once per function at
 * cold start, so a function that runs several routes' services (the pages' forms) creates one
 * DynamoDB client, not one per service: each client costs init time and its own connections.
 */
export function userStoreOf(platform: { config: StoreSettings }): DB {
  let store = stores.get(platform);
  if (store === undefined) {
    store = openUserStore(platform.config);
    stores.set(platform, store);
  }
  return store;
}
