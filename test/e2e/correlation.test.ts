import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { invoke } from '../../local/functions.ts';
import { CORRELATION_ID } from '../../shared/correlation.ts';
import { logger } from '../../shared/logger.ts';
import type { FeedWrite } from '../../shared/news/messages.ts';
import { eventually } from '../support/eventually.ts';
import { useDrivenRuntime } from '../support/pipeline.ts';
import { ApiClient } from '../support/runtime.ts';

/**
 * One correlation id from a request to the feeds it reaches, on the real engines: the pipeline is driven by hand
 * (the real stream records and messages, in the shapes the pollers hand them over), so that the message between
 * fan-out and feed write can be read on its way, and every step's log lines are captured.
 */
const driven = useDrivenRuntime();

let written: string[];
beforeEach(() => {
  // The tests run silent (vitest.config.ts); a Lambda function logs at INFO.
  logger.setLogLevel('INFO');
  written = [];
  for (const stream of [process.stdout, process.stderr]) {
    vi.spyOn(stream, 'write').mockImplementation((chunk) => {
      written.push(String(chunk));
      return true;
    });
  }
});
afterEach(() => {
  vi.restoreAllMocks();
  logger.setLogLevel('SILENT');
});

/** The JSON log lines written so far by the given function. */
function logLinesOf(functionName: string): Record<string, unknown>[] {
  return written
    .join('')
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((entry) => String(entry.function_name).endsWith(`-${functionName}`));
}

describe('the correlation id of a request, along the news pipeline', () => {
  it('given alice follows bob, when bob adds a link with his own x-request-id, then the answer, the feed write for alice and the log lines of the fan-out and the feed write all name it', async () => {
    const { runtime, probe } = driven;
    const alice = await ApiClient.loggedIn(runtime.url, 'alice');
    const bob = await ApiClient.loggedIn(runtime.url, 'bob');
    expect((await alice.post('/v1/following', { username: 'bob' })).status).toBe(201);
    const requestId = `journey-${randomBytes(6).toString('hex')}`;

    const added = await bob.send(
      'POST',
      '/v1/links',
      { url: 'https://go.dev/', title: 'Go' },
      {
        'x-request-id': requestId,
      },
    );

    expect(added.status).toBe(201);
    expect(added.headers.get('x-request-id')).toBe(requestId);

    const carriesTheId = (records: Awaited<ReturnType<typeof probe.streamRecords>>) =>
      records.some((record) => record.dynamodb?.NewImage?.[CORRELATION_ID]?.S === requestId);
    const records = await eventually(() => probe.streamRecords(runtime.tableNames.links), carriesTheId);
    expect(carriesTheId(records)).toBe(true);
    expect(await invoke('fanOutLinkEvents', { Records: records })).toEqual({ batchItemFailures: [] });

    const messages = await probe.drain(runtime.queueUrls.feedWrites);
    const forAlice = messages.filter((message) =>
      (JSON.parse(message.body) as FeedWrite).readers.some((reader) => reader.username === 'alice'),
    );
    expect(forAlice).toHaveLength(1);
    const [feedWrite] = forAlice;
    expect(feedWrite!.messageAttributes[CORRELATION_ID]?.stringValue).toBe(requestId);

    expect(await invoke('writeFeeds', { Records: [feedWrite] })).toEqual({ batchItemFailures: [] });

    expect(logLinesOf('fanOutLinkEvents')).toContainEqual(
      expect.objectContaining({ message: 'link change fanned out', [CORRELATION_ID]: requestId }),
    );
    expect(logLinesOf('writeFeeds')).toContainEqual(
      expect.objectContaining({ message: 'feed write applied', written: 1, [CORRELATION_ID]: requestId }),
    );
  });
});
