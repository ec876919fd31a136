import { App, NestedStack, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { defineDelinkcious, type Delinkcious } from '../../lib/app.ts';
import type { SiteDomain, Stage } from '../../lib/stage.ts';

export interface Synthesized extends Delinkcious {
  app: App;
  /** The template of the stateful stack. */
  dataTemplate: Template;
  /**
   * The service stack's own template: the HTTP API, the buckets' notifications, the alarm topic, CodeDeploy's
   * application, the outputs and the rule, and one `AWS::CloudFormation::Stack` per nested stack.
   */
  serviceTemplate: Template;
  /**
   * The service stack and all its nested stacks as one template: every resource of each (a logical ID used in
   * two of them fails the synthesis here, so a lookup by ID can never land on another stack's resource), with the
   * service stack's own outputs and rules. Where to look for anything the service deploys, wherever it lives.
   */
  wholeServiceTemplate: Template;
  /** Each nested stack's own template, by the nested stack's construct ID (`LinksContext`, `Monitoring`...). */
  nestedTemplates: ReadonlyMap<string, Template>;
  /** The template of the service stack's nested delivery tier (CloudFront, the client's bucket, the web ACL). */
  deliveryTemplate: Template;
  /** The template of the service stack's nested monitoring (the service-wide alarms and the dashboard). */
  monitoringTemplate: Template;
  /** The template of the stack that holds a construct: a nested stack's own for what lives in one. */
  templateOf(construct: IConstruct): Template;
  /** The template, the service stack's or a nested stack's, that holds the resource of this logical ID. */
  templateHolding(logicalId: string): Template;
  /** The logical ID of a construct's CloudFormation resource, in its own stack's template. */
  logicalId(construct: IConstruct): string;
  /**
   * A value of any template with every crossing between the service stack and its nested stacks followed, at
   * any depth: a nested stack's parameter becomes what the service stack passes to it, and the service stack's
   * `Fn::GetAtt` of a nested stack's output becomes that output's value. So a function's `SERVICE_URL`, a
   * parameter of its context's stack, reads as the distribution's domain, as the service stack writes it.
   */
  acrossStacks(value: unknown): unknown;
  /**
   * What a value in any template refers to, at any depth, seen across the stacks (`acrossStacks`, and the data
   * stack's exports): a `Ref` as the logical ID, an `Fn::GetAtt` as `LogicalId.Attribute`, and an
   * `Fn::ImportValue` as whatever the stateful stack exported under that name.
   */
  references(value: unknown): Set<string>;
  /** The logical IDs that a value refers to, whatever the attribute. */
  referencedLogicalIds(value: unknown): Set<string>;
}

export const TEST_GITHUB_CLIENT_ID = 'Iv1.test-client-id';
export const TEST_APP_VERSION = '9.9.9-test';
export const TEST_SITE_DOMAIN: SiteDomain = {
  domainName: 'links.example.com',
  certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/0a1b2c3d-4e5f-6789-abcd-ef0123456789',
};

const synthesized = new Map<string, Synthesized>();

/**
 * The two stacks of a stage, synthesized once per test run (the infra project shares modules between files).
 * An empty `aws:cdk:bundling-stacks` list skips bundling: these tests read the templates, not the code, and
 * esbuild for every function would make each synthesis several times slower. `npx cdk synth` bundles for real.
 */
export function synthesize(stage: Stage, siteDomain?: SiteDomain): Synthesized {
  const key = `${stage} ${siteDomain?.domainName ?? ''}`;
  const cached = synthesized.get(key);
  if (cached) return cached;
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stacks = defineDelinkcious(app, {
    stage,
    appVersion: TEST_APP_VERSION,
    githubClientId: TEST_GITHUB_CLIENT_ID,
    siteDomain,
  });
  const dataTemplate = Template.fromStack(stacks.data);
  const serviceTemplate = Template.fromStack(stacks.service);
  const nestedStacks = stacks.service.node.children.filter(NestedStack.isNestedStack);
  const nestedTemplates = new Map(nestedStacks.map((nested) => [nested.node.id, Template.fromStack(nested)]));
  const nestedTemplate = (id: string) => {
    const found = nestedTemplates.get(id);
    if (!found) throw new Error(`No nested stack ${id} in the service stack.`);
    return found;
  };
  const exports = new Map<string, unknown>();
  for (const output of Object.values(
    (dataTemplate.toJSON() as { Outputs?: Record<string, { Value: unknown; Export?: { Name: string } }> })
      .Outputs ?? {},
  )) {
    if (output.Export) exports.set(output.Export.Name, output.Value);
  }
  const crossings = stackCrossings(stacks.service, serviceTemplate, nestedStacks, nestedTemplates);
  const acrossStacks = (value: unknown) => followCrossings(value, crossings);
  const references = (value: unknown) => referencesIn(acrossStacks(value), exports);
  const result: Synthesized = {
    ...stacks,
    app,
    dataTemplate,
    serviceTemplate,
    wholeServiceTemplate: wholeTemplate(serviceTemplate, nestedTemplates),
    nestedTemplates,
    deliveryTemplate: nestedTemplate(Stack.of(stacks.service.delivery).node.id),
    monitoringTemplate: nestedTemplate(Stack.of(stacks.service.monitoring).node.id),
    templateOf: (construct) => {
      const stack = Stack.of(construct);
      if (stack === stacks.data) return dataTemplate;
      if (stack === stacks.service) return serviceTemplate;
      if (stack.nestedStackParent === stacks.service) return nestedTemplate(stack.node.id);
      throw new Error(`${construct.node.path} is in none of the stage's stacks.`);
    },
    logicalId: (construct) =>
      Stack.of(construct).getLogicalId((construct.node.defaultChild ?? construct) as CfnElement),
    templateHolding: (logicalId) => {
      const holder = [serviceTemplate, ...nestedTemplates.values()].find(
        (template) => logicalId in allResources(template),
      );
      if (!holder) throw new Error(`No resource ${logicalId} in the service stack or its nested stacks.`);
      return holder;
    },
    acrossStacks,
    references,
    referencedLogicalIds: (value) => new Set([...references(value)].map((ref) => ref.split('.')[0]!)),
  };
  synthesized.set(key, result);
  return result;
}

interface TemplateJson {
  Resources: Record<string, Resource>;
  Parameters?: Record<string, unknown>;
  Outputs?: Record<string, { Value: unknown }>;
  Rules?: Record<string, unknown>;
}

/** The service stack's template with its nested stacks' resources beside its own, each logical ID once. */
function wholeTemplate(parent: Template, nested: ReadonlyMap<string, Template>): Template {
  const own = parent.toJSON() as TemplateJson;
  const resources: Record<string, Resource> = { ...own.Resources };
  const holder = new Map(Object.keys(own.Resources).map((id) => [id, 'the service stack']));
  for (const [name, template] of nested) {
    for (const [id, found] of Object.entries((template.toJSON() as TemplateJson).Resources)) {
      if (holder.has(id)) throw new Error(`The logical ID ${id} is in both ${holder.get(id)} and ${name}.`);
      holder.set(id, name);
      resources[id] = found;
    }
  }
  return Template.fromJSON({ ...own, Resources: resources });
}

interface Crossings {
  /** What the service stack passes for each nested stack's parameter (one value per name across them). */
  parameters: ReadonlyMap<string, unknown>;
  /** Each nested stack's outputs, by the logical ID of its `AWS::CloudFormation::Stack` in the service stack. */
  outputs: ReadonlyMap<string, Record<string, { Value: unknown }>>;
}

function stackCrossings(
  service: Stack,
  serviceTemplate: Template,
  nestedStacks: readonly NestedStack[],
  nestedTemplates: ReadonlyMap<string, Template>,
): Crossings {
  const parameters = new Map<string, unknown>();
  const outputs = new Map<string, Record<string, { Value: unknown }>>();
  const stackResources = resourcesOfType(serviceTemplate, 'AWS::CloudFormation::Stack');
  for (const nested of nestedStacks) {
    const resourceId = service.getLogicalId(nested.nestedStackResource as CfnElement);
    const passed = (stackResources[resourceId]?.Properties.Parameters ?? {}) as Record<string, unknown>;
    const template = nestedTemplates.get(nested.node.id)!.toJSON() as TemplateJson;
    for (const name of Object.keys(template.Parameters ?? {})) {
      if (!(name in passed))
        throw new Error(`The service stack passes nothing for ${nested.node.id}'s ${name}.`);
      if (parameters.has(name) && JSON.stringify(parameters.get(name)) !== JSON.stringify(passed[name]))
        throw new Error(`The parameter ${name} has different values in two nested stacks.`);
      parameters.set(name, passed[name]);
    }
    outputs.set(resourceId, template.Outputs ?? {});
  }
  return { parameters, outputs };
}

function followCrossings(value: unknown, crossings: Crossings): unknown {
  if (Array.isArray(value)) return value.map((item) => followCrossings(item, crossings));
  if (!value || typeof value !== 'object') return value;
  const node = value as Record<string, unknown>;
  const keys = Object.keys(node);
  if (keys.length === 1 && typeof node.Ref === 'string' && crossings.parameters.has(node.Ref)) {
    return followCrossings(crossings.parameters.get(node.Ref), crossings);
  }
  const getAtt = node['Fn::GetAtt'];
  if (keys.length === 1 && Array.isArray(getAtt) && crossings.outputs.has(getAtt[0] as string)) {
    const [stackId, attribute] = getAtt as [string, string];
    const name = attribute.replace(/^Outputs\./, '');
    const output = crossings.outputs.get(stackId)![name];
    if (!output) throw new Error(`No output ${name} in the nested stack ${stackId}.`);
    return followCrossings(output.Value, crossings);
  }
  return Object.fromEntries(
    Object.entries(node).map(([key, child]) => [key, followCrossings(child, crossings)]),
  );
}

export interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  DependsOn?: string[];
}

