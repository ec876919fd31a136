import { App, NestedStack, Stack } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { describe, expect, it } from 'vitest';
import { defineDelinkcious, optionsFromContext } from '../../lib/app.ts';
import { boundedContexts } from '../../lib/contexts.ts';
import { parseCorsOrigins, parseStage } from '../../lib/stage.ts';
import {
  buckets,
  contextOf,
  deployedFunctionNames,
  functions,
  functionsByContext,
  queues,
  tables,
  type BucketName,
  type FunctionName,
  type QueueName,
  type TableName,
} from '../../shared/wiring.ts';
import { allResources, resourcesOfType, synthesize } from './support.ts';

/** The logical IDs a value names with `Ref` or `Fn::GetAtt` in its own template, without following any stack. */
function directReferences(value: unknown): Set<string> {
  const found = new Set<string>();
  JSON.stringify(value, (key, inner: unknown) => {
    if (key === 'Ref' && typeof inner === 'string' && !inner.startsWith('AWS::')) found.add(inner);
    if (key === 'Fn::GetAtt' && Array.isArray(inner)) found.add(String(inner[0]));
    return inner;
  });
  return found;
}

const STATEFUL_TYPES = ['AWS::DynamoDB::Table', 'AWS::S3::Bucket', 'AWS::SecretsManager::Secret'];
/** What CloudFormation takes at most in one template, nested stacks' included. */
const CLOUDFORMATION_LIMITS = { Resources: 500, Parameters: 200, Outputs: 200 } as const;

