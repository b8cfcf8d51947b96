'use strict';
/**
 * Refuses to package or deploy a stage whose functions would refuse to start. The check itself is
 * deploy/stage-check.ts (TypeScript, loaded through tsx), run before packaging begins.
 */
const { require: requireTs } = require('tsx/cjs/api');

class CheckStage {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      'before:package:initialize': () => this.check(),
      'before:deploy:function:initialize': () => this.check(),
    };
  }

  check() {
    const { stageProblem } = requireTs('../stage-check.ts', __filename);
    const { service } = this.serverless;
    const problem = stageProblem(service.provider.stage, service);
    if (problem !== undefined) throw new this.serverless.classes.Error(problem);
  }
}

module.exports = CheckStage;
