import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import {
  AssetHashType,
  DefaultStackSynthesizer,
  DockerImage,
  Duration,
  RemovalPolicy,
  Stack,
  Validations,
  aws_certificatemanager as acm,
  aws_cloudfront as cloudfront,
  aws_cloudfront_origins as origins,
  aws_logs as logs,
  aws_s3 as s3,
  aws_s3_deployment as s3deploy,
  type CfnElement,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { WEB_CLIENT_SOURCES } from '../local/web-client.ts';
import { NOSNIFF, webClientSecurityHeaders } from '../shared/http/page-security.ts';
import type { Api } from './api.ts';
import { EdgeFirewall } from './edge-firewall.ts';
import { clientRoutingFunctionCode, edgeBehaviours } from './edge-routing.ts';
import type { SiteDomain, StageSettings } from './stage.ts';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Browsers keep to HTTPS for two years once they have seen the site (not its subdomains: they are not ours). */
const HSTS_MAX_AGE = Duration.days(730);

/**
 * How long CloudFront may keep a public answer at most, whatever its `Cache-Control` says. The functions say
 * `no-cache`: no copy is served without asking them first.
 */
export const SHARED_CACHE_MAX_AGE = Duration.seconds(60);

/** The built client's page is revalidated on every load; its hashed files never change under one name. */
export const PAGE_CACHE_CONTROL = 'no-cache';
export const ASSET_CACHE_CONTROL = 'public, max-age=31536000, immutable';

interface DeliveryProps {
  settings: StageSettings;
  api: Api;
  siteDomain?: SiteDomain;
  /** Origins the client's page sends presigned uploads to (its CSP's `connect-src`): the browser-writable buckets. */
  uploadOrigins: readonly string[];
}

/**
 * The delivery tier: one CloudFront distribution for the whole site, behind the web ACL (lib/edge-firewall.ts).
 *
 * - The web client's built files in a private S3 bucket, read by CloudFront alone (origin access control);
 *   its own paths rewritten to index.html by a CloudFront Function (lib/edge-routing.ts).
 * - The API's paths to the HTTP API, with everything the viewer sent but the Host header (API Gateway routes by
 *   its own host), never cached, except public answers the functions mark cacheable, which say `no-cache`: no
 *   copy is served without asking the function first.
 * - Security headers on every answer: the client's CSP from shared/http/page-security.ts, HSTS, nosniff.
 * - Access logs to a bucket of their own; an optional custom domain with its certificate.
 */
export class Delivery extends Construct {
  readonly bucket: s3.Bucket;
  readonly logBucket: s3.Bucket;
  readonly distribution: cloudfront.Distribution;
  readonly firewall: EdgeFirewall;
  readonly clientRouting: cloudfront.Function;
  readonly clientHeaders: cloudfront.ResponseHeadersPolicy;
  readonly apiHeaders: cloudfront.ResponseHeadersPolicy;
  readonly sharedCachePolicy: cloudfront.CachePolicy;
  /** The site's URL, without a trailing slash: `https://<custom domain or distribution domain>`. */
  readonly siteUrl: string;

  constructor(scope: Construct, id: string, props: DeliveryProps) {
    super(scope, id);
    const { settings, api, siteDomain, uploadOrigins } = props;
    const stack = Stack.of(this);

    // The built client is made again from the sources at every deployment: nothing here needs keeping.
    this.bucket = new s3.Bucket(this, 'WebClient', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      removalPolicy: RemovalPolicy.DESTROY,
      autoDeleteObjects: true,
    });
    Validations.of(this.bucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'No server access logs: only CloudFront reads this bucket (origin access control), and the ' +
        "distribution's access logs record every request for its files.",
    });
    // CloudFront's standard logs are written with an ACL, which the bucket must allow (for the log writer only).
    this.logBucket = new s3.Bucket(this, 'AccessLogs', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_PREFERRED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      lifecycleRules: [{ id: 'logs', expiration: Duration.days(settings.logRetention) }],
      removalPolicy: settings.removalPolicy,
      autoDeleteObjects: !settings.deletionProtection,
    });
    Validations.of(this.logBucket).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        "This bucket holds the distribution's access logs: logging access to it would log into itself or into " +
        'yet another bucket; only CloudFront writes here and only operators read.',
    });

    this.firewall = new EdgeFirewall(this, 'Firewall', { settings });

    this.clientRouting = new cloudfront.Function(this, 'ClientRouting', {
      comment: "The web client's paths to index.html; other paths are a 404",
      runtime: cloudfront.FunctionRuntime.JS_2_0,
      code: cloudfront.FunctionCode.fromInline(clientRoutingFunctionCode()),
    });

    const hsts = {
      accessControlMaxAge: HSTS_MAX_AGE,
      includeSubdomains: false,
      override: true,
    };
    this.clientHeaders = new cloudfront.ResponseHeadersPolicy(this, 'ClientHeaders', {
      comment: "The web client's security headers (shared/http/page-security.ts)",
      securityHeadersBehavior: {
        ...clientSecurityHeaders(uploadOrigins),
        strictTransportSecurity: hsts,
        contentTypeOptions: { override: true },
      },
    });
    // The API sets its own headers (its pages' hash-based CSPs among them); these fill in what an answer lacks.
    this.apiHeaders = new cloudfront.ResponseHeadersPolicy(this, 'ApiHeaders', {
      comment:
        "The API's answers: HSTS and nosniff, a strict CSP and no framing unless the answer has its own",
      securityHeadersBehavior: {
        contentSecurityPolicy: {
          contentSecurityPolicy: "default-src 'none'; frame-ancestors 'none'",
          override: false,
        },
        frameOptions: { frameOption: cloudfront.HeadersFrameOption.DENY, override: false },
        strictTransportSecurity: hsts,
        contentTypeOptions: { override: true },
      },
    });

    // Public feeds and pages: as the function's Cache-Control says (`no-cache`: no copy served without asking
    // the function, so a link made private is in no answer after the change), a minute at most; nothing
    // without it (a `private` or uncacheable answer is fetched every time). Keyed on everything that changes
    // the answer: the query string and Accept.
    this.sharedCachePolicy = new cloudfront.CachePolicy(this, 'SharedCache', {
      comment: 'Public feeds and pages: the origin Cache-Control (no-cache), a minute at most',
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: SHARED_CACHE_MAX_AGE,
      queryStringBehavior: cloudfront.CacheQueryStringBehavior.all(),
      headerBehavior: cloudfront.CacheHeaderBehavior.allowList('Accept'),
      cookieBehavior: cloudfront.CacheCookieBehavior.none(),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });
    // A page that revalidates every time (no-cache) is fetched from S3 every time too, not kept at the edge.
    const pageCachePolicy = new cloudfront.CachePolicy(this, 'PageCache', {
      comment: "The web client's page: as its Cache-Control says",
      minTtl: Duration.seconds(0),
      defaultTtl: Duration.seconds(0),
      maxTtl: Duration.days(365),
      enableAcceptEncodingGzip: true,
      enableAcceptEncodingBrotli: true,
    });

    const apiOrigin = new origins.HttpOrigin(
      `${api.httpApi.apiId}.execute-api.${stack.region}.${stack.urlSuffix}`,
      {
        protocolPolicy: cloudfront.OriginProtocolPolicy.HTTPS_ONLY,
        originSslProtocols: [cloudfront.OriginSslPolicy.TLS_V1_2],
      },
    );
    const clientOrigin = origins.S3BucketOrigin.withOriginAccessControl(this.bucket);
    const toApi = (cachePolicy: cloudfront.ICachePolicy): cloudfront.BehaviorOptions => ({
      origin: apiOrigin,
      viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
      allowedMethods: cloudfront.AllowedMethods.ALLOW_ALL,
      cachedMethods: cloudfront.CachedMethods.CACHE_GET_HEAD,
      cachePolicy,
      originRequestPolicy: cloudfront.OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER,
      responseHeadersPolicy: this.apiHeaders,
      compress: true,
    });
    const behaviours: Record<string, cloudfront.BehaviorOptions> = {};
    for (const { pattern, target } of edgeBehaviours()) {
      behaviours[pattern] =
        target === 'assets'
          ? {
              origin: clientOrigin,
              viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
              cachePolicy: cloudfront.CachePolicy.CACHING_OPTIMIZED,
              responseHeadersPolicy: this.clientHeaders,
              compress: true,
            }
          : toApi(target === 'cachedApi' ? this.sharedCachePolicy : cloudfront.CachePolicy.CACHING_DISABLED);
    }

    this.distribution = new cloudfront.Distribution(this, 'Distribution', {
      comment: `Delinkcious (${settings.stage})`,
      defaultBehavior: {
        origin: clientOrigin,
        viewerProtocolPolicy: cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        cachePolicy: pageCachePolicy,
        responseHeadersPolicy: this.clientHeaders,
        compress: true,
        functionAssociations: [
          { function: this.clientRouting, eventType: cloudfront.FunctionEventType.VIEWER_REQUEST },
        ],
      },
      additionalBehaviors: behaviours,
      webAclId: this.firewall.webAcl.attrArn,
      httpVersion: cloudfront.HttpVersion.HTTP2_AND_3,
      priceClass: cloudfront.PriceClass.PRICE_CLASS_100,
      enableLogging: true,
      logBucket: this.logBucket,
      logFilePrefix: 'cloudfront/',
      ...(siteDomain
        ? {
            domainNames: [siteDomain.domainName],
            certificate: acm.Certificate.fromCertificateArn(this, 'Certificate', siteDomain.certificateArn),
            minimumProtocolVersion: cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
          }
        : {}),
    });
    Validations.of(this.distribution).acknowledge({
      id: 'AwsSolutions-CFR1',
      reason:
        'No geographic restriction: a bookmarking service for anyone, anywhere; abuse is limited per client IP ' +
        'by the web ACL instead.',
    });
    if (!siteDomain) {
      Validations.of(this.distribution).acknowledge({
        id: 'AwsSolutions-CFR4',
        reason:
          "On the distribution's own cloudfront.net domain CloudFront's default certificate decides the viewer " +
          'TLS versions; with a custom domain (-c domainName, -c certificateArn) TLS 1.2 is the minimum.',
      });
    }
    this.siteUrl = `https://${siteDomain?.domainName ?? this.distribution.distributionDomainName}`;

    this.deployClient(settings);
  }

  /**
   * The built client into the bucket: the hashed assets first, kept across deployments (a page loaded before
   * still finds its files), then the page, after which the edge forgets the old one.
   */
  private deployClient(settings: StageSettings): void {
    // One log group for CDK's deployment handler, which both deployments share.
    const logGroup = new logs.LogGroup(this, 'DeploymentLogs', {
      retention: settings.logRetention,
      removalPolicy: settings.removalPolicy,
    });
    const build = s3deploy.Source.asset(WEB_CLIENT_SOURCES, {
      // The sources' hash names the build: an unchanged client is not built again.
      assetHashType: AssetHashType.SOURCE,
      bundling: {
        // Never used: the local build either succeeds or stops the synthesis with Vite's error.
        image: DockerImage.fromRegistry('public.ecr.aws/docker/library/node:24-slim'),
        local: { tryBundle: (outputDir) => buildWebClient(outputDir) },
      },
    });
    const assets = new s3deploy.BucketDeployment(this, 'DeployAssets', {
      sources: [build],
      destinationBucket: this.bucket,
      include: ['assets/*'],
      exclude: ['*'],
      prune: false,
      logGroup,
      cacheControl: [s3deploy.CacheControl.fromString(ASSET_CACHE_CONTROL)],
    });
    const page = new s3deploy.BucketDeployment(this, 'DeployPage', {
      sources: [build],
      destinationBucket: this.bucket,
      exclude: ['assets/*'],
      cacheControl: [s3deploy.CacheControl.fromString(PAGE_CACHE_CONTROL)],
      distribution: this.distribution,
      distributionPaths: ['/index.html'],
      logGroup,
    });
    page.node.addDependency(assets);
    this.acknowledgeDeploymentHandler();
  }

  /** The findings on CDK's own deployment handler (one per stack, shared by both deployments), each with why. */
  private acknowledgeDeploymentHandler(): void {
    const stack = Stack.of(this);
    const handler = stack.node.children.find((child) =>
      child.node.id.startsWith('Custom::CDKBucketDeployment'),
    );
    if (!handler) throw new Error('No bucket deployment handler in the stack.');
    const bucketId = stack.getLogicalId(this.bucket.node.defaultChild as CfnElement);
    const assetBucket = `arn:<AWS::Partition>:s3:::cdk-${DefaultStackSynthesizer.DEFAULT_QUALIFIER}-assets-<AWS::AccountId>-<AWS::Region>/*`;
    const deployOnly = "CDK's bucket deployment handler, which runs only while deploying";
    const acknowledge = (id: string, reason: string) => Validations.of(handler).acknowledge({ id, reason });
    acknowledge(
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      `${deployOnly}: the managed policy lets it write its logs, nothing more.`,
    );
    acknowledge('AwsSolutions-L1', `${deployOnly}: CDK chooses its runtime and updates it with aws-cdk-lib.`);
    for (const action of ['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*']) {
      acknowledge(
        `AwsSolutions-IAM5[Action::${action}]`,
        `${deployOnly}: CDK's grant to read the build from the asset bucket and sync it into the client's bucket.`,
      );
    }
    acknowledge(
      `AwsSolutions-IAM5[Resource::${assetBucket}]`,
      `${deployOnly}: it reads the build's zip from the CDK asset bucket, whose keys are content hashes.`,
    );
    acknowledge(
      `AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/*]`,
      `${deployOnly}: it writes and prunes the built files in the web client's bucket, named by the build.`,
    );
    acknowledge(
      'AwsSolutions-IAM5[Resource::*]',
      `${deployOnly}: CloudFront's CreateInvalidation and GetInvalidation, which take no resource narrower than *.`,
    );
  }
}

