'use strict';
/**
 * Each serverless command run from this checkout builds in a folder of its own: `.esbuild/<pid>`,
 * or the one ESBUILD_WORK_FOLDER names (npm start names its own and removes it when it stops,
 * local/start-local.ts). serverless-esbuild empties its work folder before it builds and deletes it
 * after packaging, so two commands sharing one break each other: a package while npm start runs
 * deleted the running service's build (it then answered 200 with "Cannot find module"), and the
 * files serverless-offline's entries left there went into every zip a package made afterwards.
 * Listed before serverless-esbuild, which reads the folder at `initialize`.
 */
const { join } = require('node:path');
const { env, pid } = require('node:process');

class BuildFolder {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { initialize: () => this.choose() };
  }

  choose() {
    const { esbuild } = this.serverless.service.custom;
    esbuild.outputWorkFolder = env.ESBUILD_WORK_FOLDER ?? join('.esbuild', String(pid));
  }
}

module.exports = BuildFolder;
