import { DynamoDBDocumentClient, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { stubFunctionEnvironment } from '../support/http.ts';

const dynamo = mockClient(DynamoDBDocumentClient);

beforeEach(() => {
  dynamo.reset();
  dynamo.on(UpdateCommand).resolves({});
});
afterEach(() => vi.unstubAllEnvs());

/** The gate of a cold start in this environment: settings are read once per cold start. */
async function coldStartGate(settings: Record<string, string>) {
  vi.resetModules();
  stubFunctionEnvironment(settings);
  const { gate } = await import('../../../shared/gate.ts');
  const { rateKeyForIp } = await import('../../../shared/http/rate-limit.ts');
  return { gate: gate(), key: rateKeyForIp('192.0.2.1') };
}

describe("the gate's rate limiter, as the stage's settings make it", () => {
  it.each([
    ['1', 4],
    ['4', 1],
  ])(
    'given RATE_LIMIT_CLAIM_SIZE=%s, when a client IP sends four requests, then the rate item is written %i times',
    async (claimSize, writes) => {
      const { gate, key } = await coldStartGate({ RATE_LIMIT_CLAIM_SIZE: claimSize });

      for (let i = 0; i < 4; i++) await gate.rateLimiter.enforce(key);

      expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(writes);
    },
  );

  it('given RATE_LIMIT_LEASE_SECONDS=1, when a second passes after a claim, then the next request claims anew', async () => {
    vi.useFakeTimers({ now: new Date('2026-12-04T12:00:00Z'), toFake: ['Date'] });
    try {
      const { gate, key } = await coldStartGate({ RATE_LIMIT_LEASE_SECONDS: '1' });
      await gate.rateLimiter.enforce(key);
      vi.setSystemTime(new Date('2026-12-04T12:00:01Z'));

      await gate.rateLimiter.enforce(key);

      expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
