import { App, Stack, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { defineDelinkcious, type Delinkcious } from '../../lib/app.ts';
import type { SiteDomain, Stage } from '../../lib/stage.ts';

export interface Synthesized extends Delinkcious {
  app: App;
  /** The templates of the stateful and the stateless stack. */
  dataTemplate: Template;
  serviceTemplate: Template;
  /** The template of the service stack's nested delivery tier (CloudFront, the client's bucket, the web ACL). */
  deliveryTemplate: Template;
  /** The logical ID of a construct's CloudFormation resource, in its own stack's template. */
  logicalId(construct: IConstruct): string;
  /**
   * What a value in either template refers to, at any depth, seen through the stacks' exports: a `Ref` as the
   * logical ID, an `Fn::GetAtt` as `LogicalId.Attribute`, and an `Fn::ImportValue` as whatever the stateful
   * stack exported under that name, and a nested stack's parameter as what the service stack passes to it.
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
  const deliveryTemplate = Template.fromStack(Stack.of(stacks.service.delivery));
  const exports = new Map<string, unknown>();
  for (const output of Object.values(
    (dataTemplate.toJSON() as { Outputs?: Record<string, { Value: unknown; Export?: { Name: string } }> })
      .Outputs ?? {},
  )) {
    if (output.Export) exports.set(output.Export.Name, output.Value);
  }
  // A nested stack sees the service stack's values as parameters: follow them to what the service stack passes.
  const nestedParameters = new Map<string, unknown>();
  for (const nested of Object.values(resourcesOfType(serviceTemplate, 'AWS::CloudFormation::Stack'))) {
    const parameters = (nested.Properties.Parameters ?? {}) as Record<string, unknown>;
    for (const [name, value] of Object.entries(parameters)) nestedParameters.set(name, value);
  }
  const references = (value: unknown) => referencesIn(value, exports, nestedParameters);
  const result: Synthesized = {
    ...stacks,
    app,
    dataTemplate,
    serviceTemplate,
    deliveryTemplate,
    logicalId: (construct) =>
      Stack.of(construct).getLogicalId((construct.node.defaultChild ?? construct) as CfnElement),
    references,
    referencedLogicalIds: (value) => new Set([...references(value)].map((ref) => ref.split('.')[0]!)),
  };
  synthesized.set(key, result);
  return result;
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

function referencesIn(
  value: unknown,
  exports: ReadonlyMap<string, unknown>,
  nestedParameters: ReadonlyMap<string, unknown>,
): Set<string> {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
    } else if (node && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        if (key === 'Ref' && typeof child === 'string' && nestedParameters.has(child))
          visit(nestedParameters.get(child));
        else if (key === 'Ref' && typeof child === 'string') found.add(child);
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
