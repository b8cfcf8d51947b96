/**
 * Mail on this machine: a local SES v2 endpoint (aws-ses-v2-local) that keeps every mail sent to
 * it. `npm start` points its functions at one and prints a line per mail with its link, so that a
 * reset, a verification or an email change can be followed with nothing else set up; the tests
 * read the mails back (tests/support/ses-emulator.ts). Its own page lists the mails in full, and
 * `GET /store` gives them as JSON.
 */
import type { Server } from 'node:http';
import startSesServer from 'aws-ses-v2-local';
import { mailKindOf } from '../lib/platform/mail-messages';

type Env = Record<string, string | undefined>;

/** A mail as aws-ses-v2-local's `GET /store` lists it (the fields read here and in the tests). */
export interface StoredMail {
  messageId: string;
  from: string;
  destination: { to: string[] };
  subject: string;
  body: { text?: string; html?: string };
}

export interface LocalMail {
  /** The SES endpoint to give the functions (SES_ENDPOINT). */
  endpoint: string;
  /** Every mail received so far, oldest first. */
  mails(): Promise<StoredMail[]>;
  stop(): Promise<void>;
}

/** The SES endpoint the environment names (SES_ENDPOINT): npm start then starts none of its own. */
export function givenSesEndpoint(env: Env): string | undefined {
  return env.SES_ENDPOINT?.trim() || undefined;
}

/**
 * What npm start prints for a mail: to whom, which of the service's mails (by its subject on a
 * stage named `productName`), and the link it carries, if any.
 */
export function mailLine(mail: StoredMail, productName: string): string {
  const kind = mailKindOf(mail.subject, productName) ?? JSON.stringify(mail.subject);
  const link = /https?:\/\/\S+/u.exec(mail.body.text ?? '')?.[0];
  return `MAIL to ${mail.destination.to.join(', ')}: ${kind}${link === undefined ? '' : ` ${link}`}`;
}

/**
 * Starts the endpoint on `port` of the loopback interface only (its page shows every token
 * mailed). `onMail` is called once for each mail it receives, in order.
 */
export async function startLocalMail(
  port: number,
  onMail?: (mail: StoredMail) => void,
): Promise<LocalMail> {
  const server: Server = await startSesServer({ host: '127.0.0.1', port });
  const endpoint = `http://127.0.0.1:${port}`;
  const mails = async () => {
    const response = await fetch(new URL('/store', endpoint));
    return ((await response.json()) as { emails: StoredMail[] }).emails;
  };

  const seen = new Set<string>();
  let reading = Promise.resolve();
  if (onMail !== undefined) {
    // A mail is in the store once the request that sent it is answered; the reads go one after
    // another, so that each mail is handed over once.
    server.on('request', (request, response) => {
      if (request.method !== 'POST') return;
      response.once('finish', () => {
        reading = reading
          .then(async () => {
            for (const mail of await mails()) {
              if (seen.has(mail.messageId)) continue;
              seen.add(mail.messageId);
              onMail(mail);
            }
          })
          .catch((error: unknown) => {
            console.error(`could not read the local mail: ${String(error)}`);
          });
      });
    });
  }

  return {
    endpoint,
    mails,
    stop: async () => {
      await reading;
      await new Promise<void>((resolve, reject) => {
        // Keep-alive connections from the SDK would otherwise hold close() open.
        server.closeAllConnections();
        server.close((error) => {
          if (error) reject(error);
          else resolve();
        });
      });
    },
  };
}