describe('the stacks of a stage', () => {
  it.each(['dev', 'prod'] as const)(
    'are Delinkcious-%s-Data and -Service, the service after the data',
    (stage) => {
      const { app, data, service } = synthesize(stage);

      expect(app.node.children.map((child) => child.node.id)).toEqual(
        expect.arrayContaining([`Delinkcious-${stage}-Data`, `Delinkcious-${stage}-Service`]),
      );
      expect(service.dependencies).toContain(data);
      expect(data.dependencies).toEqual([]);
    },
  );

  it('keeps the state in the data stack: every table, bucket and secret, and nothing that runs', () => {
    const { dataTemplate, serviceTemplate, nestedTemplates, deliveryTemplate, service, logicalId } =
      synthesize('dev');
    const typesIn = (template: typeof dataTemplate) =>
      new Set(Object.values(allResources(template)).map((resource) => resource.Type));

    for (const [name, template] of [['the service stack', serviceTemplate] as const, ...nestedTemplates]) {
      if (template === deliveryTemplate) continue;
      for (const type of STATEFUL_TYPES) expect(typesIn(template), `${type} in ${name}`).not.toContain(type);
    }
    // The only buckets beside the service are the nested delivery tier's: the client's build, made again at every
    // deployment, and the distribution's access logs, kept like the functions' logs.
    for (const type of STATEFUL_TYPES.filter((t) => t !== 'AWS::S3::Bucket')) {
      expect(typesIn(deliveryTemplate), type).not.toContain(type);
    }
    expect(Object.keys(deliveryTemplate.findResources('AWS::S3::Bucket')).sort()).toEqual(
      [service.delivery.bucket, service.delivery.logBucket].map((b) => logicalId(b)).sort(),
    );
    dataTemplate.resourceCountIs('AWS::DynamoDB::Table', Object.keys(tables).length);
    dataTemplate.resourceCountIs('AWS::S3::Bucket', Object.keys(buckets).length);
    expect(typesIn(dataTemplate)).not.toContain('AWS::ApiGatewayV2::Api');
    expect(typesIn(dataTemplate)).not.toContain('AWS::SQS::Queue');
    // The only function in the data stack is the CDK's own, which empties dev buckets before deletion.
    const dataFunctions = Object.keys(dataTemplate.findResources('AWS::Lambda::Function'));
    expect(dataFunctions.every((id) => id.startsWith('CustomS3AutoDeleteObjects'))).toBe(true);
  });

  it('builds one construct per bounded context in each stack, named after the context', () => {
    const { data, service } = synthesize('dev');
    const contexts = boundedContexts();
    const ids = (scope: IConstruct) => scope.node.children.map((child) => child.node.id);

    expect(contexts.map((c) => c.name)).toEqual(
      expect.arrayContaining(['links', 'users', 'social', 'news', 'ops']),
    );
    for (const context of contexts) {
      const hasState = context.tables.length + context.buckets.length > 0;
      const hasBehaviour = context.functions.length + context.queues.length > 0;
      expect(ids(data).includes(context.id), `${context.name} in data`).toBe(hasState);
      // In the service stack, inside a nested stack of the context's own.
      const nested = service.node.tryFindChild(`${context.id}Context`);
      expect(nested !== undefined && NestedStack.isNestedStack(nested), `${context.name} in service`).toBe(
        hasBehaviour,
      );
      if (nested) expect(ids(nested)).toContain(context.id);
    }
  });

  it("puts each context's queues, functions, triggers and rollback alarms in the context's nested stack", () => {
    const { service, wholeServiceTemplate, templateOf, templateHolding, logicalId } = synthesize('dev');
    const stackOf = (construct: IConstruct) => Stack.of(construct).node.id;

    for (const context of service.contexts) {
      const own = templateOf(context);
      const expected = `${context.context.id}Context`;
      expect(stackOf(context), context.context.name).toBe(expected);
      for (const queue of Object.values(context.queues)) expect(stackOf(queue!)).toBe(expected);
      for (const [name, fn] of context.functions) {
        for (const part of [fn.function, fn.alias, fn.role, fn.logGroup, fn.deployment]) {
          expect(own.toJSON().Resources, `${name}: ${part.node.id}`).toHaveProperty([logicalId(part)]);
        }
      }
    }
    // The mappings, the schedules and the deployment groups' alarms refer to their function's alias and alarms
    // within one template, without a parameter: they are in the same stack.
    for (const [type, property] of [
      ['AWS::Lambda::EventSourceMapping', 'FunctionName'],
      ['AWS::Events::Rule', 'Targets'],
      ['AWS::CodeDeploy::DeploymentGroup', 'AlarmConfiguration'],
    ] as const) {
      const found = Object.entries(resourcesOfType(wholeServiceTemplate, type));
      expect(found.length, type).toBeGreaterThan(0);
      for (const [id, { Properties }] of found) {
        const holder = allResources(templateHolding(id));
        const referred = directReferences(Properties[property]);
        expect(referred.size, id).toBeGreaterThan(0);
        for (const other of referred) expect(holder, `${id} refers to ${other}`).toHaveProperty([other]);
      }
    }
  });

  it.each(['dev', 'prod'] as const)(
    "keeps every template of %s within CloudFormation's limits: 500 resources, 200 parameters, 200 outputs",
    (stage) => {
      const { dataTemplate, serviceTemplate, nestedTemplates } = synthesize(stage);
      const templates = [
        ['the data stack', dataTemplate] as const,
        ['the service stack', serviceTemplate] as const,
        ...nestedTemplates,
      ];

      expect(nestedTemplates.size).toBeGreaterThan(boundedContexts().length / 2);
      for (const [name, template] of templates) {
        const json = template.toJSON() as Record<string, object | undefined>;
        for (const [section, limit] of Object.entries(CLOUDFORMATION_LIMITS)) {
          const count = Object.keys(json[section] ?? {}).length;
          expect(
            count,
            `${name} holds ${count} of ${limit} ${section.toLowerCase()} (${limit - count} to spare): ` +
              "split a context's functions over two nested stacks, or move a part of the service stack into one",
          ).toBeLessThanOrEqual(limit);
        }
      }
    },
  );

  it('gives every table, bucket, queue and deployed function to exactly one context', () => {
    const contexts = boundedContexts();
    const owned = <T>(pick: (c: (typeof contexts)[number]) => T[]) => contexts.flatMap(pick);

    expect(owned((c) => c.tables).sort()).toEqual((Object.keys(tables) as TableName[]).sort());
    expect(owned((c) => c.buckets).sort()).toEqual((Object.keys(buckets) as BucketName[]).sort());
    expect(owned((c) => c.queues).sort()).toEqual((Object.keys(queues) as QueueName[]).sort());
    expect(owned((c) => c.functions).sort()).toEqual(deployedFunctionNames().sort());
    for (const context of contexts) {
      for (const name of context.functions) expect(contextOf(name)).toBe(context.name);
    }
  });

  it('lets each context own the table the architecture gives it', () => {
    const ownerOf = (table: TableName) => boundedContexts().find((c) => c.tables.includes(table))?.name;

    expect(ownerOf('links')).toBe('links');
    expect(ownerOf('users')).toBe('users');
    expect(ownerOf('social')).toBe('social');
    expect(ownerOf('feeds')).toBe('news');
  });

  it('puts each function under the context of its folder', () => {
    for (const name of Object.keys(functions) as FunctionName[]) {
      expect(functions[name].entry.startsWith(`${contextOf(name)}/`)).toBe(true);
    }
  });

  it('names each function in the list of exactly one context', () => {
    const listed = Object.values(functionsByContext).flat();
    expect([...listed].sort()).toEqual((Object.keys(functions) as FunctionName[]).sort());
  });

  it.each(['dev', 'prod'] as const)('synthesizes %s without CDK warnings or errors', (stage) => {
    const { data, service } = synthesize(stage);
    for (const stack of [data, service]) {
      const annotations = Annotations.fromStack(stack);
      annotations.hasNoWarning('*', Match.anyValue());
      annotations.hasNoError('*', Match.anyValue());
    }
  });

  it('warns that GitHub login is off when no client ID is given', () => {
    const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
    const { service } = defineDelinkcious(app, { stage: 'dev', appVersion: '0.0.0' });

    Annotations.fromStack(service).hasWarning('*', Match.stringLikeRegexp('githubClientId'));
  });
});

