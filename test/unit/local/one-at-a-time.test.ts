import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  CONCURRENT_INVOCATIONS_ENVIRONMENT,
  invoke,
  observeInvocations,
  runInvocationsOneAtATime,
  type Invocation,
} from '../../../local/functions.ts';
import { anApiEvent } from '../../support/builders.ts';
import { captureFunctionOutput } from '../support/captured-output.ts';

const dynamo = mockClient(DynamoDBDocumentClient);

beforeEach(() => {
  for (const [name, value] of Object.entries(CONCURRENT_INVOCATIONS_ENVIRONMENT)) vi.stubEnv(name, value);
  captureFunctionOutput('ERROR');
  dynamo.reset();
});
afterEach(() => {
  runInvocationsOneAtATime(false);
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

/**
 * Every DynamoDB call is held until the next turn of the event loop (and finds nothing), and the calls in flight
 * are counted: invocations that run at once have calls in flight together.
 */
function givenStorageThatCountsCallsInFlight() {
  const calls = { inFlight: 0, most: 0 };
  dynamo.onAnyCommand().callsFake(async () => {
    calls.inFlight++;
    calls.most = Math.max(calls.most, calls.inFlight);
    await new Promise((done) => setImmediate(done));
    calls.inFlight--;
    return {};
  });
  return calls;
}

const requests = (count: number) =>
  Array.from({ length: count }, (_, i) =>
    invoke('listTags', anApiEvent({ method: 'GET', path: '/v1/tags', token: `dlk_token-of-member${i}` })),
  );

describe('invocations one at a time in the local runtime (the cost benchmark times functions alone)', () => {
  it('given invocations one at a time, when five requests arrive at once, then each runs alone and all are answered', async () => {
    const calls = givenStorageThatCountsCallsInFlight();
    const seen: Invocation[] = [];
    const stop = observeInvocations((invocation) => seen.push(invocation));
    runInvocationsOneAtATime(true);

    await Promise.all(requests(5));
    stop();

    expect(calls.most).toBe(1);
    expect(seen).toHaveLength(5);
    expect(seen.every((invocation) => invocation.cpuMs >= 0)).toBe(true);
  });

  it('given invocations at once again, when five requests arrive at once, then they run together', async () => {
    const calls = givenStorageThatCountsCallsInFlight();
    runInvocationsOneAtATime(true);
    runInvocationsOneAtATime(false);

    await Promise.all(requests(5));

    expect(calls.most).toBeGreaterThan(1);
  });
});
