import { describe, expect, it } from 'vitest';
import { parseMessage } from '../../../shared/events/messages.ts';
import {
  fanOutContinuationMessage,
  feedQueueMessage,
  feedWriteMessage,
} from '../../../shared/news/messages.ts';
import { feedGroupOf, linkEvent, linkRevision } from '../../../shared/news/model.ts';

/**
 * Queue messages outlive a deploy: the bodies below are written byte for byte as the queues carry them, so that
 * a change to the schemas that would strand messages in flight fails here.
 */
const publishBody =
  '{"group":"feeds-05","change":{"kind":"publish","event":{"id":"Xq3v0sJk2m1hYc8aPZr4Tg","type":"link_added","author":"bob",' +
  '"url":"https://go.dev/","title":"Go","timestamp":"2026-11-01T10:00:00.000Z"},' +
  '"revision":"2026-11-01T10:00:00.000Z#000000000001"},' +
  '"readers":[{"username":"ann","since":"2026-10-01T00:00:00.000Z"}]}';
const followedBody =
  '{"group":"feeds-05","follow":{"kind":"followed","reader":{"username":"ann","since":"2026-10-01T00:00:00.000Z"},' +
  '"author":"bob"}}';
const retractBody =
  '{"change":{"kind":"retract","author":"bob","url":"https://go.dev/",' +
  '"revision":"2026-11-01T10:00:00.000Z#000000000002"},' +
  '"after":{"since":"2026-10-01T00:00:00.000Z","username":"ann"}}';

describe('the news pipeline queue messages', () => {
  it('given a feed-write body as the queue carries it, when parsed and sent again, then the bytes are the same', () => {
    const parsed = parseMessage(feedWriteMessage, publishBody);

    expect(parsed.change.kind).toBe('publish');
    expect(JSON.stringify(parsed)).toBe(publishBody);
  });

  it('given a follow-change body as the queue carries it, when parsed and sent again, then the bytes are the same', () => {
    const parsed = parseMessage(feedQueueMessage, followedBody);

    expect(parsed).toEqual({
      group: 'feeds-05',
      follow: {
        kind: 'followed',
        reader: { username: 'ann', since: '2026-10-01T00:00:00.000Z' },
        author: 'bob',
      },
    });
    expect(JSON.stringify(parsed)).toBe(followedBody);
  });

  it('given a feed-write body, when parsed as what the feed-write queue carries, then it is the feed write', () => {
    expect(parseMessage(feedQueueMessage, publishBody)).toEqual(parseMessage(feedWriteMessage, publishBody));
  });

  it('given a body without its group, when parsed, then it is malformed', () => {
    expect(() => parseMessage(feedQueueMessage, publishBody.replace('"group":"feeds-05",', ''))).toThrow(
      /Malformed message/,
    );
  });

  it('given a continuation body of a retraction, when parsed and sent again, then the bytes are the same', () => {
    const parsed = parseMessage(fanOutContinuationMessage, retractBody);

    expect(parsed.after).toEqual({ since: '2026-10-01T00:00:00.000Z', username: 'ann' });
    expect(JSON.stringify(parsed)).toBe(retractBody);
  });

  it('given a feed write built by the domain, when it goes through the queue body, then it parses to itself', () => {
    const at = '2026-11-01T10:00:00.000Z';
    const write = {
      group: feedGroupOf('ann'),
      change: {
        kind: 'publish' as const,
        event: linkEvent('link_updated', 'bob', 'https://go.dev/', 'Go', at),
        revision: linkRevision(at, 2),
      },
      readers: [{ username: 'ann', since: '2026-10-01T00:00:00.000Z' }],
    };

    expect(parseMessage(feedWriteMessage, JSON.stringify(write))).toEqual(write);
  });

  it('given an event without an author or with a timestamp that is no ISO time, when parsed, then it is malformed', () => {
    const noAuthor = publishBody.replace('"author":"bob"', '"author":""');
    const badTime = publishBody.replace('"timestamp":"2026-11-01T10:00:00.000Z"', '"timestamp":"yesterday"');

    expect(() => parseMessage(feedWriteMessage, noAuthor)).toThrow(/Malformed message/);
    expect(() => parseMessage(feedWriteMessage, badTime)).toThrow(/Malformed message/);
  });
});
