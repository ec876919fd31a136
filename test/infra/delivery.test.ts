import { aws_cloudfront as cloudfront } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ASSET_CACHE_CONTROL, PAGE_CACHE_CONTROL } from '../../lib/delivery.ts';
import { COUNTED_COMMON_RULES, EDGE_RATE_LIMITED_BODY } from '../../lib/edge-firewall.ts';
import {
  SHARED_CACHE_PATTERNS,
  apiPathPatterns,
  matchesPathPattern,
  samplePath,
} from '../../lib/edge-routing.ts';
import { browserUploadOrigins, DELIVERY_REGION } from '../../lib/service-stack.ts';
import { parseSiteDomain } from '../../lib/stage.ts';
import { webClientSecurityHeaders } from '../../shared/http/page-security.ts';
import { isDeployed, routes } from '../../shared/wiring.ts';
import { CLIENT_PATHS, isClientPath, profilePath } from '../../web/src/paths.ts';
import {
  TEST_SITE_DOMAIN,
  flat,
  resource,
  resourcesOfType,
  synthesize,
  type Synthesized,
} from './support.ts';

interface Behaviour {
  PathPattern?: string;
  TargetOriginId: string;
  CachePolicyId: unknown;
  OriginRequestPolicyId?: unknown;
  ResponseHeadersPolicyId: unknown;
  AllowedMethods?: string[];
  ViewerProtocolPolicy: string;
  FunctionAssociations?: { EventType: string; FunctionARN: unknown }[];
}

interface DistributionConfig {
  Origins: {
    Id: string;
    DomainName: unknown;
    OriginAccessControlId?: unknown;
    S3OriginConfig?: unknown;
    CustomOriginConfig?: { OriginProtocolPolicy: string; OriginSSLProtocols: string[] };
  }[];
  DefaultCacheBehavior: Behaviour;
  CacheBehaviors: Behaviour[];
  WebACLId: unknown;
  Logging: { Bucket: unknown };
  Aliases?: string[];
  ViewerCertificate?: Record<string, unknown>;
}

function distributionOf(synthesized: Synthesized): DistributionConfig {
  const id = synthesized.logicalId(synthesized.service.delivery.distribution);
  return resource(synthesized.deliveryTemplate, id).Properties.DistributionConfig as DistributionConfig;
}

/** The behaviour CloudFront picks for a path: the first pattern that matches, else the default. */
function behaviourFor(config: DistributionConfig, path: string): Behaviour {
  return (
    config.CacheBehaviors.find((b) => matchesPathPattern(b.PathPattern!, path)) ?? config.DefaultCacheBehavior
  );
}

