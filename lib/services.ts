import { Auth } from './auth';
import { config } from './config';
import { DB } from './db';

/** The store and Auth of this process, configured from the environment at cold start. */
export const db = new DB(config.usersTable);
export const auth = new Auth(db, config);
