import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { hashToken } from '../../shared/users/sessions.ts';
import { aLambdaContext, anApiEvent } from '../support/builders.ts';
import { captureFunctionOutput } from './support/captured-output.ts';
import { useInMemoryServices } from './support/services.ts';

const TOKEN = 'dlk_secret-token-that-must-never-be-logged';
const services = useInMemoryServices();
let written: string[];

beforeEach(() => {
  vi.resetModules();
  written = captureFunctionOutput('DEBUG');
  services.givenSession(TOKEN, { username: 'alice' });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

async function listLinks(headers: Record<string, string>) {
  const { handler } = await import('../../functions/links/list-links.ts');
  await services.reinstall();
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
    vi.spyOn(services.links, 'listNewestFirst').mockRejectedValue(new Error('boom'));

    const { result } = await listLinks({ 'access-token': TOKEN, authorization: `Bearer ${TOKEN}` });

    expect(result.statusCode).toBe(500);
    expect(logLines().some((entry) => entry.level === 'ERROR')).toBe(true);
    expect(written.join('')).not.toContain(TOKEN);
    expect(written.join('')).not.toContain(hashToken(TOKEN));
  });
});