/** Builds the client with the project's own script (`npm run web:build`) into `outputDir`. */
function buildWebClient(outputDir: string): boolean {
  execFileSync('npm', ['run', '--silent', 'web:build', '--', '--outDir', outputDir, '--emptyOutDir'], {
    cwd: PROJECT_ROOT,
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  return true;
}

/**
 * webClientSecurityHeaders() as CloudFront's security headers, overriding whatever S3 would say. A header this
 * does not know stops the synthesis rather than go missing on AWS.
 */
function clientSecurityHeaders(uploadOrigins: readonly string[]): cloudfront.ResponseSecurityHeadersBehavior {
  const headers = { ...webClientSecurityHeaders(uploadOrigins) };
  const take = (name: string): string => {
    const value = headers[name];
    if (value === undefined) throw new Error(`The web client's headers no longer include ${name}.`);
    delete headers[name];
    return value;
  };
  const frameOption = take('x-frame-options');
  const referrerPolicy = take('referrer-policy');
  const behaviour: cloudfront.ResponseSecurityHeadersBehavior = {
    contentSecurityPolicy: { contentSecurityPolicy: take('content-security-policy'), override: true },
    frameOptions: {
      frameOption: enumValue(cloudfront.HeadersFrameOption, frameOption.toUpperCase()),
      override: true,
    },
    referrerPolicy: {
      referrerPolicy: enumValue(cloudfront.HeadersReferrerPolicy, referrerPolicy),
      override: true,
    },
  };
  const unknown = Object.keys(headers).filter((name) => !(name in NOSNIFF));
  if (unknown.length > 0) throw new Error(`No CloudFront header policy for ${unknown.join(', ')}.`);
  return behaviour;
}

function enumValue<T extends Record<string, string>>(values: T, value: string): T[keyof T] {
  const found = Object.values(values).find((candidate) => candidate === value);
  if (!found) throw new Error(`"${value}" is not one of ${Object.values(values).join(', ')}.`);
  return found as T[keyof T];
}
