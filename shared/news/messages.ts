import * as z from '../zod.ts';
import { followPositionSchema } from '../social/model.ts';
import { feedChangeSchema, readerSchema } from './model.ts';

/**
 * The shapes of the pipeline's queue messages: anything else is malformed and goes to the dead-letter queue.
 * A message is its object as JSON (shared/news/sqs.ts), so a change to these shapes must still parse the
 * messages in flight during a deploy.
 */

/** A group of readers on the FIFO feed-write queue (model.ts, feedGroupOf). */
const groupSchema = z.string().check(z.minLength(1));

/** One change for a batch of its author's followers, all of one group. */
export const feedWriteMessage = z.object({
  group: groupSchema,
  change: feedChangeSchema,
  readers: z.array(readerSchema).check(z.maxLength(1000)),
});
export type FeedWrite = z.infer<typeof feedWriteMessage>;

/** A follow begun (the reader gets the author's recent links) or ended (the author's entries go), in the reader's group. */
export const followChangeMessage = z.object({
  group: groupSchema,
  follow: z.object({
    kind: z.enum(['followed', 'unfollowed']),
    reader: readerSchema,
    author: z.string().check(z.minLength(1)),
  }),
});
export type FollowChange = z.infer<typeof followChangeMessage>;

/** What the feed-write queue carries. */
export const feedQueueMessage = z.union([feedWriteMessage, followChangeMessage]);
export type FeedQueueMessage = z.infer<typeof feedQueueMessage>;

/** The same change for the author's followers after `after`, in the next fan-out step. */
export const fanOutContinuationMessage = z.object({
  change: feedChangeSchema,
  after: followPositionSchema,
});
export type FanOutContinuation = z.infer<typeof fanOutContinuationMessage>;
