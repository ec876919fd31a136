import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { DelinkciousStack } from '../../lib/delinkcious-stack.ts';
import type { Stage } from '../../lib/stage.ts';

export interface Synthesized {
  stack: DelinkciousStack;
  template: Template;
  /** The logical ID in the template of a construct's CloudFormation resource. */
  logicalId(construct: IConstruct): string;
}

export const TEST_GITHUB_CLIENT_ID = 'Iv1.test-client-id';

const synthesized = new Map<Stage, Synthesized>();

/**
 * The stack for a stage, synthesized once per test file. An empty `aws:cdk:bundling-stacks` list skips
 * bundling: these tests read the template, not the code, and running esbuild for every function would make
 * each synthesis several times slower. `npx cdk synth` still bundles for real.
 */
export function synthesize(stage: Stage): Synthesized {
  const cached = synthesized.get(stage);
  if (cached) return cached;
  const app = new App({ context: { 'aws:cdk:bundling-stacks': [] } });
  const stack = new DelinkciousStack(app, `Delinkcious-${stage}`, {
    stage,
    appVersion: '9.9.9-test',
    githubClientId: TEST_GITHUB_CLIENT_ID,
  });
  const result: Synthesized = {
    stack,
    template: Template.fromStack(stack),
    logicalId: (construct) => stack.getLogicalId(construct.node.defaultChild as CfnElement),
  };
  synthesized.set(stage, result);
  return result;
}

export interface Resource {
  Type: string;
  Properties: Record<string, unknown>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
}

export function resourcesOfType(template: Template, type: string): Record<string, Resource> {
  return template.findResources(type) as Record<string, Resource>;
}

export function resource(template: Template, logicalId: string): Resource {
  const found = (template.toJSON() as { Resources: Record<string, Resource> }).Resources[logicalId];
  if (!found) throw new Error(`No resource ${logicalId} in the template.`);
  return found;
}

/**
 * What a CloudFormation value refers to, at any depth: `Ref`s as the logical ID, `Fn::GetAtt`s as
 * `LogicalId.Attribute` (so that a table's `Arn` and its `StreamArn` stay apart).
 */
export function references(value: unknown): Set<string> {
  const found = new Set<string>();
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) {
      node.forEach(visit);
    } else if (node && typeof node === 'object') {
      for (const [key, child] of Object.entries(node)) {
        if (key === 'Ref' && typeof child === 'string') found.add(child);
        else if (key === 'Fn::GetAtt' && Array.isArray(child)) found.add(child.join('.'));
        else visit(child);
      }
    }
  };
  visit(value);
  return found;
}

/** The logical IDs that a CloudFormation value refers to, whatever the attribute. */
export function referencedLogicalIds(value: unknown): Set<string> {
  return new Set([...references(value)].map((reference) => reference.split('.')[0]!));
}

export interface Statement {
  Effect: 'Allow' | 'Deny';
  Action: string | string[];
  Resource: unknown;
  Condition?: Record<string, Record<string, unknown>>;
}

export function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

/** The statements of every policy attached to a role, inline or as a separate AWS::IAM::Policy. */
export function statementsOfRole(template: Template, roleLogicalId: string): Statement[] {
  type PolicyDocument = { Statement: Statement[] };
  const attached = Object.values(resourcesOfType(template, 'AWS::IAM::Policy'))
    .filter((policy) => referencedLogicalIds(policy.Properties.Roles).has(roleLogicalId))
    .flatMap((policy) => (policy.Properties.PolicyDocument as PolicyDocument).Statement);
  const role = resource(template, roleLogicalId);
  const inline = ((role.Properties.Policies ?? []) as { PolicyDocument: PolicyDocument }[]).flatMap(
    (policy) => policy.PolicyDocument.Statement,
  );
  return [...attached, ...inline];
}
