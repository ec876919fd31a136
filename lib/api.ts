import {
  Validations,
  aws_apigateway as apigateway,
  aws_apigatewayv2 as apigwv2,
  aws_logs as logs,
} from 'aws-cdk-lib';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { fallbackFunction, isDeployed, methodsOf, routes, type FunctionName } from '../shared/wiring.ts';
import type { StageSettings } from './stage.ts';

/**
 * One JSON line per request: who (source IP, user agent), what (route, status, sizes) and how long (latency, the
 * integration's latency and error). Never a header, a query string or the path, which may carry tokens (a news
 * feed's URL is `/feeds/news/<token>.atom`): the route key names the route by its template.
 */
export const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  time: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  method: '$context.httpMethod',
  routeKey: '$context.routeKey',
  protocol: '$context.protocol',
  status: '$context.status',
  responseLength: '$context.responseLength',
  latencyMs: '$context.responseLatency',
  integrationLatencyMs: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  error: '$context.error.message',
} as const;

interface ApiProps {
  settings: StageSettings;
  functions: ReadonlyMap<FunctionName, IFunction>;
}

/**
 * The HTTP API: one route per deployed route in the wiring (local-only ones, such as POST /dev/login, are
 * left out), and a `$default` route to the fallback function so that unknown paths and methods still answer
 * 404/405 in the contract's error format. One `$default` stage, deployed automatically, throttled as the outer
 * rate bound (lib/stage.ts), with access logs; CORS as lib/stage.ts writes it down.
 */
export class Api extends Construct {
  readonly httpApi: apigwv2.HttpApi;
  readonly stage: apigwv2.HttpStage;
  readonly accessLogs: logs.LogGroup;
  /** The stage's URL, ending with a slash. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
    const { settings } = props;
    // One integration per function, shared by its routes; each route still gets its own invoke permission.
    const integrations = new Map<FunctionName, HttpLambdaIntegration>();
    const integration = (name: FunctionName): HttpLambdaIntegration => {
      let existing = integrations.get(name);
      if (!existing) {
        const fn = props.functions.get(name);
        if (!fn) throw new Error(`Route to ${name}, which is not a deployed function.`);
        existing = new HttpLambdaIntegration(`${name}Integration`, fn, {
          payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_2_0,
        });
        integrations.set(name, existing);
      }
      return existing;
    };

    this.httpApi = new apigwv2.HttpApi(this, 'HttpApi', {
      apiName: `delinkcious-${settings.stage}`,
      description: 'Delinkcious: social bookmarking',
      defaultIntegration: integration(fallbackFunction),
      // Created below instead, because only an explicit stage takes throttling and access log settings.
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [...settings.cors.allowOrigins],
        allowMethods: settings.cors.allowMethods.map((method) => apigwv2.CorsHttpMethod[method]),
        allowHeaders: [...settings.cors.allowHeaders],
        exposeHeaders: [...settings.cors.exposeHeaders],
        allowCredentials: settings.cors.allowCredentials,
        maxAge: settings.cors.maxAge,
      },
    });

    for (const route of routes.filter(isDeployed)) {
      this.httpApi.addRoutes({
        path: route.path,
        methods: methodsOf(route).map((method) => apigwv2.HttpMethod[method]),
        integration: integration(route.function),
      });
    }
    Validations.of(this.httpApi).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        "The functions authenticate: Delinkcious's own bearer tokens, checked against the users table on every " +
        'call (shared/http/handler.ts); the routes without a token (health, docs, login) are public by contract.',
    });

    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', {
      retention: settings.logRetention,
      removalPolicy: settings.removalPolicy,
    });
    this.stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: settings.apiThrottle,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: apigateway.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });
    this.url = this.stage.url;
  }
}
