/**
 * A stage's custom domain, from its parameters `domainName`, `certificateArn`, `basePath` and
 * `hostedZoneId` (serverless.yml `custom.domain`, each '' when unset). `domainProblem` refuses half
 * a setting before packaging (deploy/stage-check.ts); `domainResources` is what
 * deploy/plugins/custom-domain.js adds to the template when the stage has one; `publicAddress` is
 * where its pages and API are reached, which the mail links use (serverless.yml
 * `custom.publicAddress`, through deploy/domain.js).
 */
import { isDomainName } from '../lib/platform/config';

export interface DomainSettings {
  domainName: string;
  certificateArn: string;
  basePath: string;
  hostedZoneId: string;
}

/** What makes the setting unusable, and the parameter to set or correct. */
export interface DomainProblem {
  problem: string;
  parameter: keyof DomainSettings | 'cookieDomain';
}

/** An ACM certificate's ARN; the group is its region. */
const CERTIFICATE_ARN =
  /^arn:aws[a-z-]*:acm:([a-z]{2}(?:-[a-z]+)+-\d):\d{12}:certificate\/[\da-f-]{36}$/u;
/** An API mapping key: path segments of letters, digits, `.`, `_` and `-`, without outer slashes. */
const BASE_PATH = /^[\w.-]+(?:\/[\w.-]+)*$/u;
/** A Route 53 hosted zone id, as the console shows it. */
const HOSTED_ZONE_ID = /^Z[A-Z\d]{1,31}$/u;

/** The domain or a subdomain of it: the hosts a cookie with `Domain=<domain>` is sent to. */
function isUnder(host: string, domain: string): boolean {
  return host === domain || host.endsWith(`.${domain}`);
}

/**
 * What is wrong with the stage's domain settings (in `region`, with `cookieDomain` or ''), or
 * undefined when there is nothing wrong: none set, or a whole, well-formed setting.
 */
export function domainProblem(
  settings: DomainSettings,
  region: string,
  cookieDomain: string,
): DomainProblem | undefined {
  const { domainName, certificateArn, basePath, hostedZoneId } = settings;
  if (domainName === '') {
    const dependent = (['certificateArn', 'basePath', 'hostedZoneId'] as const).find(
      (name) => settings[name] !== '',
    );
    if (dependent !== undefined) {
      return { problem: `${dependent} is set but domainName is not`, parameter: 'domainName' };
    }
    if (cookieDomain !== '') {
      return {
        problem: `cookieDomain ${cookieDomain} needs domainName, a host under it: browsers drop a cookie whose Domain the execute-api host is not under`,
        parameter: 'domainName',
      };
    }
    return undefined;
  }
  if (!isDomainName(domainName)) {
    return {
      problem: `domainName must be a host name such as auth.example.com, got "${domainName}"`,
      parameter: 'domainName',
    };
  }
  if (certificateArn === '') {
    return {
      problem: `domainName ${domainName} needs certificateArn, the ARN of its ACM certificate in ${region}`,
      parameter: 'certificateArn',
    };
  }
  const certificateRegion = CERTIFICATE_ARN.exec(certificateArn)?.[1];
  if (certificateRegion === undefined) {
    return {
      problem: `certificateArn must be an ACM certificate's ARN (arn:aws:acm:${region}:<account>:certificate/<id>), got "${certificateArn}"`,
      parameter: 'certificateArn',
    };
  }
  if (certificateRegion !== region) {
    return {
      problem: `certificateArn must be a certificate in the stack's region ${region} (a regional API's domain), got one in ${certificateRegion}`,
      parameter: 'certificateArn',
    };
  }
  if (basePath !== '' && !BASE_PATH.test(basePath)) {
    return {
      problem: `basePath must be a path such as auth or team/auth, without a leading or trailing slash, got "${basePath}"`,
      parameter: 'basePath',
    };
  }
  if (hostedZoneId !== '' && !HOSTED_ZONE_ID.test(hostedZoneId)) {
    return {
      problem: `hostedZoneId must be a Route 53 hosted zone id such as Z0123456789ABCDEFGHIJ, got "${hostedZoneId}"`,
      parameter: 'hostedZoneId',
    };
  }
  if (cookieDomain !== '' && !isUnder(domainName, cookieDomain)) {
    return {
      problem: `cookieDomain ${cookieDomain} is neither domainName ${domainName} nor a parent of it: browsers would drop the session cookie`,
      parameter: 'cookieDomain',
    };
  }
  return undefined;
}

/**
 * Where the stage is reached, without scheme: the custom domain and its base path, or the HTTP
 * API's own address (a CloudFormation `Fn::Sub` text: its `${...}` are the stack's).
 */
export function publicAddress({ domainName, basePath }: DomainSettings): string {
  if (domainName === '') return '${HttpApi}.execute-api.${AWS::Region}.${AWS::URLSuffix}';
  return basePath === '' ? domainName : `${domainName}/${basePath}`;
}

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

/**
 * The custom domain's resources and outputs, none without one: the API Gateway domain name (a
 * regional endpoint with the stage's certificate), its mapping to the HTTP API's stage (under
 * `basePath` when given), the Route 53 alias record when `hostedZoneId` is given, and the outputs
 * DNS is pointed with otherwise.
 */
export function domainResources(settings: DomainSettings): {
  Resources: Resources;
  Outputs: Record<string, unknown>;
} {
  const { domainName, certificateArn, basePath, hostedZoneId } = settings;
  if (domainName === '') return { Resources: {}, Outputs: {} };
  const target = {
    DNSName: { 'Fn::GetAtt': ['CustomDomainName', 'RegionalDomainName'] },
    HostedZoneId: { 'Fn::GetAtt': ['CustomDomainName', 'RegionalHostedZoneId'] },
  };
  const resources: Resources = {
    CustomDomainName: {
      Type: 'AWS::ApiGatewayV2::DomainName',
      Properties: {
        DomainName: domainName,
        DomainNameConfigurations: [
          { CertificateArn: certificateArn, EndpointType: 'REGIONAL', SecurityPolicy: 'TLS_1_2' },
        ],
      },
    },
    CustomDomainApiMapping: {
      Type: 'AWS::ApiGatewayV2::ApiMapping',
      Properties: {
        DomainName: { Ref: 'CustomDomainName' },
        ApiId: { Ref: 'HttpApi' },
        // The stage's Ref is its name ($default): the mapping waits for the stage to exist.
        Stage: { Ref: 'HttpApiStage' },
        ...(basePath !== '' && { ApiMappingKey: basePath }),
      },
    },
  };
  if (hostedZoneId !== '') {
    resources.CustomDomainRecord = {
      Type: 'AWS::Route53::RecordSet',
      Properties: {
        HostedZoneId: hostedZoneId,
        Name: domainName,
        Type: 'A',
        AliasTarget: { ...target, EvaluateTargetHealth: false },
      },
    };
  }
  return {
    Resources: resources,
    Outputs: {
      CustomDomainTarget: {
        Description: `Point ${domainName} at this name: a CNAME, or a Route 53 alias (A) with the zone CustomDomainHostedZoneId.`,
        Value: target.DNSName,
      },
      CustomDomainHostedZoneId: {
        Description: 'The Route 53 zone of CustomDomainTarget, for an alias record.',
        Value: target.HostedZoneId,
      },
    },
  };
}
