import type { Server } from 'node:http';
import startSesServer from 'aws-ses-v2-local';
import { freePort } from '../../local/dynamodb-local';

/** A mail as aws-ses-v2-local's `GET /store` lists it (the fields the tests read). */
export interface StoredMail {
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
}

export interface SesEmulator {
  /** The SES endpoint to give the service (SES_ENDPOINT) and the mailbox to read (/store). */
  endpoint: string;
  /** Every mail received so far that was sent to `to`. */
  mailsTo(to: string): Promise<StoredMail[]>;
  stop(): Promise<void>;
}

/**
 * A real local SES v2 endpoint (aws-ses-v2-local) on a free loopback port, read back through its
 * HTTP `/store` API, the same way tests/e2e/client.ts reads it.
 */
export async function startSesEmulator(): Promise<SesEmulator> {
  const port = await freePort();
  const server: Server = await startSesServer({ host: '127.0.0.1', port });
  const endpoint = `http://127.0.0.1:${port}`;
  return {
    endpoint,
    async mailsTo(to) {
      const response = await fetch(new URL('/store', endpoint));
      const store = (await response.json()) as { emails: StoredMail[] };
      return store.emails.filter((mail) => mail.destination.to.includes(to));
    },
    stop: () =>
      new Promise((resolve, reject) => {
        // Keep-alive connections from the SDK would otherwise hold close() open.
        server.closeAllConnections();
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
      }),
  };
}
