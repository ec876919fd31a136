import * as z from '../zod.ts';
import { followPositionSchema } from '../social/model.ts';
import { feedChangeSchema, readerSchema } from './model.ts';

/**
 * The shapes of the pipeline's queue messages: anything else is malformed and goes to the dead-letter queue.
 * A message is its object as JSON (shared/news/sqs.ts), so a change to these shapes must still parse the
 * messages in flight during a deploy.
 */

/** One change for a batch of its author's followers. */
export const feedWriteMessage = z.object({
  change: feedChangeSchema,
  readers: z.array(readerSchema).check(z.maxLength(1000)),
});
export type FeedWrite = z.infer<typeof feedWriteMessage>;

/** The same change for the author's followers after `after`, in the next fan-out step. */
export const fanOutContinuationMessage = z.object({
  change: feedChangeSchema,
  after: followPositionSchema,
});
export type FanOutContinuation = z.infer<typeof fanOutContinuationMessage>;
