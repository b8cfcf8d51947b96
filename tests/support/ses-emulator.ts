import { freePort } from '../../local/dynamodb-local';
import { startLocalMail, type StoredMail } from '../../local/local-mail';

export type { StoredMail };

export interface SesEmulator {
  /** The SES endpoint to give the service (SES_ENDPOINT) and the mailbox to read (/store). */
  endpoint: string;
  /** Every mail received so far that was sent to `to`. */
  mailsTo(to: string): Promise<StoredMail[]>;
  stop(): Promise<void>;
}

/**
 * A real local SES v2 endpoint (aws-ses-v2-local, as npm start runs it: local/local-mail.ts) on a
 * free loopback port, read back through its HTTP `/store` API, the same way tests/e2e/client.ts
 * reads it.
 */
export async function startSesEmulator(): Promise<SesEmulator> {
  const mail = await startLocalMail(await freePort());
  return {
    endpoint: mail.endpoint,
    async mailsTo(to) {
      return (await mail.mails()).filter((stored) => stored.destination.to.includes(to));
    },
    stop: () => mail.stop(),
  };
}