describe('the delivery tier, given the wiring and the web client', () => {
  const synthesized = synthesize('dev');
  const { service, serviceTemplate, deliveryTemplate, logicalId, referencedLogicalIds } = synthesized;
  const config = distributionOf(synthesized);
  const origin = (behaviour: Behaviour) => config.Origins.find((o) => o.Id === behaviour.TargetOriginId)!;
  const isApi = (behaviour: Behaviour) =>
    referencedLogicalIds(origin(behaviour).DomainName).has(logicalId(service.api.httpApi));
  const isClientBucket = (behaviour: Behaviour) =>
    referencedLogicalIds(origin(behaviour).DomainName).has(logicalId(service.delivery.bucket));

  describe("the web client's bucket", () => {
    it('blocks all public access, and is read through origin access control', () => {
      const bucket = resource(deliveryTemplate, logicalId(service.delivery.bucket));
      const clientOrigin = config.Origins.find((o) => isClientBucket({ TargetOriginId: o.Id } as Behaviour))!;

      expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      });
      const [oacId] = [...referencedLogicalIds(clientOrigin.OriginAccessControlId)];
      expect(resource(deliveryTemplate, oacId!).Properties.OriginAccessControlConfig).toMatchObject({
        OriginAccessControlOriginType: 's3',
        SigningBehavior: 'always',
        SigningProtocol: 'sigv4',
      });
    });

    it('lets CloudFront read its objects for this distribution only, and nobody else anything', () => {
      const policies = Object.values(resourcesOfType(deliveryTemplate, 'AWS::S3::BucketPolicy')).filter((p) =>
        referencedLogicalIds(p.Properties.Bucket).has(logicalId(service.delivery.bucket)),
      );
      const statements = policies.flatMap(
        (p) => (p.Properties.PolicyDocument as { Statement: Record<string, unknown>[] }).Statement,
      );
      const allowed = statements.filter((s) => s.Effect === 'Allow');

      expect(allowed.filter((s) => JSON.stringify(s.Principal).includes('cloudfront'))).toEqual([
        expect.objectContaining({
          Action: 's3:GetObject',
          Principal: { Service: 'cloudfront.amazonaws.com' },
          Condition: { StringEquals: { 'AWS:SourceArn': expect.anything() } },
        }),
      ]);
      const cloudFront = allowed.find((s) => JSON.stringify(s.Principal).includes('cloudfront'))!;
      expect(
        flat(
          (cloudFront.Condition as Record<string, Record<string, unknown>>).StringEquals!['AWS:SourceArn'],
        ),
      ).toBe(
        `arn:<AWS::Partition>:cloudfront::<AWS::AccountId>:distribution/<${logicalId(service.delivery.distribution)}>`,
      );
      // The rest: CDK's own handlers (emptying the bucket on removal), by role, never a public principal.
      for (const statement of allowed) expect(JSON.stringify(statement.Principal)).not.toMatch(/"\*"/);
    });

    it('receives the built client: hashed assets cached for a year and kept, the page revalidated and replaced', () => {
      const deployments = Object.values(resourcesOfType(deliveryTemplate, 'Custom::CDKBucketDeployment'));
      const assets = deployments.find((d) => JSON.stringify(d.Properties.Include) === '["assets/*"]')!;
      const page = deployments.find((d) => JSON.stringify(d.Properties.Exclude) === '["assets/*"]')!;

      expect(deployments).toHaveLength(2);
      expect(assets.Properties).toMatchObject({
        Exclude: ['*'],
        Prune: false,
        SystemMetadata: { 'cache-control': ASSET_CACHE_CONTROL },
      });
      expect(page.Properties).toMatchObject({
        Prune: true,
        SystemMetadata: { 'cache-control': PAGE_CACHE_CONTROL },
        DistributionPaths: ['/index.html'],
      });
      expect(referencedLogicalIds(page.Properties.DistributionId)).toEqual(
        new Set([logicalId(service.delivery.distribution)]),
      );
      for (const deployment of deployments) {
        expect(referencedLogicalIds(deployment.Properties.DestinationBucketName)).toEqual(
          new Set([logicalId(service.delivery.bucket)]),
        );
      }
    });
  });

  describe('the behaviours', () => {
    it.each(routes.filter(isDeployed).map((r) => [`${r.method} ${r.path}`, r] as const))(
      'send %s to the API, with everything the viewer sent but the Host',
      (_, route) => {
        const behaviour = behaviourFor(config, samplePath(route));

        expect(isApi(behaviour)).toBe(true);
        expect(behaviour.OriginRequestPolicyId).toBe(
          cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
        );
        expect(behaviour.AllowedMethods).toEqual(
          expect.arrayContaining(['GET', 'HEAD', 'OPTIONS', 'PUT', 'PATCH', 'POST', 'DELETE']),
        );
        expect(behaviour.ViewerProtocolPolicy).toBe('redirect-to-https');
      },
    );

    it('are one per first path segment of the API, as the contract lists them', () => {
      expect(apiPathPatterns().sort()).toEqual(
        [
          '/healthz',
          '/openapi.json',
          '/docs',
          '/logout',
          '/login*',
          '/v1/*',
          '/v1.0/*',
          '/users/*',
          '/feeds/*',
          '/u/*',
        ].sort(),
      );
      expect(config.CacheBehaviors.map((b) => b.PathPattern)).toEqual(
        expect.arrayContaining([...apiPathPatterns(), ...SHARED_CACHE_PATTERNS, '/assets/*']),
      );
    });

    it('never cache the API, except the public feeds, pages and listing', () => {
      const sharedCache = logicalId(service.delivery.sharedCachePolicy);
      for (const behaviour of config.CacheBehaviors.filter(isApi)) {
        const cached = SHARED_CACHE_PATTERNS.includes(behaviour.PathPattern!);
        if (cached)
          expect([...referencedLogicalIds(behaviour.CachePolicyId)], behaviour.PathPattern).toEqual([
            sharedCache,
          ]);
        else
          expect(behaviour.CachePolicyId, behaviour.PathPattern).toBe(
            cloudfront.CachePolicy.CACHING_DISABLED.cachePolicyId,
          );
      }
      expect(behaviourFor(config, '/v1/users/alice/links').PathPattern).toBe('/v1/users/*/links');
      expect(behaviourFor(config, '/v1/users/alice').PathPattern).toBe('/v1/*');
      expect(behaviourFor(config, '/v1/links').CachePolicyId).toBe(
        cloudfront.CachePolicy.CACHING_DISABLED.cachePolicyId,
      );
    });

    it('keep only public GET routes behind the shared cache', () => {
      for (const route of routes.filter(isDeployed)) {
        const behaviour = behaviourFor(config, samplePath(route));
        if (SHARED_CACHE_PATTERNS.includes(behaviour.PathPattern ?? '')) {
          expect(route.access, route.path).toBe('public');
          expect(route.method, route.path).toBe('GET');
        }
      }
    });

    it("keep public answers as the function's Cache-Control says, a minute at most, keyed on query and Accept", () => {
      const policy = resource(deliveryTemplate, logicalId(service.delivery.sharedCachePolicy));

      expect(policy.Properties.CachePolicyConfig).toMatchObject({
        MinTTL: 0,
        DefaultTTL: 0,
        MaxTTL: 60,
        ParametersInCacheKeyAndForwardedToOrigin: {
          QueryStringsConfig: { QueryStringBehavior: 'all' },
          HeadersConfig: { HeaderBehavior: 'whitelist', Headers: ['Accept'] },
          CookiesConfig: { CookieBehavior: 'none' },
          EnableAcceptEncodingGzip: true,
          EnableAcceptEncodingBrotli: true,
        },
      });
    });

    it("give the client's paths and profiles to the bucket, through the routing function", () => {
      for (const path of [...CLIENT_PATHS, profilePath('alice')]) {
        const behaviour = behaviourFor(config, path);
        expect(behaviour, path).toBe(config.DefaultCacheBehavior);
        expect(isClientBucket(behaviour)).toBe(true);
      }
      expect(config.DefaultCacheBehavior.FunctionAssociations).toEqual([
        {
          EventType: 'viewer-request',
          FunctionARN: { 'Fn::GetAtt': [logicalId(service.delivery.clientRouting), 'FunctionARN'] },
        },
      ]);
    });

    it('serve the assets from the bucket, cached as S3 says (a year, immutable)', () => {
      const assets = behaviourFor(config, '/assets/index-3f2a1b.js');

      expect(assets.PathPattern).toBe('/assets/*');
      expect(isClientBucket(assets)).toBe(true);
      expect(assets.CachePolicyId).toBe(cloudfront.CachePolicy.CACHING_OPTIMIZED.cachePolicyId);
    });

    it("turn no error into a page: the API's 4xx answers pass through untouched", () => {
      const props = resource(deliveryTemplate, logicalId(service.delivery.distribution)).Properties
        .DistributionConfig as Record<string, unknown>;

      expect(props.CustomErrorResponses).toBeUndefined();
    });

    it('reach the API over TLS 1.2 on its execute-api domain', () => {
      const api = config.Origins.find((o) => o.CustomOriginConfig)!;

      expect(api.CustomOriginConfig).toMatchObject({
        OriginProtocolPolicy: 'https-only',
        OriginSSLProtocols: ['TLSv1.2'],
      });
      // The delivery tier is a nested stack: the API's ID reaches it as a parameter.
      expect(flat(api.DomainName)).toMatch(/^<[^>]+>\.execute-api\.<AWS::Region>\.<AWS::URLSuffix>$/);
      expect(referencedLogicalIds(api.DomainName).has(logicalId(service.api.httpApi))).toBe(true);
    });
  });

  describe('the client routing function', () => {
    const fn = resource(deliveryTemplate, logicalId(service.delivery.clientRouting));
    const handler = new Function(`${fn.Properties.FunctionCode as string}; return handler;`)() as (
      event: unknown,
    ) => {
      uri?: string;
      statusCode?: number;
      headers?: Record<string, { value: string }>;
      body?: { encoding: string; data: string };
    };
    const run = (uri: string, method = 'GET') =>
      handler({ context: { requestId: 'req-1' }, request: { method, uri, headers: {}, querystring: {} } });

    it('runs on the cloudfront-js-2.0 runtime', () => {
      expect(fn.Properties.FunctionConfig).toMatchObject({ Runtime: 'cloudfront-js-2.0' });
      expect(fn.Properties.AutoPublish).toBe(true);
    });

    it("gives index.html for exactly the client's paths (web/src/paths.ts)", () => {
      const paths = fc.oneof(
        fc.constantFrom(
          ...CLIENT_PATHS,
          '/people/',
          '/people/a/b',
          '/people/%E0%A4%A',
          '/index.html',
          '/favicon.ico',
        ),
        fc.string().map((name) => profilePath(name)),
        fc.string().map((rest) => `/people/${rest}`),
        fc.webPath().map((path) => path || '/'),
      );

      fc.assert(
        fc.property(paths, (path) => {
          const answer = run(path);
          expect(answer.uri === '/index.html', path).toBe(isClientPath(path));
        }),
      );
    });

    it("answers any other path 404 in the contract's error format, as the API does", () => {
      const answer = run('/nowhere');

      expect(answer.statusCode).toBe(404);
      expect(answer.headers?.['content-type']?.value).toBe('application/json');
      expect(answer.headers?.['x-request-id']?.value).toBe('req-1');
      expect(JSON.parse(answer.body!.data)).toEqual({
        error: { code: 'not_found', message: 'No route for GET /nowhere.' },
      });
    });
  });

  describe('the security headers', () => {
    const policyOf = (policy: cloudfront.ResponseHeadersPolicy) =>
      (
        resource(deliveryTemplate, logicalId(policy)).Properties.ResponseHeadersPolicyConfig as Record<
          string,
          unknown
        >
      ).SecurityHeadersConfig as Record<string, Record<string, unknown>>;

    it("give the client's page and files the CSP of shared/http/page-security.ts, HSTS and nosniff", () => {
      const expected = webClientSecurityHeaders(browserUploadOrigins(service.settings));
      const csp = service.resolve(expected['content-security-policy']) as unknown;

      expect(policyOf(service.delivery.clientHeaders)).toEqual({
        ContentSecurityPolicy: { ContentSecurityPolicy: csp, Override: true },
        FrameOptions: { FrameOption: 'DENY', Override: true },
        ReferrerPolicy: { ReferrerPolicy: expected['referrer-policy'], Override: true },
        StrictTransportSecurity: {
          AccessControlMaxAgeSec: 63072000,
          IncludeSubdomains: false,
          Override: true,
        },
        ContentTypeOptions: { Override: true },
      });
      expect(expected['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      // The import's upload goes from the page straight to the imports bucket's presigned URL.
      expect(JSON.stringify(csp)).toContain("connect-src 'self' https://delinkcious-dev-imports-");
      expect(
        [config.DefaultCacheBehavior, behaviourFor(config, '/assets/a.js')].map((b) => [
          ...referencedLogicalIds(b.ResponseHeadersPolicyId),
        ]),
      ).toEqual([[logicalId(service.delivery.clientHeaders)], [logicalId(service.delivery.clientHeaders)]]);
    });

    it("give the API's answers HSTS and nosniff, and a strict CSP and no framing unless they have their own", () => {
      expect(policyOf(service.delivery.apiHeaders)).toEqual({
        ContentSecurityPolicy: {
          ContentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'",
          Override: false,
        },
        FrameOptions: { FrameOption: 'DENY', Override: false },
        StrictTransportSecurity: {
          AccessControlMaxAgeSec: 63072000,
          IncludeSubdomains: false,
          Override: true,
        },
        ContentTypeOptions: { Override: true },
      });
      for (const behaviour of config.CacheBehaviors.filter(isApi)) {
        expect([...referencedLogicalIds(behaviour.ResponseHeadersPolicyId)]).toEqual([
          logicalId(service.delivery.apiHeaders),
        ]);
      }
    });
  });

  describe('the web ACL', () => {
    const acl = resource(deliveryTemplate, logicalId(service.delivery.firewall.webAcl));
    type Rule = {
      Name: string;
      Priority: number;
      Statement: Record<string, Record<string, unknown>>;
      Action?: unknown;
    };
    const rules = acl.Properties.Rules as Rule[];

    it("guards the distribution, at CloudFront's scope", () => {
      expect(acl.Properties).toMatchObject({ Scope: 'CLOUDFRONT', DefaultAction: { Allow: {} } });
      expect(referencedLogicalIds(config.WebACLId)).toEqual(
        new Set([logicalId(service.delivery.firewall.webAcl)]),
      );
    });

    it("refuses a client IP above the stage's edge limit first, with 429 in the contract's error format", () => {
      const rate = rules.find((r) => r.Statement.RateBasedStatement)!;
      const { edgeRateLimit } = service.settings;

      expect(rate.Priority).toBe(Math.min(...rules.map((r) => r.Priority)));
      expect(rate.Statement.RateBasedStatement).toEqual({
        AggregateKeyType: 'IP',
        Limit: edgeRateLimit.requests,
        EvaluationWindowSec: edgeRateLimit.windowSeconds,
      });
      expect(rate.Action).toEqual({
        Block: {
          CustomResponse: {
            ResponseCode: 429,
            CustomResponseBodyKey: 'rateLimited',
            ResponseHeaders: [{ Name: 'retry-after', Value: String(edgeRateLimit.windowSeconds) }],
          },
        },
      });
      const body = (
        acl.Properties.CustomResponseBodies as Record<string, { Content: string; ContentType: string }>
      ).rateLimited!;
      expect(body.ContentType).toBe('APPLICATION_JSON');
      expect(JSON.parse(body.Content)).toEqual(EDGE_RATE_LIMITED_BODY);
      expect(EDGE_RATE_LIMITED_BODY.error.code).toBe('rate_limited');
    });

    it("applies AWS's common and known-bad-inputs rule sets, counting only the rules that refuse bookmarks", () => {
      const managed = rules.filter((r) => r.Statement.ManagedRuleGroupStatement);

      expect(managed.map((r) => r.Statement.ManagedRuleGroupStatement!.Name)).toEqual([
        'AWSManagedRulesCommonRuleSet',
        'AWSManagedRulesKnownBadInputsRuleSet',
      ]);
      expect(managed[0]!.Statement.ManagedRuleGroupStatement!.RuleActionOverrides).toEqual(
        Object.keys(COUNTED_COMMON_RULES).map((name) => ({ Name: name, ActionToUse: { Count: {} } })),
      );
      expect(managed[1]!.Statement.ManagedRuleGroupStatement!.RuleActionOverrides).toBeUndefined();
    });

    it('logs blocked and counted requests, without credentials', () => {
      const logging = Object.values(
        resourcesOfType(deliveryTemplate, 'AWS::WAFv2::LoggingConfiguration'),
      )[0]!;

      expect(logging.Properties.LoggingFilter).toMatchObject({ DefaultBehavior: 'DROP' });
      expect(logging.Properties.RedactedFields).toEqual([
        { SingleHeader: { Name: 'authorization' } },
        { SingleHeader: { Name: 'access-token' } },
        { SingleHeader: { Name: 'cookie' } },
      ]);
      const logGroupId = logicalId(service.delivery.firewall.logs);
      expect((logging.Properties.LogDestinationConfigs as unknown[]).map(flat)).toEqual([
        `arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:<${logGroupId}>`,
      ]);
      // WAF writes only to groups under this prefix.
      expect(flat(resource(deliveryTemplate, logGroupId).Properties.LogGroupName)).toBe(
        'aws-waf-logs-delinkcious-dev-<AWS::Region>',
      );
    });
  });

  describe('the distribution', () => {
    it('writes access logs to a private bucket of their own, kept as long as the other logs', () => {
      const logBucket = resource(deliveryTemplate, logicalId(service.delivery.logBucket));

      expect(referencedLogicalIds(config.Logging.Bucket)).toEqual(
        new Set([logicalId(service.delivery.logBucket)]),
      );
      expect(logBucket.Properties.PublicAccessBlockConfiguration).toMatchObject({ BlockPublicPolicy: true });
      expect(logBucket.Properties.LifecycleConfiguration).toEqual({
        Rules: [{ Id: 'logs', ExpirationInDays: 14, Status: 'Enabled' }],
      });
    });

    it("is on its own cloudfront.net domain without a custom one, which the site's URL follows", () => {
      expect(config.Aliases).toBeUndefined();
      // The service stack reads the distribution's domain from the nested delivery tier's output.
      const siteUrl = flat(serviceTemplate.findOutputs('SiteUrl').SiteUrl!.Value);
      const outputName = /^https:\/\/<[^>]+\.Outputs\.([^>]+)>$/.exec(siteUrl)?.[1];
      expect(outputName, siteUrl).toBeDefined();
      expect(flat(deliveryTemplate.findOutputs(outputName!)[outputName!]!.Value)).toBe(
        `<${logicalId(service.delivery.distribution)}.DomainName>`,
      );
      expect(flat(serviceTemplate.findOutputs('GitHubCallbackUrl').GitHubCallbackUrl!.Value)).toBe(
        `${siteUrl}/login/authorized`,
      );
    });

    it(`refuses to deploy outside ${DELIVERY_REGION}, where CloudFront's web ACL and certificate live`, () => {
      const rules = (
        serviceTemplate.toJSON() as { Rules: Record<string, { Assertions: { Assert: unknown }[] }> }
      ).Rules;

      expect(Object.values(rules).flatMap((r) => r.Assertions.map((a) => a.Assert))).toContainEqual({
        'Fn::Equals': [{ Ref: 'AWS::Region' }, DELIVERY_REGION],
      });
    });
  });
});

