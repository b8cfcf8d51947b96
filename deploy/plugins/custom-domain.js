'use strict';
/**
 * Adds the stage's custom domain to the template (deploy/custom-domain.ts): its API Gateway domain
 * name, the mapping to the HTTP API, the DNS outputs and, with hostedZoneId, the Route 53 record;
 * nothing when the stage sets no domainName. It runs once the framework has compiled the HTTP API
 * and its stage, which the mapping names; the stage check refused half a setting before packaging.
 */
const { require: requireTs } = require('tsx/cjs/api');

class CustomDomain {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = { 'before:package:finalize': () => this.add() };
  }

  add() {
    const { domainResources } = requireTs('../custom-domain.ts', __filename);
    const { service } = this.serverless;
    const { Resources, Outputs } = domainResources(service.custom.domain);
    const template = service.provider.compiledCloudFormationTemplate;
    Object.assign(template.Resources, Resources);
    template.Outputs = { ...template.Outputs, ...Outputs };
  }
}

module.exports = CustomDomain;
