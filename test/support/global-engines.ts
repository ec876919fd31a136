import type { TestProject } from 'vitest/node';
import { startDynamoDbLocal, startQueuesAndBuckets } from '../../local/engines.ts';

/** One in-memory DynamoDB Local and one SQS/S3 emulator, on free ports, for a whole test run. */
export default async function setup(project: TestProject) {
  const dynamo = await startDynamoDbLocal({ port: 0 });
  const queues = await startQueuesAndBuckets({ port: 0 });
  project.provide('dynamoDbEndpoint', dynamo.endpoint);
  project.provide('queuesEndpoint', queues.endpoint);
  return async () => {
    await queues.stop();
    await dynamo.stop();
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    dynamoDbEndpoint: string;
    queuesEndpoint: string;
  }
}
