import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal, startQueuesAndBuckets, type Engine } from '../../local/engines.ts';

/**
 * One in-memory DynamoDB Local and one SQS/S3 emulator, on free ports, for a whole test run. The teardown stops
 * exactly these, each even when another fails to stop, and so does a failed setup. If the run itself is killed
 * (no teardown runs), the engine's watchdog (local/engines.ts) ends DynamoDB Local; the emulator runs inside the
 * test process and ends with it.
 */
export default async function setup(project: TestProject) {
  const started: Engine[] = [];
  const stopAll = async () => {
    await Promise.allSettled(started.reverse().map((engine) => engine.stop()));
  };
  try {
    const dynamo = await startDynamoDbLocal({ port: 0 });
    started.push(dynamo);
    const queues = await startQueuesAndBuckets({ port: 0 });
    started.push(queues);
    project.provide('dynamoDbEndpoint', dynamo.endpoint);
    project.provide('queuesEndpoint', queues.endpoint);
  } catch (error) {
    await stopAll();
    throw error;
  }
  return stopAll;
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoDbEndpoint: string;
    queuesEndpoint: string;
  }
}
