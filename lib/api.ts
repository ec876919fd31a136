import { aws_apigatewayv2 as apigwv2 } from 'aws-cdk-lib';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { fallbackFunction, isDeployed, routes, type FunctionName } from '../shared/wiring.ts';
import type { StageSettings } from './stage.ts';

/**
 * The outer bound on the whole API; each client's own limit (12/s, bursts of 80) is enforced by the functions
 * (shared/http/rate-limit.ts). This one caps what a flood from many clients can cost in Lambda concurrency and
 * DynamoDB on-demand spend: a burst as large as one client's, and about four clients at full rate sustained,
 * far above what a bookmarking service of this size sees. Beyond it API Gateway answers 429 without invoking
 * anything.
 */
const THROTTLE = { burstLimit: 80, rateLimit: 50 } as const;

export interface ApiProps {
  settings: StageSettings;
  functions: ReadonlyMap<FunctionName, IFunction>;
}

/**
 * The HTTP API: one route per deployed route in the wiring, and a `$default` route to the fallback function
 * so that unknown paths and methods still answer 404/405 in the contract's error format.
 */
export class Api extends Construct {
  readonly httpApi: apigwv2.HttpApi;
  readonly url: string;

  constructor(scope: Construct, id: string, props: ApiProps) {
    super(scope, id);
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
      apiName: `delinkcious-${props.settings.stage}`,
      description: 'Delinkcious: social bookmarking',
      defaultIntegration: integration(fallbackFunction),
      // Created below instead, because only an explicit stage takes throttling settings.
      createDefaultStage: false,
    });

    for (const route of routes.filter(isDeployed)) {
      this.httpApi.addRoutes({
        path: route.path,
        methods: [apigwv2.HttpMethod[route.method]],
        integration: integration(route.function),
      });
    }

    const stage = new apigwv2.HttpStage(this, 'DefaultStage', {
      httpApi: this.httpApi,
      stageName: '$default',
      autoDeploy: true,
      throttle: THROTTLE,
    });
    this.url = stage.url;
  }
}
