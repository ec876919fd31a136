import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { fallbackFunction, isDeployed, routes } from '../../shared/wiring.ts';
import { referencedLogicalIds, resource, resourcesOfType, synthesize } from './support.ts';

describe('the HTTP API, given the wiring', () => {
  const { stack, template, logicalId } = synthesize('dev');
  const routeResources = Object.values(resourcesOfType(template, 'AWS::ApiGatewayV2::Route'));
  const routeKeys = routeResources.map((route) => route.Properties.RouteKey as string);

  /** The deployed function that a route invokes, found through its integration. */
  function functionBehind(route: { Properties: Record<string, unknown> }): string | undefined {
    const [integrationId] = [...referencedLogicalIds(route.Properties.Target)];
    const integration = resource(template, integrationId!);
    const [functionId] = [...referencedLogicalIds(integration.Properties.IntegrationUri)];
    return [...stack.functions.byName].find(([, fn]) => logicalId(fn) === functionId)?.[0];
  }

  it('has exactly one route per deployed route declaration, plus $default', () => {
    const expected = [...routes.filter(isDeployed).map((r) => `${r.method} ${r.path}`), '$default'];

    expect(new Set(routeKeys)).toEqual(new Set(expected));
    expect(routeKeys).toHaveLength(expected.length);
  });

  it('serves the links under both /v1 and /v1.0', () => {
    expect(routeKeys).toEqual(expect.arrayContaining(['GET /v1/links', 'GET /v1.0/links', 'GET /healthz']));
  });

  it('never deploys the local-only dev login', () => {
    expect(routeKeys.filter((key) => key.includes('/dev/login'))).toEqual([]);
    expect(routes.some((r) => r.path === '/dev/login')).toBe(true); // it is declared, for the local runtime
  });

  it('sends each route to the function its declaration names', () => {
    for (const route of routes.filter(isDeployed)) {
      const deployed = routeResources.find((r) => r.Properties.RouteKey === `${route.method} ${route.path}`)!;
      expect(functionBehind(deployed), `${route.method} ${route.path}`).toBe(route.function);
    }
  });

  it('sends requests that match no route to the fallback function, which answers 404 or 405', () => {
    const fallback = routeResources.find((r) => r.Properties.RouteKey === '$default')!;

    expect(functionBehind(fallback)).toBe(fallbackFunction);
    expect(fallbackFunction).toBe('notFound');
  });

  it('uses Lambda proxy integrations with payload format 2.0', () => {
    const integrations = Object.values(resourcesOfType(template, 'AWS::ApiGatewayV2::Integration'));

    expect(integrations.length).toBeGreaterThan(0);
    for (const integration of integrations) {
      expect(integration.Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
      });
    }
  });

  it('deploys automatically to a throttled $default stage', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Stage', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingBurstLimit: 80, ThrottlingRateLimit: 50 },
    });
  });

  it('lets API Gateway invoke each routed function, scoped to this API', () => {
    const apiId = logicalId(stack.api.httpApi);
    const permissions = Object.values(resourcesOfType(template, 'AWS::Lambda::Permission'));

    for (const name of new Set([...routes.filter(isDeployed).map((r) => r.function), fallbackFunction])) {
      const functionId = logicalId(stack.functions.byName.get(name)!);
      const granted = permissions.filter((p) =>
        referencedLogicalIds(p.Properties.FunctionName).has(functionId),
      );
      expect(granted.length, name).toBeGreaterThan(0);
      for (const permission of granted) {
        expect(permission.Properties.Principal).toBe('apigateway.amazonaws.com');
        expect(referencedLogicalIds(permission.Properties.SourceArn).has(apiId)).toBe(true);
      }
    }
  });

  it('outputs the API URL', () => {
    template.hasOutput('ApiUrl', { Value: Match.objectLike({ 'Fn::Join': Match.anyValue() }) });
    expect(
      referencedLogicalIds(template.findOutputs('ApiUrl').ApiUrl).has(logicalId(stack.api.httpApi)),
    ).toBe(true);
  });
});
