import { describe, expect, it } from 'vitest';
import { domainProblem, publicAddress, type DomainSettings } from '../../deploy/custom-domain';

/*
 * The custom domain's settings, checked before packaging (deploy/stage-check.ts; the packaged
 * template and the refusals through `serverless package` are in tests/ops/template.test.ts).
 */

const ARN = 'arn:aws:acm:us-east-1:123456789012:certificate/0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b';
const NONE: DomainSettings = { domainName: '', certificateArn: '', basePath: '', hostedZoneId: '' };
const WHOLE: DomainSettings = { ...NONE, domainName: 'auth.example.com', certificateArn: ARN };

const parameterOf = (settings: Partial<DomainSettings>, cookieDomain = '') =>
  domainProblem({ ...NONE, ...settings }, 'us-east-1', cookieDomain)?.parameter;

describe('domainProblem', () => {
  it('accepts no domain, or a whole one with or without base path, zone and cookie domain', () => {
    for (const [settings, cookieDomain] of [
      [NONE, ''],
      [WHOLE, ''],
      [{ ...WHOLE, basePath: 'auth' }, 'example.com'],
      [{ ...WHOLE, basePath: 'team/auth', hostedZoneId: 'Z0123456789ABCDEFGHIJ' }, ''],
      [WHOLE, 'auth.example.com'],
    ] as const) {
      expect(domainProblem(settings, 'us-east-1', cookieDomain)).toBeUndefined();
    }
  });

  it('names the parameter to set for half a setting', () => {
    expect(parameterOf({ domainName: 'auth.example.com' })).toBe('certificateArn');
    expect(parameterOf({ certificateArn: ARN })).toBe('domainName');
    expect(parameterOf({ basePath: 'auth' })).toBe('domainName');
    expect(parameterOf({ hostedZoneId: 'Z0123456789ABCDEFGHIJ' })).toBe('domainName');
    expect(parameterOf({}, 'example.com')).toBe('domainName');
  });

  it('names the parameter that is malformed', () => {
    for (const domainName of ['https://auth.example.com', 'auth', 'Auth.example.com', 'a.b/c']) {
      expect(parameterOf({ ...WHOLE, domainName })).toBe('domainName');
    }
    for (const certificateArn of [
      'arn:aws:acm:us-east-1:123:certificate/x',
      ARN.replace('acm', 'iam'),
      ARN.replace('us-east-1', 'eu-west-1'),
      `${ARN} `,
    ]) {
      expect(parameterOf({ ...WHOLE, certificateArn })).toBe('certificateArn');
    }
    for (const basePath of ['/auth', 'auth/', 'a//b', 'a b', '..?']) {
      expect(parameterOf({ ...WHOLE, basePath })).toBe('basePath');
    }
    for (const hostedZoneId of ['z123', 'Z12-3', 'ZONE ID']) {
      expect(parameterOf({ ...WHOLE, hostedZoneId })).toBe('hostedZoneId');
    }
    for (const cookieDomain of ['example.org', 'other.example.com', 'xample.com']) {
      expect(parameterOf(WHOLE, cookieDomain)).toBe('cookieDomain');
    }
  });
});

describe('publicAddress', () => {
  it("is the custom domain and its base path, else the HTTP API's own address", () => {
    expect(publicAddress(NONE)).toBe('${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}');
    expect(publicAddress(WHOLE)).toBe('auth.example.com');
    expect(publicAddress({ ...WHOLE, basePath: 'team/auth' })).toBe('auth.example.com/team/auth');
  });
});
