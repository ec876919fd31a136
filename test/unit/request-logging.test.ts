import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { sessionKey } from '../../shared/users/dynamodb.ts';
import { hashToken } from '../../shared/users/sessions.ts';
import { aLambdaContext, anApiEvent } from '../support/builders.ts';

const TOKEN = 'dlk_secret-token-that-must-never-be-logged';
const dynamo = mockClient(DynamoDBDocumentClient);
let written: string[];

beforeEach(() => {
  vi.resetModules();
  vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'DEBUG');
  vi.stubEnv('LINKS_TABLE', 'links');
  vi.stubEnv('USERS_TABLE', 'users');
  vi.stubEnv('PAGE_TOKEN_SECRET', 'a-test-key-of-at-least-thirty-two-characters');
  written = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
  }
  dynamo.reset();
  dynamo.on(GetCommand, { Key: sessionKey(hashToken(TOKEN)) }).resolves({
    Item: {
      username: 'alice',
      created_at: '2026-11-01T00:00:00.000Z',
      expires_at: '2999-01-01T00:00:00.000Z',
    },
  });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

async function listLinks(headers: Record<string, string>) {
  const { handler } = await import('../../functions/links/list-links.ts');
  const event = anApiEvent({ method: 'GET', path: '/v1/links', headers });
  return { event, result: await handler(event, aLambdaContext()) };
}

const logLines = () =>
  written
    .join('')
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe('request logs', () => {
  it('given a served request, then one structured JSON line names the request id, route and status', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    const { event, result } = await listLinks({ authorization: `Bearer ${TOKEN}` });

    expect(result.statusCode).toBe(200);
    const line = logLines().find((entry) => entry.message === 'request');
    expect(line).toMatchObject({
      request_id: event.requestContext.requestId,
      route: 'GET /v1/links',
      status: 200,
      username: 'alice',
    });
  });

  it('given a request that fails inside, then neither the token nor its header reaches the log', async () => {
    dynamo.on(QueryCommand).rejects(new Error('boom'));

    const { result } = await listLinks({ 'access-token': TOKEN, authorization: `Bearer ${TOKEN}` });

    expect(result.statusCode).toBe(500);
    expect(logLines().some((entry) => entry.level === 'ERROR')).toBe(true);
    expect(written.join('')).not.toContain(TOKEN);
    expect(written.join('')).not.toContain(hashToken(TOKEN));
  });
});
