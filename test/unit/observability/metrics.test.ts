import type { SQSRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { setLinkCheckServiceForTests } from '../../../shared/checker/check-service.ts';
import type { LinkCheckService } from '../../../shared/checker/core.ts';
import { resetMetricsForTests } from '../../../shared/metrics.ts';
import type { FeedWriter } from '../../../shared/news/core.ts';
import { linkEvent } from '../../../shared/news/model.ts';
import { setFeedWriterForTests } from '../../../shared/news/service.ts';
import { aLambdaContext } from '../../support/builders.ts';
import { captureFunctionOutput } from '../support/captured-output.ts';
import { call, importHandler } from '../support/http.ts';
import { useInMemoryServices } from '../support/services.ts';

/** The handlers' business metrics, read back from the EMF lines they print (as CloudWatch reads them). */

interface EmfLine {
  _aws: { CloudWatchMetrics: { Namespace: string; Dimensions: string[][]; Metrics: { Name: string }[] }[] };
  [field: string]: unknown;
}

const TOKEN = 'dlk_alices-metrics-test-token';
const services = useInMemoryServices();
let output: string[];

beforeEach(() => {
  output = captureFunctionOutput('SILENT');
  vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
  vi.stubEnv('STAGE', 'dev');
  resetMetricsForTests();
  services.givenSession(TOKEN, { username: 'alice' });
});
afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  resetMetricsForTests();
  setFeedWriterForTests(undefined);
  setLinkCheckServiceForTests(undefined);
});

/** Every EMF line printed so far. */
function emfLines(): EmfLine[] {
  return output
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as EmfLine);
}

/** The value a metric was given on the line that carries it, with that line's dimension values. */
function metric(name: string): { value: unknown; dimensions: Record<string, unknown> } | undefined {
  const line = emfLines().find((candidate) =>
    candidate._aws.CloudWatchMetrics[0]!.Metrics.some((declared) => declared.Name === name),
  );
  if (!line) return undefined;
  const names = line._aws.CloudWatchMetrics[0]!.Dimensions.flat();
  expect(line._aws.CloudWatchMetrics[0]!.Namespace).toBe('Delinkcious');
  return { value: line[name], dimensions: Object.fromEntries(names.map((dim) => [dim, line[dim]])) };
}

describe('HTTP handlers: what the request did, and the route group it belongs to', () => {
  it('given alice adds, changes and deletes a link, then LinksAdded, LinksUpdated and LinksDeleted, by stage', async () => {
    const url = 'https://golang.org/';
    await call(await importHandler('links/add-link'), { method: 'POST', token: TOKEN, body: { url } });
    expect(metric('LinksAdded')).toEqual({ value: 1, dimensions: { service: 'delinkcious', stage: 'dev' } });

    await call(await importHandler('links/update-link'), {
      method: 'PUT',
      token: TOKEN,
      body: { url, title: 'Go' },
    });
    await call(await importHandler('links/delete-link'), { method: 'DELETE', token: TOKEN, query: { url } });

    expect(metric('LinksUpdated')?.value).toBe(1);
    expect(metric('LinksDeleted')?.value).toBe(1);
  });

  it('given any request, then its latency and whether it failed, under its route group, never a username', async () => {
    await call(await importHandler('links/list-links'), { token: TOKEN });

    const latency = metric('RequestLatency')!;
    expect(latency.dimensions).toEqual({ service: 'delinkcious', stage: 'dev', route_group: 'links' });
    expect(latency.value).toEqual(expect.any(Number));
    expect(metric('ServerErrors')?.value).toBe(0);
    expect(output.filter((chunk) => chunk.includes('"_aws"')).join('')).not.toContain('alice');
  });

  it('given an unknown token, then one AuthenticationFailures', async () => {
    const answer = await call(await importHandler('links/list-links'), { token: 'dlk_nobody' });

    expect(answer.status).toBe(401);
    expect(metric('AuthenticationFailures')?.value).toBe(1);
    expect(metric('LinksAdded')).toBeUndefined();
  });
});

const aMessage = (body: unknown): SQSRecord =>
  ({
    messageId: 'm-1',
    receiptHandle: 'r',
    body: JSON.stringify(body),
    attributes: {},
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:q',
    awsRegion: 'us-east-1',
  }) as unknown as SQSRecord;

describe('queue handlers', () => {
  it('given a feed write of an event 2 s old, then FeedEntriesWritten as written and a FanOutLag of about 2 s', async () => {
    setFeedWriterForTests({ apply: async () => 3 } as unknown as FeedWriter);
    const changedAt = new Date(Date.now() - 2_000).toISOString();
    const event = linkEvent('link_added', 'bob', 'https://go.dev/', 'Go', changedAt);
    const { handler } = await import('../../../functions/news/write-feeds.ts');

    await handler(
      {
        Records: [
          aMessage({
            group: 'feeds-01',
            change: { kind: 'publish', event, revision: `${changedAt}#000000000001` },
            readers: [{ username: 'alice', since: '2026-01-01T00:00:00.000Z' }],
          }),
        ],
      },
      aLambdaContext(),
    );

    expect(metric('FeedEntriesWritten')?.value).toBe(3);
    const lag = metric('FanOutLag')!.value as number;
    expect(lag).toBeGreaterThanOrEqual(2_000);
    expect(lag).toBeLessThan(60_000);
  });

  it('given bob starts following alice, then FeedEntriesWritten counts the entries of his backfill', async () => {
    setFeedWriterForTests({ followed: async () => 4 } as unknown as FeedWriter);
    const { handler } = await import('../../../functions/news/write-feeds.ts');

    await handler(
      {
        Records: [
          aMessage({
            group: 'feeds-12',
            follow: {
              kind: 'followed',
              reader: { username: 'bob', since: '2026-01-01T00:00:00.000Z' },
              author: 'alice',
            },
          }),
        ],
      },
      aLambdaContext(),
    );

    expect(metric('FeedEntriesWritten')?.value).toBe(4);
  });

  it('given a check that finds the link invalid, then LinkChecks and LinkCheckDuration under verdict invalid', async () => {
    setLinkCheckServiceForTests({
      handle: async () => ({
        outcome: 'recorded',
        titleFilled: false,
        verdict: { status: 'invalid', httpStatus: 404, reason: 'HTTP 404', attempts: 1 },
      }),
    } as unknown as LinkCheckService);
    const { handler } = await import('../../../functions/checker/check-link.ts');

    await handler(
      {
        Records: [
          aMessage({
            username: 'alice',
            url: 'https://gone.example/',
            cause: 'added',
            requested_at: '2026-11-24T09:00:00.000Z',
          }),
        ],
      },
      aLambdaContext(),
    );

    expect(metric('LinkChecks')).toEqual({
      value: 1,
      dimensions: { service: 'delinkcious', stage: 'dev', verdict: 'invalid' },
    });
    expect(metric('LinkCheckDuration')?.value).toEqual(expect.any(Number));
  });
});
