import { Duration, RemovalPolicy, aws_logs as logs } from 'aws-cdk-lib';
import { DEFAULT_RATE_LIMIT } from '../shared/config.ts';

/** The environments the app deploys to; each is its own pair of stacks, so both can live in one account. */
const STAGES = ['dev', 'prod'] as const;
export type Stage = (typeof STAGES)[number];

/** Reads the `-c stage=...` context value: dev when absent, an error naming the choices when unknown. */
export function parseStage(value: unknown): Stage {
  if (value === undefined) return 'dev';
  const stage = STAGES.find((candidate) => candidate === value);
  if (!stage)
    throw new Error(`Unknown stage "${String(value)}": use -c stage=${STAGES.join(' or -c stage=')}.`);
  return stage;
}

/**
 * CORS, written down: API clients authenticate with a bearer token in a header (`Authorization` or the original's
 * `Access-Token`), so any origin may call the API, unless `-c corsOrigins=https://a.example,https://b.example`
 * narrows it; a page elsewhere can do nothing with it that a script outside the browser could not. Credentials are
 * never allowed, so no other origin reads an answer to a request that carried the web client's session cookie;
 * and the cookie's CSRF header (`X-Requested-With`, shared/http/browser-session.ts) is never an allowed header, so
 * no other origin can send it: a cookie-signed change must come from the service's own pages.
 * API Gateway answers the preflight itself and adds the headers to every response.
 */
interface CorsSettings {
  allowOrigins: string[];
  allowMethods: readonly ('GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE' | 'OPTIONS')[];
  allowHeaders: readonly string[];
  /** Response headers a browser script may read: the request id, and what 401, 405 and 429 answers carry. */
  exposeHeaders: readonly string[];
  allowCredentials: false;
  maxAge: Duration;
}

export const CORS_ALLOW_HEADERS = ['authorization', 'access-token', 'content-type'] as const;
export const CORS_EXPOSE_HEADERS = ['x-request-id', 'retry-after', 'www-authenticate', 'allow'] as const;

/**
 * What a stage decides. prod keeps its data when a stack or resource goes away (tables, buckets, secrets and
 * logs are retained, tables refuse deletion, the stacks have termination protection); dev goes away cleanly
 * with `cdk destroy` (buckets are emptied first). Both limit each client to the contract's rate
 * (`DEFAULT_RATE_LIMIT`: 12 requests per second, bursts up to 80); the web ACL in front of the distribution
 * stops a client IP far above it at the edge (`edgeRateLimit`), so that API Gateway's outer bound is shared by
 * many clients and no single one can exhaust it.
 */
export interface StageSettings {
  stage: Stage;
  removalPolicy: RemovalPolicy;
  deletionProtection: boolean;
  terminationProtection: boolean;
  /** Function and access logs: long enough to investigate an incident, short enough to cost little. */
  logRetention: logs.RetentionDays;
  /** Per client, and how the limiter spends it (`DEFAULT_RATE_LIMIT`, shared/config.ts): claims and leases. */
  rateLimit: Record<keyof typeof DEFAULT_RATE_LIMIT, number>;
  /**
   * The web ACL's rate-based rule: requests per client IP in a sliding window, counted at CloudFront (the client's
   * files and cached answers count too). Above the contract's own limit (12 per second, 720 a minute, plus a
   * burst of 80): a client that keeps to the contract never meets it, and the functions answer its excess with
   * their precise `Retry-After`; a flood from one address is refused at the edge, before API Gateway's throttle.
   */
  edgeRateLimit: { requests: number; windowSeconds: 60 | 120 | 300 | 600 };
  /**
   * The outer bound on the whole API (API Gateway answers 429 beyond it without invoking anything): it caps
   * what a flood from many clients can cost in Lambda concurrency and DynamoDB on-demand spend. With one address
   * held to `edgeRateLimit` at the edge (20 requests per second), the rate takes a dozen addresses flooding at
   * once to reach, and the burst is six clients' bursts.
   */
  apiThrottle: { burstLimit: number; rateLimit: number };
  cors: CorsSettings;
  /**
   * How a new version of a function takes traffic (CodeDeploy, on each function's `live` alias). prod: a canary,
   * 10% for 5 minutes, then all, rolled back if the function's alarms fire meanwhile. dev: all at once (still
   * rolled back on alarm), so that a deploy takes no 5-minute wait per function.
   */
  deployment: { canary: boolean };
}

export function stageSettings(stage: Stage, options: { corsOrigins?: string[] } = {}): StageSettings {
  const prod = stage === 'prod';
  return {
    stage,
    removalPolicy: prod ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY,
    deletionProtection: prod,
    terminationProtection: prod,
    logRetention: prod ? logs.RetentionDays.THREE_MONTHS : logs.RetentionDays.TWO_WEEKS,
    rateLimit: { ...DEFAULT_RATE_LIMIT },
    edgeRateLimit: { requests: 1200, windowSeconds: 60 },
    apiThrottle: { burstLimit: 500, rateLimit: 250 },
    deployment: { canary: prod },
    cors: {
      allowOrigins: options.corsOrigins && options.corsOrigins.length > 0 ? options.corsOrigins : ['*'],
      allowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
      allowHeaders: CORS_ALLOW_HEADERS,
      exposeHeaders: CORS_EXPOSE_HEADERS,
      allowCredentials: false,
      maxAge: Duration.days(1),
    },
  };
}

/** Parses `-c corsOrigins=https://a.example,https://b.example`; undefined when not given. */
export function parseCorsOrigins(value: unknown): string[] | undefined {
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string') throw new Error('corsOrigins must be a comma-separated list of origins.');
  const origins = value
    .split(',')
    .map((origin) => origin.trim())
    .filter(Boolean);
  for (const origin of origins) {
    if (origin !== '*' && !/^https?:\/\/[^/\s]+$/.test(origin)) {
      throw new Error(`corsOrigins: "${origin}" is not an origin (scheme and host, no path).`);
    }
  }
  return origins;
}

/**
 * The site's own domain (`-c domainName=links.example.com -c certificateArn=arn:aws:acm:us-east-1:...`): the
 * distribution answers on it with that ACM certificate, which CloudFront takes from us-east-1 only. Without
 * it, the site is on the distribution's own `*.cloudfront.net` domain.
 */
export interface SiteDomain {
  domainName: string;
  certificateArn: string;
}

/** Reads the two context values: both or neither, a host name and an ACM certificate ARN in us-east-1. */
export function parseSiteDomain(domainName: unknown, certificateArn: unknown): SiteDomain | undefined {
  const given = (value: unknown) => value !== undefined && value !== '';
  if (!given(domainName) && !given(certificateArn)) return undefined;
  if (
    typeof domainName !== 'string' ||
    typeof certificateArn !== 'string' ||
    !given(domainName) ||
    !given(certificateArn)
  ) {
    throw new Error(
      'A custom domain needs both -c domainName=<host> and -c certificateArn=<ACM certificate ARN>.',
    );
  }
  if (!/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/.test(domainName)) {
    throw new Error(`domainName: "${domainName}" is not a host name (lower case, no scheme, no path).`);
  }
  if (!/^arn:aws[a-z-]*:acm:us-east-1:\d{12}:certificate\/[\w-]+$/.test(certificateArn)) {
    throw new Error(
      `certificateArn: "${certificateArn}" is not an ACM certificate in us-east-1, where CloudFront takes certificates from.`,
    );
  }
  return { domainName, certificateArn };
}
