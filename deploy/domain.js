'use strict';
/**
 * What serverless.yml reads with `${file(./deploy/domain.js):...}`: where the stage is reached,
 * from its custom domain settings (deploy/custom-domain.ts, through tsx).
 */
const { require: requireTs } = require('tsx/cjs/api');

module.exports = {
  publicAddress: async ({ resolveVariable }) =>
    requireTs('./custom-domain.ts', __filename).publicAddress(
      await resolveVariable('self:custom.domain'),
    ),
};
