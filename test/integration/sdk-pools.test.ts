import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { poolsByFleet } from '../../local/sdk-pools.ts';
import type { Runtime } from '../../local/runtime.ts';
import { documentClient } from '../../shared/aws/dynamodb.ts';
import { objectClient } from '../../shared/aws/s3.ts';
import { sqsClient } from '../../shared/aws/sqs.ts';
import { idempotencyClient } from '../../shared/http/idempotency.ts';
import { startTestRuntime } from '../support/runtime.ts';

let runtime: Runtime;
beforeAll(async () => {
  runtime = await startTestRuntime({ pollers: false });
});
afterAll(async () => {
  await runtime?.stop();
});

describe('the local runtime sends the functions’ AWS calls through its pools (local/sdk-pools.ts)', () => {
  it('given the runtime started, when the adapters make their clients, then each sends through the pools by fleet', () => {
    const clients = [documentClient(), sqsClient(), objectClient('The snapshots'), idempotencyClient()];

    for (const client of clients) expect(client.config.requestHandler).toBe(poolsByFleet());
  });
});
