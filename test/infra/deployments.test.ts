import { describe, expect, it } from 'vitest';
import { boundedContexts } from '../../lib/contexts.ts';
import { contextOf, deployedFunctionNames, httpFunctionNames } from '../../shared/wiring.ts';
import { resourcesOfType, synthesize } from './support.ts';

describe('safe deploys: every function behind its live alias, shifted by CodeDeploy', () => {
  const dev = synthesize('dev');
  const prod = synthesize('prod');

  it('publishes every deployed function behind a `live` alias of its latest version', () => {
    const aliases = Object.values(resourcesOfType(dev.wholeServiceTemplate, 'AWS::Lambda::Alias'));

    expect(aliases).toHaveLength(deployedFunctionNames().length);
    for (const name of deployedFunctionNames()) {
      const alias = dev.service.functions.get(name)!.alias;
      const properties = resourcesOfType(dev.wholeServiceTemplate, 'AWS::Lambda::Alias')[
        dev.logicalId(alias)
      ]!.Properties;
      expect(properties.Name).toBe('live');
      expect([...dev.referencedLogicalIds(properties.FunctionName)]).toEqual([
        dev.logicalId(dev.service.functions.get(name)!.function),
      ]);
    }
  });

  it('points the API routes, the event sources and the schedules at the aliases, never at $LATEST', () => {
    const aliasIds = new Set(
      deployedFunctionNames().map((n) => dev.logicalId(dev.service.functions.get(n)!.alias)),
    );
    const integrations = Object.values(
      resourcesOfType(dev.wholeServiceTemplate, 'AWS::ApiGatewayV2::Integration'),
    );
    const mappings = Object.values(
      resourcesOfType(dev.wholeServiceTemplate, 'AWS::Lambda::EventSourceMapping'),
    );
    const rules = Object.values(resourcesOfType(dev.wholeServiceTemplate, 'AWS::Events::Rule'));

    for (const integration of integrations) {
      expect(
        [...dev.referencedLogicalIds(integration.Properties.IntegrationUri)].every((id) => aliasIds.has(id)),
      ).toBe(true);
    }
    for (const mapping of mappings) {
      expect(
        [...dev.referencedLogicalIds(mapping.Properties.FunctionName)].every((id) => aliasIds.has(id)),
      ).toBe(true);
    }
    for (const rule of rules) {
      const targets = rule.Properties.Targets as { Arn: unknown }[];
      for (const target of targets) {
        expect([...dev.referencedLogicalIds(target.Arn)].every((id) => aliasIds.has(id))).toBe(true);
      }
    }
    expect(integrations.length + mappings.length + rules.length).toBeGreaterThan(0);
  });

  it('shifts prod as a canary (10% for 5 minutes) and dev all at once, rolling back on alarms either way', () => {
    const configOf = (template: typeof dev.wholeServiceTemplate) =>
      new Set(
        Object.values(resourcesOfType(template, 'AWS::CodeDeploy::DeploymentGroup')).map((group) =>
          JSON.stringify(group.Properties.DeploymentConfigName),
        ),
      );

    expect([...configOf(prod.wholeServiceTemplate)].join()).toContain(
      'CodeDeployDefault.LambdaCanary10Percent5Minutes',
    );
    expect([...configOf(dev.wholeServiceTemplate)].join()).toContain('CodeDeployDefault.LambdaAllAtOnce');
    const groups = Object.values(
      resourcesOfType(prod.wholeServiceTemplate, 'AWS::CodeDeploy::DeploymentGroup'),
    );
    expect(groups).toHaveLength(deployedFunctionNames().length);
    for (const group of groups) {
      expect(group.Properties.AutoRollbackConfiguration).toMatchObject({
        Enabled: true,
        Events: expect.arrayContaining(['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM']),
      });
      expect(group.Properties.AlarmConfiguration).toMatchObject({ Enabled: true });
    }
  });

  it("rolls an HTTP function back on its own errors and its route group's 5xx rate and latency", () => {
    const groups = resourcesOfType(prod.wholeServiceTemplate, 'AWS::CodeDeploy::DeploymentGroup');
    for (const name of httpFunctionNames().filter((n) => deployedFunctionNames().includes(n))) {
      const group = groups[prod.logicalId(prod.service.functions.get(name)!.deployment)]!;
      const alarms = (group.Properties.AlarmConfiguration as { Alarms: unknown[] }).Alarms;
      const context = contextOf(name);
      const contextId = boundedContexts().find((c) => c.name === context)!.id;

      expect(alarms, name).toHaveLength(3);
      expect(
        [...prod.referencedLogicalIds(alarms)].map((id) => id.replace(/[0-9A-F]{8}$/, '')).sort(),
      ).toEqual(
        [`${name}Errors`, `${context}RoutesLatencyP99`, `${context}RoutesServerErrorRate`]
          .map((alarm) => `${contextId}RollbackAlarms${alarm}`)
          .sort(),
      );
    }
  });
});