describe('choosing the stage and options from the CDK context', () => {
  it('defaults to dev when no stage is given, and accepts dev and prod', () => {
    expect(parseStage(undefined)).toBe('dev');
    expect(parseStage('dev')).toBe('dev');
    expect(parseStage('prod')).toBe('prod');
  });

  it('rejects any other stage with a message naming the choices', () => {
    expect(() => parseStage('staging')).toThrow(/Unknown stage "staging".*stage=dev.*stage=prod/);
  });

  it('reads the stage, the GitHub client ID, the alarm e-mail and the CORS origins', () => {
    const app = new App({
      context: {
        stage: 'prod',
        githubClientId: 'Iv1.abc',
        alarmEmail: 'ops@example.com',
        corsOrigins: 'https://a.example, https://b.example',
      },
    });

    expect(optionsFromContext(app, '1.2.3')).toEqual({
      stage: 'prod',
      appVersion: '1.2.3',
      githubClientId: 'Iv1.abc',
      alarmEmail: 'ops@example.com',
      corsOrigins: ['https://a.example', 'https://b.example'],
    });
  });

  it('refuses a CORS origin with a path', () => {
    expect(() => parseCorsOrigins('https://a.example/app')).toThrow(/not an origin/);
  });
});

describe('keeping data when a stack goes away', () => {
  const retained = (stage: 'dev' | 'prod') => {
    const { dataTemplate } = synthesize(stage);
    return Object.entries(allResources(dataTemplate)).filter(([, r]) => STATEFUL_TYPES.includes(r.Type));
  };

  it('in prod, retains every table, bucket and secret, and the tables refuse deletion', () => {
    const stateful = retained('prod');

    expect(stateful.length).toBe(
      Object.keys(tables).length + Object.keys(buckets).length + 2, // the two secrets
    );
    for (const [id, resource] of stateful) {
      expect(resource.DeletionPolicy, id).toBe('Retain');
      expect(resource.UpdateReplacePolicy, id).toBe('Retain');
      if (resource.Type === 'AWS::DynamoDB::Table') {
        expect(resource.Properties.DeletionProtectionEnabled, id).toBe(true);
      }
    }
  });

  it('in prod, keeps the logs and protects both stacks from termination', () => {
    const { data, service, wholeServiceTemplate } = synthesize('prod');
    const logGroups = Object.entries(wholeServiceTemplate.findResources('AWS::Logs::LogGroup'));

    expect(data.terminationProtection).toBe(true);
    expect(service.terminationProtection).toBe(true);
    expect(logGroups.length).toBeGreaterThan(deployedFunctionNames().length);
    for (const [id, group] of logGroups) expect(group.DeletionPolicy, id).toBe('Retain');
  });

  it('in dev, deletes everything with the stacks, emptying the buckets first', () => {
    const { data, service, dataTemplate, wholeServiceTemplate } = synthesize('dev');

    expect(data.terminationProtection).toBe(false);
    expect(service.terminationProtection).toBe(false);
    for (const template of [dataTemplate, wholeServiceTemplate]) {
      for (const [id, resource] of Object.entries(allResources(template))) {
        expect(resource.DeletionPolicy, id).not.toBe('Retain');
        expect(resource.Properties?.DeletionProtectionEnabled, id).not.toBe(true);
      }
    }
    dataTemplate.resourceCountIs('Custom::S3AutoDeleteObjects', Object.keys(buckets).length);
  });
});
