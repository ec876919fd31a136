/**
 * AWS list prices in us-east-1 (N. Virginia), in dollars, without free tiers or volume discounts (the first tier
 * of each), as published when read. Each price names where it was read and when; `known` marks a price taken
 * from the last list price known rather than from a page read then. `npm run bench:cost` prices its counts with
 * these and nothing else.
 */
export interface Price {
  dollars: number;
  /** What one `dollars` buys. */
  per: string;
  source: string;
  /** When the source was read (or, for `known`, when the price was last confirmed). */
  read: string;
  /** Taken from the last list price known, not from the source on that date. */
  known?: true;
}

const READ = '2026-12-02';

export const prices = {
  dynamoDbWriteRequestUnit: {
    dollars: 0.625 / 1e6,
    per: 'write request unit, on-demand, Standard table class',
    source:
      'https://aws.amazon.com/dynamodb/pricing/on-demand/ (also airbyte.com/data-engineering-resources/dynamodb-pricing)',
    read: READ,
  },
  dynamoDbReadRequestUnit: {
    dollars: 0.125 / 1e6,
    per: 'read request unit, on-demand, Standard table class',
    source:
      'https://aws.amazon.com/dynamodb/pricing/on-demand/ (also airbyte.com/data-engineering-resources/dynamodb-pricing)',
    read: READ,
  },
  dynamoDbStorage: {
    dollars: 0.25,
    per: 'GB-month of table data (first 25 GB free, not counted here)',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    read: READ,
    known: true,
  },
  dynamoDbPointInTimeRecovery: {
    dollars: 0.2,
    per: 'GB-month of continuous backups',
    source: 'https://aws.amazon.com/dynamodb/pricing/on-demand/',
    read: READ,
    known: true,
  },
  lambdaRequest: {
    dollars: 0.2 / 1e6,
    per: 'invocation',
    source:
      'https://aws.amazon.com/lambda/pricing/ (also git.mcrn.ar lambda_local_runner docs, dated 2026-05-11)',
    read: READ,
  },
  lambdaArmGbSecond: {
    dollars: 0.0000133334,
    per: 'GB-second, arm64 (first 7.5 billion GB-s a month)',
    source: 'https://aws.amazon.com/lambda/pricing/ (also cloudchipr.com/blog/aws-lambda-pricing)',
    read: READ,
  },
  httpApiRequest: {
    dollars: 1.0 / 1e6,
    per: 'HTTP API request (first 300 million a month; metered in 512 KB increments)',
    source:
      'https://docs.aws.amazon.com/whitepapers/latest/best-practices-api-gateway-private-apis-integration/cost-optimization.html',
    read: READ,
  },
  sqsStandardRequest: {
    dollars: 0.4 / 1e6,
    per: 'standard queue request (each 64 KB chunk of a payload is one)',
    source:
      'https://aws.amazon.com/sqs/pricing/ (also cloudburn.io/blog/amazon-sqs-pricing, dated 2026-03-14)',
    read: READ,
  },
  sqsFifoRequest: {
    dollars: 0.5 / 1e6,
    per: 'FIFO queue request',
    source:
      'https://aws.amazon.com/sqs/pricing/ (also cloudburn.io/blog/amazon-sqs-pricing, dated 2026-03-14)',
    read: READ,
  },
  sqsFairQueueSurcharge: {
    dollars: 0.1 / 1e6,
    per: 'fair queue request, on top of the standard price',
    source: 'cloudburn.io/blog/amazon-sqs-pricing, dated 2026-03-14 (not confirmed on the AWS page)',
    read: '2026-03-14',
  },
  s3WriteRequest: {
    dollars: 0.005 / 1000,
    per: 'S3 Standard PUT, COPY, POST or LIST request',
    source: 'https://aws.amazon.com/s3/pricing/ (also cloudkaramchari.com on S3 request pricing)',
    read: READ,
  },
  s3ReadRequest: {
    dollars: 0.0004 / 1000,
    per: 'S3 Standard GET, HEAD and other request (DELETE is free)',
    source: 'https://aws.amazon.com/s3/pricing/',
    read: READ,
    known: true,
  },
  s3Storage: {
    dollars: 0.023,
    per: 'GB-month, S3 Standard (first 50 TB)',
    source: 'https://aws.amazon.com/s3/pricing/',
    read: READ,
    known: true,
  },
  cloudFrontHttpsRequest: {
    dollars: 0.01 / 10_000,
    per: 'HTTPS request, United States, Mexico and Canada',
    source: 'https://aws.amazon.com/cloudfront/pricing/',
    read: READ,
    known: true,
  },
  cloudFrontDataTransferOut: {
    dollars: 0.085,
    per: 'GB to the internet, United States, Mexico and Canada (first 10 TB)',
    source: 'https://aws.amazon.com/cloudfront/pricing/',
    read: READ,
  },
  wafRequest: {
    dollars: 0.6 / 1e6,
    per: 'request inspected by a web ACL',
    source: 'c3x.dev/blog/aws-waf-cost-explained; awsnegotiations.com/waf-pricing-strategy.html (2026)',
    read: READ,
  },
  wafWebAcl: {
    dollars: 5,
    per: 'web ACL-month',
    source: 'c3x.dev/blog/aws-waf-cost-explained; awsnegotiations.com/waf-pricing-strategy.html (2026)',
    read: READ,
  },
  wafRule: {
    dollars: 1,
    per: 'rule-month (a managed rule group counts as one)',
    source: 'c3x.dev/blog/aws-waf-cost-explained',
    read: READ,
  },
  cloudWatchLogIngestion: {
    dollars: 0.5,
    per: 'GB of logs ingested (Standard log class)',
    source: 'factualminds.com CloudWatch pricing, dated 2026-06-13; cloudonaut.io',
    read: '2026-06-13',
  },
  cloudWatchLogStorage: {
    dollars: 0.03,
    per: 'GB-month of logs stored',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    read: READ,
    known: true,
  },
  cloudWatchCustomMetric: {
    dollars: 0.3,
    per: 'custom metric-month (first 10,000; prorated by the hour, only hours with data)',
    source: 'signoz.io/guides/cloudwatch-pricing, updated 2026-02-15; cloudonaut.io',
    read: '2026-02-15',
  },
  cloudWatchAlarmMetric: {
    dollars: 0.1,
    per: 'standard-resolution alarm metric-month',
    source: 'https://aws.amazon.com/cloudwatch/pricing/',
    read: READ,
    known: true,
  },
  cloudWatchDashboard: {
    dollars: 3,
    per: 'dashboard-month (the first three of an account are free, not counted here)',
    source: 'factualminds.com CloudWatch pricing, dated 2026-06-13',
    read: '2026-06-13',
  },
  xRayTraceRecorded: {
    dollars: 5 / 1e6,
    per: 'trace recorded',
    source: 'https://aws.amazon.com/xray/pricing/ (German edition read)',
    read: READ,
  },
  secretsManagerSecret: {
    dollars: 0.4,
    per: 'secret-month',
    source: 'hivebook.wiki AWS Secrets Manager; https://aws.amazon.com/secrets-manager/pricing/',
    read: READ,
  },
  kmsKey: {
    dollars: 1,
    per: 'customer managed key-month (AWS managed keys: no monthly fee)',
    source: 'https://aws.amazon.com/kms/pricing/',
    read: READ,
    known: true,
  },
} as const satisfies Record<string, Price>;

export type Prices = { [name in keyof typeof prices]: Price };
