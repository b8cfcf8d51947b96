/**
 * What an API Gateway custom domain does in front of the API, for `npm start`: each host name is
 * mapped to the API under a base path (an API mapping key), which is stripped before the request
 * goes on (`/auth/account/login` reaches `/account/login`). The Host header is passed as the
 * browser sent it, as the custom domain's is. A request for no mapped host, or outside its base
 * path, gets a 404 and is kept in `strays`: an address of the pages that escaped their mount.
 */
import { createServer, request } from 'node:http';
import { freePort } from '../../local/dynamodb-local';

export interface MountProxy {
  port: number;
  /** `METHOD host/path` of each request no mapping took. */
  strays: string[];
  stop(): Promise<void>;
}

/** `mounts`: host name → base path ('' for the root, else `/auth`); `target`: the API's address. */
export async function startMountProxy(
  target: string,
  mounts: Record<string, string>,
): Promise<MountProxy> {
  const upstream = new URL(target);
  const strays: string[] = [];
  const server = createServer((incoming, answer) => {
    const host = incoming.headers.host ?? '';
    const base = mounts[host.replace(/:\d+$/u, '')];
    const path = incoming.url ?? '/';
    const pathname = path.split('?')[0] ?? '';
    if (base === undefined || (pathname !== base && !pathname.startsWith(`${base}/`))) {
      strays.push(`${incoming.method ?? ''} ${host}${path}`);
      answer.writeHead(404).end();
      return;
    }
    const rest = path.slice(base.length);
    const forwarded = request(
      {
        hostname: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: rest.startsWith('/') ? rest : `/${rest}`,
        headers: incoming.headers,
      },
      (response) => {
        // Raw headers: each Set-Cookie stays its own header.
        answer.writeHead(response.statusCode ?? 502, response.rawHeaders);
        response.pipe(answer);
      },
    );
    forwarded.on('error', () => answer.writeHead(502).end());
    incoming.pipe(forwarded);
  });
  const port = await freePort();
  await new Promise<void>((listening) => server.listen(port, '127.0.0.1', listening));
  const stop = () =>
    new Promise<void>((closed) => {
      server.closeAllConnections();
      server.close(() => {
        closed();
      });
    });
  return { port, strays, stop };
}
