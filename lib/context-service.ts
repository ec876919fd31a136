import { aws_sqs as sqs } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { queues, type FunctionName, type QueueName } from '../shared/wiring.ts';
import { eventSourcesOf, schedulesOf, type BoundedContext } from './contexts.ts';
import { connectEventSource, connectSchedule } from './event-sources.ts';
import { ServiceFunction, type Deployments, type FunctionResources } from './functions.ts';
import { createQueue } from './queues.ts';
import type { StageSettings } from './stage.ts';

interface ContextFunctionsProps {
  settings: StageSettings;
  appVersion: string;
  githubClientId: string | undefined;
  /** The functions that serve HTTP, and so are rate-limited. */
  servesHttp: ReadonlySet<FunctionName>;
  resources: FunctionResources;
  deployments: Deployments;
}

/**
 * A bounded context's behaviour: the queues it owns, its deployed functions, and what triggers them besides
 * HTTP (its streams, queues and schedules). Lives in a nested stack of the stateless stack, one per context.
 * Built in two steps, because a function may send to another context's queue: first every context's queues,
 * then every context's functions (CDK turns such a reference into an output of the queue's stack and a parameter
 * of the function's).
 */
export class ContextService extends Construct {
  readonly context: BoundedContext;
  readonly queues: Partial<Record<QueueName, sqs.Queue>> = {};
  readonly deadLetterQueues: Partial<Record<QueueName, sqs.Queue>> = {};
  readonly functions = new Map<FunctionName, ServiceFunction>();

  constructor(scope: Construct, context: BoundedContext) {
    super(scope, context.id);
    this.context = context;
    for (const name of context.queues) {
      const { queue, deadLetterQueue } = createQueue(this, name, queues[name]);
      this.queues[name] = queue;
      if (deadLetterQueue) this.deadLetterQueues[name] = deadLetterQueue;
    }
  }

  addFunctions(props: ContextFunctionsProps): void {
    for (const name of this.context.functions) {
      const fn = new ServiceFunction(this, {
        name,
        settings: props.settings,
        appVersion: props.appVersion,
        githubClientId: props.githubClientId,
        servesHttp: props.servesHttp.has(name),
        resources: props.resources,
        deployments: props.deployments,
      });
      this.functions.set(name, fn);
    }
    for (const source of eventSourcesOf(this.context)) {
      connectEventSource(this.functions.get(source.function)!.alias, source, props.resources);
    }
    for (const schedule of schedulesOf(this.context)) {
      const owner = this.functions.get(schedule.function)!;
      const index = schedulesOf(this.context)
        .filter((s) => s.function === schedule.function)
        .indexOf(schedule);
      connectSchedule(owner, index === 0 ? 'Schedule' : `Schedule${index + 1}`, owner.alias, schedule);
    }
  }
}
