import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CONCURRENT_INVOCATIONS_ENVIRONMENT, invoke } from '../../../local/functions.ts';
import { hashToken } from '../../../shared/users/sessions.ts';
import { anApiEvent } from '../../support/builders.ts';
import { captureFunctionOutput } from '../support/captured-output.ts';

const REQUESTS = 30;
const dynamo = mockClient(DynamoDBDocumentClient);
let written: string[];

beforeEach(() => {
  // The function environment of the local runtime (local/runtime.ts).
  for (const [name, value] of Object.entries(CONCURRENT_INVOCATIONS_ENVIRONMENT)) vi.stubEnv(name, value);
  written = captureFunctionOutput('ERROR');
  dynamo.reset();
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

const errorLines = () =>
  written
    .join('')
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => entry.level === 'ERROR');

/**
 * Every session belongs to its own member; every read of links fails with the member's key in its message. The
 * reads are held until all of them have started and then fail in reverse order, so that the invocations surely
 * interleave, whatever the speed of the machine.
 */
function givenStorageThatFailsOnceAllRequestsAreInFlight(members: string[]) {
  const memberOfTokenHash = new Map(members.map((member) => [hashToken(tokenOf(member)), member]));
  dynamo.on(GetCommand).callsFake((input: { Key: { pk: string } }) => {
    const member = [...memberOfTokenHash].find(([hash]) => input.Key.pk.endsWith(hash))?.[1];
    return member
      ? {
          Item: {
            username: member,
            token_id: `id-of-${member}`,
            scope: 'session',
            name: 'dev login',
            created_at: '2026-11-01T00:00:00.000Z',
            expires_at: '2999-01-01T00:00:00.000Z',
          },
        }
      : {};
  });
  const heldReads: (() => void)[] = [];
  dynamo.on(QueryCommand).callsFake(
    (input: unknown) =>
      new Promise((_, reject) => {
        heldReads.push(() => reject(new Error(`storage unavailable for ${JSON.stringify(input)}`)));
        if (heldReads.length === members.length) for (const fail of heldReads.reverse()) fail();
      }),
  );
}

const tokenOf = (member: string) => `dlk_token-of-${member}`;

describe('logs of concurrent invocations in the local runtime', () => {
  it('given 30 concurrent requests that fail inside, when they are served at once, then every error line names its own request and function', async () => {
    const members = Array.from({ length: REQUESTS }, (_, i) => `member${String(i).padStart(2, '0')}`);
    givenStorageThatFailsOnceAllRequestsAreInFlight(members);
    const requests = members.map((member, i) => {
      const route =
        i % 2 === 0 ? { fn: 'listLinks', path: '/v1/links' } : { fn: 'listTags', path: '/v1/tags' };
      return {
        member,
        fn: route.fn,
        event: anApiEvent({ method: 'GET', path: route.path, token: tokenOf(member) }),
      };
    });

    const results = await Promise.all(
      requests.map(
        ({ fn, event }) =>
          invoke(fn as 'listLinks' | 'listTags', event) as Promise<APIGatewayProxyStructuredResultV2>,
      ),
    );

    expect(results.map((result) => result.statusCode)).toEqual(requests.map(() => 500));
    const lines = errorLines();
    expect(lines).toHaveLength(REQUESTS);
    for (const { member, fn, event } of requests) {
      const ownLines = lines.filter((line) => line.request_id === event.requestContext.requestId);
      expect(ownLines).toHaveLength(1);
      expect(ownLines[0]).toMatchObject({ function_name: `delinkcious-local-${fn}`, username: member });
      expect(JSON.stringify(ownLines[0]!.error)).toContain(member);
    }
  });
});
