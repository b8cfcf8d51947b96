'use strict';
/**
 * Under serverless-offline, API Gateway's edge instead of the emulator's (local/hapi-edge.ts), and
 * no CORS headers but the functions' own (lib/http/cors.ts, ALLOWED_ORIGINS), as on an HTTP API
 * without CORS settings.
 *
 * serverless-offline 13.10.1 has no setting for this: its hapi server registers an onPreResponse
 * extension that copies any request's Origin into `Access-Control-Allow-Origin`, with
 * `Access-Control-Allow-Credentials: true`, on every answer (with `httpApi.cors` set it still does
 * on every request but preflights, and that setting would reach the deployed stage), and plugins
 * get no handle on the server. So this plugin watches hapi's `server.ext` for that one extension
 * and installs the edge in its place; when serverless-offline changes and the extension never
 * comes, `npm start` stops and says so instead of serving with the emulator's edge.
 */
const process = require('node:process');
const { require: requireTs } = require('tsx/cjs/api');

/** The extension replaced: serverless-offline's, recognised by the header it writes. */
function reflectsOrigins(event, method) {
  return event === 'onPreResponse' && String(method).includes('access-control-allow-origin');
}

class OfflineEdge {
  constructor(serverless) {
    this.serverless = serverless;
    this.replaced = 0;
    this.hooks = {
      'before:offline:start:init': () => {
        // serverless-offline's other control: an AUTHORIZER variable replaces the authorizer's
        // context on every request, as the header would (local/hapi-edge.ts).
        delete process.env.AUTHORIZER;
        this.watchServers();
      },
      'before:offline:start:ready': () => this.check(),
    };
  }

  watchServers() {
    const { installEdge } = requireTs('../hapi-edge.ts', __filename);
    // The hapi serverless-offline imports; it exports a factory whose servers share a prototype.
    const { Server } = require('@hapi/hapi');
    const prototype = Object.getPrototypeOf(Server());
    const register = prototype.ext;
    const replace = (server) => {
      this.replaced += 1;
      installEdge(server);
    };
    prototype.ext = function ext(event, method, options) {
      if (!reflectsOrigins(event, method)) return register.call(this, event, method, options);
      replace(this);
      return undefined;
    };
  }

  check() {
    if (this.replaced === 1) return;
    // The server already listens: an error thrown from this hook is printed and the emulator's edge
    // goes on serving, so the process ends here, as serverless-offline does when it cannot start.
    process.stderr.write(
      `local/plugins/offline-edge.js replaced ${this.replaced} CORS extensions of ` +
        "serverless-offline's HTTP server instead of 1: serverless-offline changed; adapt the plugin.\n",
    );
    process.exit(1);
  }
}

module.exports = OfflineEdge;
