'use strict';
/**
 * Under serverless-offline, no CORS but the functions' own (lib/http/cors.ts, ALLOWED_ORIGINS), as
 * on an HTTP API without CORS settings. serverless-offline 13's hapi server has an onPreResponse
 * extension that copies any request's Origin into `Access-Control-Allow-Origin`, with
 * `Access-Control-Allow-Credentials: true`, on every answer (and answers every preflight), so a
 * page on any origin could read `GET /profile` with the user's cookie; no option turns it off.
 * This plugin keeps that one extension from being registered.
 */
class OfflineCors {
  constructor() {
    this.hooks = { 'before:offline:start:init': () => this.dropOriginReflection() };
  }

  dropOriginReflection() {
    // The hapi serverless-offline imports; it exports a factory whose servers share a prototype.
    const { Server } = require('@hapi/hapi');
    const prototype = Object.getPrototypeOf(Server());
    const register = prototype.ext;
    prototype.ext = function ext(event, method, options) {
      const reflectsOrigins =
        event === 'onPreResponse' && String(method).includes('access-control-allow-origin');
      return reflectsOrigins ? undefined : register.call(this, event, method, options);
    };
  }
}

module.exports = OfflineCors;
