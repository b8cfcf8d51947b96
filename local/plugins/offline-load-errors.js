'use strict';
/**
 * Under serverless-offline, a function that fails to load answers 500 {"message"} as on Lambda
 * (local/offline-guard.ts). Listed before serverless-esbuild, so its hook points the functions
 * at their guarded entries before they are built.
 */
const { require: requireTs } = require('tsx/cjs/api');

class OfflineLoadErrors {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'before:offline:start:init': () => this.guard() };
  }

  guard() {
    const { guardHandlers } = requireTs('../offline-entries.ts', __filename);
    const { service, serviceDir } = this.serverless;
    guardHandlers(serviceDir, service.custom.esbuild.outputWorkFolder, service.functions);
  }
}

module.exports = OfflineLoadErrors;
