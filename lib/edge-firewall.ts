import { ArnFormat, Stack, aws_logs as logs, aws_wafv2 as wafv2 } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import type { StageSettings } from './stage.ts';

/** The body of the rate rule's 429, in the contract's error format. */
export const EDGE_RATE_LIMITED_BODY = {
  error: {
    code: 'rate_limited',
    message: 'Too many requests from your address; wait a minute and try again.',
  },
};

/**
 * Rules of AWS's common rule set that would refuse this service's ordinary data, counted (and logged) instead of
 * blocking. A bookmarking service receives URLs and free text by design; the functions validate every field,
 * escape everything they render, and the link checker refuses private and metadata addresses itself.
 */
export const COUNTED_COMMON_RULES: Record<string, string> = {
  SizeRestrictions_BODY:
    'bodies above 8 KB: the contract allows 64 KiB and answers 413 in its own format beyond it',
  GenericRFI_QUERYARGUMENTS:
    'a URL with an IP address in the query string is a bookmark (`?url=`), not an attack',
  GenericRFI_BODY: 'a URL with an IP address in a body is a bookmark',
  CrossSiteScripting_BODY: 'a description may quote markup; every page and the client escape it',
};

const visibility = (metricName: string): wafv2.CfnWebACL.VisibilityConfigProperty => ({
  cloudWatchMetricsEnabled: true,
  metricName,
  sampledRequestsEnabled: true,
});

interface EdgeFirewallProps {
  settings: StageSettings;
}

/**
 * The web ACL in front of the distribution (scope CLOUDFRONT, hence us-east-1): a rate-based rule per client
 * IP first, answering 429 in the contract's error format with `Retry-After`, then AWS's common rule set and its
 * known-bad-inputs rule set. Blocked and counted requests are logged (with the credentials' headers redacted);
 * allowed ones are not, as the API's access log already has them.
 */
export class EdgeFirewall extends Construct {
  readonly webAcl: wafv2.CfnWebACL;
  readonly logs: logs.LogGroup;

  constructor(scope: Construct, id: string, props: EdgeFirewallProps) {
    super(scope, id);
    const { settings } = props;
    const rateLimit = settings.edgeRateLimit;
    this.webAcl = new wafv2.CfnWebACL(this, 'WebAcl', {
      name: `delinkcious-${settings.stage}`,
      description: 'Delinkcious: a rate limit per client IP and AWS managed rules',
      scope: 'CLOUDFRONT',
      defaultAction: { allow: {} },
      visibilityConfig: visibility(`delinkcious-${settings.stage}`),
      customResponseBodies: {
        rateLimited: { contentType: 'APPLICATION_JSON', content: JSON.stringify(EDGE_RATE_LIMITED_BODY) },
      },
      rules: [
        {
          name: 'RateLimitPerClientIp',
          priority: 0,
          statement: {
            rateBasedStatement: {
              aggregateKeyType: 'IP',
              limit: rateLimit.requests,
              evaluationWindowSec: rateLimit.windowSeconds,
            },
          },
          action: {
            block: {
              customResponse: {
                responseCode: 429,
                customResponseBodyKey: 'rateLimited',
                responseHeaders: [{ name: 'retry-after', value: String(rateLimit.windowSeconds) }],
              },
            },
          },
          visibilityConfig: visibility('RateLimitPerClientIp'),
        },
        managedRuleGroup('AWSManagedRulesCommonRuleSet', 1, Object.keys(COUNTED_COMMON_RULES)),
        managedRuleGroup('AWSManagedRulesKnownBadInputsRuleSet', 2),
      ],
    });

    // WAF writes to a log group only under this name prefix.
    this.logs = new logs.LogGroup(this, 'Logs', {
      logGroupName: `aws-waf-logs-delinkcious-${settings.stage}-${Stack.of(this).region}`,
      retention: settings.logRetention,
      removalPolicy: settings.removalPolicy,
    });
    new wafv2.CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.webAcl.attrArn,
      // The log group's ARN without the `:*` that `logGroupArn` ends with, as WAF asks.
      logDestinationConfigs: [
        Stack.of(this).formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: this.logs.logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      redactedFields: [
        { singleHeader: { Name: 'authorization' } },
        { singleHeader: { Name: 'access-token' } },
        { singleHeader: { Name: 'cookie' } },
      ],
      loggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [
          {
            Behavior: 'KEEP',
            Requirement: 'MEETS_ANY',
            Conditions: [{ ActionCondition: { Action: 'BLOCK' } }, { ActionCondition: { Action: 'COUNT' } }],
          },
        ],
      },
    });
  }
}

function managedRuleGroup(
  name: string,
  priority: number,
  counted: string[] = [],
): wafv2.CfnWebACL.RuleProperty {
  return {
    name,
    priority,
    overrideAction: { none: {} },
    statement: {
      managedRuleGroupStatement: {
        vendorName: 'AWS',
        name,
        ...(counted.length > 0
          ? { ruleActionOverrides: counted.map((rule) => ({ name: rule, actionToUse: { count: {} } })) }
          : {}),
      },
    },
    visibilityConfig: visibility(name),
  };
}