export function resourcesOfType(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

export function allResources(template: Template): Record<string, Resource> {
  return (template.toJSON() as { Resources: Record<string, Resource> }).Resources;
}

export function resource(template: Template, logicalId: string): Resource {
  const found = allResources(template)[logicalId];
  if (!found) throw new Error(`No resource ${logicalId} in the template.`);
  return found;
}

function referencesIn(value: unknown, exports: ReadonlyMap<string, unknown>): Set<string> {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
    } else if (node && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        if (key === 'Ref' && typeof child === 'string') found.add(child);
        else if (key === 'Fn::GetAtt' && Array.isArray(child)) found.add(child.join('.'));
        else if (key === 'Fn::ImportValue' && typeof child === 'string') {
          if (!exports.has(child))
            throw new Error(`Import of ${child}, which the data stack does not export.`);
          visit(exports.get(child));
        } else visit(child);
      }
    }
  };
  visit(value);
  return found;
}

export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
  Principal?: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

export function resourcesOf(statement: Statement): unknown[] {
  return Array.isArray(statement.Resource) ? statement.Resource : [statement.Resource];
}

/** The statements of every policy attached to a role, inline or as a separate AWS::IAM::Policy. */
export function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  type PolicyDocument = { Statement: Statement[] };
  const attached = Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))
    .filter((policy) =>
      JSON.stringify(policy.Properties.Roles).includes(JSON.stringify({ Ref: roleLogicalId })),
    )
    .flatMap((policy) => (policy.Properties.PolicyDocument as PolicyDocument).Statement);
  const role = resource(template, roleLogicalId);
  const inline = ((role.Properties.Policies ?? []) as { PolicyDocument: PolicyDocument }[]).flatMap(
    (policy) => policy.PolicyDocument.Statement,
  );
  return [...attached, ...inline];
}

/**
 * A CloudFormation value as one string, the way cdk-nag names findings: `Ref`s and `Fn::GetAtt`s in angle
 * brackets, `Fn::Join`s joined (e.g. `arn:<AWS::Partition>:s3:::name-<AWS::AccountId>/prefix/*`).
 */
export function flat(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const node = value as Record<string, unknown>;
    if ('Ref' in node) return `<${String(node.Ref)}>`;
    if ('Fn::GetAtt' in node) return `<${(node['Fn::GetAtt'] as string[]).join('.')}>`;
    if ('Fn::Join' in node) {
      const [delimiter, parts] = node['Fn::Join'] as [string, unknown[]];
      return parts.map(flat).join(delimiter);
    }
    if ('Fn::ImportValue' in node) return `<import ${String(node['Fn::ImportValue'])}>`;
  }
  return JSON.stringify(value);
}
