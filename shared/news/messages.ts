import * as z from 'zod';

/** The shapes of the pipeline's queue messages: anything else is malformed and goes to the dead-letter queue. */

const linkEvent = z.object({
  id: z.string().min(1),
  type: z.enum(['link_added', 'link_updated', 'link_deleted']),
  author: z.string().min(1),
  url: z.string().min(1),
  title: z.string(),
  timestamp: z.iso.datetime(),
});

const revision = z.string().min(1);

const feedChange = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('publish'), event: linkEvent, revision }),
  z.object({ kind: z.literal('retract'), author: z.string().min(1), url: z.string().min(1), revision }),
]);

const reader = z.object({ username: z.string().min(1), since: z.string().min(1) });

export const feedWriteMessage = z.object({
  change: feedChange,
  readers: z.array(reader).max(1000),
});

export const fanOutContinuationMessage = z.object({
  change: feedChange,
  after: z.object({ since: z.string(), username: z.string() }),
});