describe('the delivery tier with a custom domain', () => {
  const synthesized = synthesize('dev', TEST_SITE_DOMAIN);
  const config = distributionOf(synthesized);

  it('answers on the domain with its certificate, TLS 1.2 at least, by SNI', () => {
    expect(config.Aliases).toEqual([TEST_SITE_DOMAIN.domainName]);
    expect(config.ViewerCertificate).toEqual({
      AcmCertificateArn: TEST_SITE_DOMAIN.certificateArn,
      MinimumProtocolVersion: 'TLSv1.2_2021',
      SslSupportMethod: 'sni-only',
    });
  });

  it("puts the site's URL, the GitHub callback and the feeds' links on the domain", () => {
    const { serviceTemplate, wholeServiceTemplate } = synthesized;
    const login = synthesized.service.functions.get('loginCallback')!;
    const variables = resource(wholeServiceTemplate, synthesized.logicalId(login.function)).Properties
      .Environment as {
      Variables: Record<string, unknown>;
    };

    expect(serviceTemplate.findOutputs('SiteUrl').SiteUrl!.Value).toBe('https://links.example.com');
    expect(variables.Variables).toMatchObject({
      SERVICE_URL: 'https://links.example.com',
      GITHUB_CALLBACK_URL: 'https://links.example.com/login/authorized',
    });
  });

  it("is cdk-nag clean, needing no acknowledgment of the default certificate's TLS", () => {
    const report = new AwsSolutionsChecks().validateScope(synthesized.app);

    expect(report.violations.map((v) => v.ruleName)).toEqual([]);
    const acknowledged = synthesized.service.delivery.distribution.node.metadata.filter((m) =>
      JSON.stringify(m.data).includes('AwsSolutions-CFR4'),
    );
    expect(acknowledged).toEqual([]);
  });
});

describe('the custom domain option', () => {
  it('takes a host name and an ACM certificate in us-east-1, both or neither', () => {
    expect(parseSiteDomain(undefined, undefined)).toBeUndefined();
    expect(parseSiteDomain(TEST_SITE_DOMAIN.domainName, TEST_SITE_DOMAIN.certificateArn)).toEqual(
      TEST_SITE_DOMAIN,
    );
    expect(() => parseSiteDomain('links.example.com', undefined)).toThrow(/both/);
    expect(() => parseSiteDomain(undefined, TEST_SITE_DOMAIN.certificateArn)).toThrow(/both/);
    expect(() => parseSiteDomain('https://links.example.com', TEST_SITE_DOMAIN.certificateArn)).toThrow(
      /host name/,
    );
    expect(() =>
      parseSiteDomain('links.example.com', TEST_SITE_DOMAIN.certificateArn.replace('us-east-1', 'eu-west-1')),
    ).toThrow(/us-east-1/);
  });
});
