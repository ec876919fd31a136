import { describe, expect, it } from 'vitest';
import { ACCESS_LOG_FIELDS } from '../../lib/api.ts';
import { CORS_ALLOW_HEADERS, CORS_EXPOSE_HEADERS } from '../../lib/stage.ts';
import { CSRF_HEADER } from '../../shared/http/browser-session.ts';
import { fallbackFunction, isDeployed, methodsOf, routes } from '../../shared/wiring.ts';
import { resource, resourcesOfType, synthesize } from './support.ts';

describe('the HTTP API, given the wiring', () => {
  const { service, wholeServiceTemplate, logicalId, referencedLogicalIds } = synthesize('dev');
  const routeResources = Object.values(resourcesOfType(wholeServiceTemplate, 'AWS::ApiGatewayV2::Route'));
  const routeKeys = routeResources.map((route) => route.Properties.RouteKey as string);

  /** The deployed function that a route invokes, found through its integration. */
  function functionBehind(route: { Properties: Record<string, unknown> }): string | undefined {
    const [integrationId] = [...referencedLogicalIds(route.Properties.Target)];
    const integration = resource(wholeServiceTemplate, integrationId!);
    const [functionId] = [...referencedLogicalIds(integration.Properties.IntegrationUri)];
    // Routes invoke the function's live alias, which CodeDeploy shifts to each new version.
    return [...service.functions].find(([, fn]) => logicalId(fn.alias) === functionId)?.[0];
  }

  it('has exactly one route per method of each deployed route declaration (HEAD beside GET), plus $default', () => {
    const expected = [
      ...routes.filter(isDeployed).flatMap((r) => methodsOf(r).map((method) => `${method} ${r.path}`)),
      '$default',
    ];

    expect(new Set(routeKeys)).toEqual(new Set(expected));
    expect(routeKeys).toHaveLength(expected.length);
  });

  it('serves the links under both /v1 and /v1.0', () => {
    expect(routeKeys).toEqual(expect.arrayContaining(['GET /v1/links', 'GET /v1.0/links', 'GET /healthz']));
  });

  it('answers HEAD beside each GET but the one that changes state (GET /logout)', () => {
    expect(routeKeys).toEqual(
      expect.arrayContaining(['HEAD /healthz', 'HEAD /v1/links', 'HEAD /users/{username}/feed.atom']),
    );
    expect(routeKeys).toContain('GET /logout');
    expect(routeKeys).not.toContain('HEAD /logout');
  });

  it('never deploys a local-only route: no /dev/login, nothing under /dev/', () => {
    expect(routeKeys.filter((key) => key.includes('/dev/login'))).toEqual([]);
    expect(routeKeys.filter((key) => key.split(' ')[1]?.startsWith('/dev/'))).toEqual([]);
    expect(routes.some((r) => r.path === '/dev/login')).toBe(true); // it is declared, for the local runtime
  });

  it('sends each route to the function its declaration names', () => {
    for (const route of routes.filter(isDeployed)) {
      for (const method of methodsOf(route)) {
        const deployed = routeResources.find((r) => r.Properties.RouteKey === `${method} ${route.path}`)!;
        expect(functionBehind(deployed), `${method} ${route.path}`).toBe(route.function);
      }
    }
  });

  it('sends requests that match no route to the fallback function, which answers 404 or 405', () => {
    const fallback = routeResources.find((r) => r.Properties.RouteKey === '$default')!;

    expect(functionBehind(fallback)).toBe(fallbackFunction);
  });

  it('leaves authentication to the functions: no route has an API Gateway authorizer', () => {
    for (const route of routeResources) expect(route.Properties.AuthorizationType ?? 'NONE').toBe('NONE');
    wholeServiceTemplate.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 0);
  });

  it('uses Lambda proxy integrations with payload format 2.0', () => {
    const integrations = Object.values(
      resourcesOfType(wholeServiceTemplate, 'AWS::ApiGatewayV2::Integration'),
    );

    expect(integrations.length).toBeGreaterThan(0);
    for (const integration of integrations) {
      expect(integration.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
      });
    }
  });

  it('deploys automatically to one $default stage, throttled as the outer rate bound', () => {
    wholeServiceTemplate.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    wholeServiceTemplate.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingBurstLimit: 500, ThrottlingRateLimit: 250 },
    });
  });

  it("shares the stage's throttle among many clients: one client IP is held far below it at the edge", () => {
    const { edgeRateLimit, apiThrottle, rateLimit } = service.settings;
    const edgePerSecond = edgeRateLimit.requests / edgeRateLimit.windowSeconds;

    expect(apiThrottle.rateLimit).toBeGreaterThanOrEqual(10 * edgePerSecond);
    expect(apiThrottle.burstLimit).toBeGreaterThanOrEqual(5 * rateLimit.burst);
    // The edge lets a client that keeps to the contract's own limit through.
    expect(edgeRateLimit.requests).toBeGreaterThan(
      rateLimit.burst + rateLimit.perSecond * edgeRateLimit.windowSeconds,
    );
  });

  it('writes an access log line per request, in JSON, without headers, query strings or paths', () => {
    const stage = Object.values(resourcesOfType(wholeServiceTemplate, 'AWS::ApiGatewayV2::Stage'))[0]!;
    const settings = stage.Properties.AccessLogSettings as { DestinationArn: unknown; Format: string };

    expect([...referencedLogicalIds(settings.DestinationArn)]).toEqual([logicalId(service.api.accessLogs)]);
    expect(JSON.parse(settings.Format)).toEqual(ACCESS_LOG_FIELDS);
    expect(settings.Format).not.toMatch(/header|querystring|authorization/i);
    // A news feed's path holds its token; the route key names the route by its template.
    expect(settings.Format).not.toMatch(/\$context\.path/);
    expect(settings.Format).toContain('$context.routeKey');
    expect(resource(wholeServiceTemplate, logicalId(service.api.accessLogs)).Properties.RetentionInDays).toBe(
      14,
    );
  });

  it('allows any origin without credentials, the headers the API reads, and exposes what its answers carry', () => {
    wholeServiceTemplate.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: {
        AllowOrigins: ['*'],
        AllowMethods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'],
        AllowHeaders: [...CORS_ALLOW_HEADERS],
        ExposeHeaders: [...CORS_EXPOSE_HEADERS],
        AllowCredentials: false,
        MaxAge: 86400,
      },
    });
  });

  it("never lets another origin send the session cookie's CSRF header: only the service's own pages can", () => {
    expect(CORS_ALLOW_HEADERS.map((name) => name.toLowerCase())).not.toContain(CSRF_HEADER.toLowerCase());
  });

  it('lets API Gateway invoke each routed function, scoped to this API', () => {
    const apiId = logicalId(service.api.httpApi);
    const permissions = Object.values(
      resourcesOfType(wholeServiceTemplate, 'AWS::Lambda::Permission'),
    ).filter((p) => p.Properties.Principal === 'apigateway.amazonaws.com');

    for (const name of new Set([...routes.filter(isDeployed).map((r) => r.function), fallbackFunction])) {
      const functionId = logicalId(service.functions.get(name)!.alias);
      const granted = permissions.filter((p) =>
        referencedLogicalIds(p.Properties.FunctionName).has(functionId),
      );
      expect(granted.length, name).toBeGreaterThan(0);
      for (const permission of granted) {
        expect(referencedLogicalIds(permission.Properties.SourceArn).has(apiId)).toBe(true);
      }
    }
  });

  it('outputs the stage URL and the GitHub callback URL on it', () => {
    const outputs = wholeServiceTemplate.findOutputs('*');
    const stageId = logicalId(service.api.stage);

    expect(referencedLogicalIds(outputs.ApiUrl!.Value).has(logicalId(service.api.httpApi))).toBe(true);
    expect(JSON.stringify(outputs.ApiUrl!.Value)).toMatch(/execute-api/);
    expect(stageId).toBeTruthy();
    expect(JSON.stringify(outputs.GitHubCallbackUrl!.Value)).toMatch(/login\/authorized/);
  });
});
