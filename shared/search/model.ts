import * as z from '../zod.ts';
import { linkSchema } from '../links/model.ts';

/**
 * One change for a user's search index, sent by the links stream's dispatcher to the searchUpdates queue (FIFO,
 * grouped by username, so each user's changes arrive in order and one at a time): `upsert` carries the link as
 * it now is (added, edited, or checked: a check may have brought page text), `remove` the link as it was.
 */
export const searchUpdateSchema = z.object({
  username: z.string().check(z.minLength(1)),
  change: z.enum(['upsert', 'remove']),
  link: linkSchema,
});
export type SearchUpdate = z.infer<typeof searchUpdateSchema>;

/** The most a message of the searchUpdates queue carries, well under SQS's 256 KiB limit. */
export const SEARCH_MESSAGE_MAX_BYTES = 200 * 1024;

/** Updates packed into one message: at least one, all of one user. */
const oneUsersUpdates = z.object({ updates: z.array(searchUpdateSchema).check(z.minLength(1)) }).check(
  z.refine(({ updates }) => updates.every((update) => update.username === updates[0]!.username), {
    message: 'the updates of one message are of one user',
  }),
);
const rebuildRequest = z.object({ rebuild: z.string().check(z.minLength(1)) });

/**
 * One message of the searchUpdates queue: one user's changes, in order, as many as fit (a stream batch's worth;
 * an import's links arrive in batches of 100), so that a burst of changes costs few index writes; or a request
 * to build the user's index if it is missing or outdated (`rebuild`: no changes). A message of one bare change
 * (what was sent before) is read as a list of one.
 */
export const searchMessageSchema = z.union([
  z.pipe(
    oneUsersUpdates,
    z.transform(({ updates }: z.output<typeof oneUsersUpdates>) => ({
      username: updates[0]!.username,
      updates,
    })),
  ),
  z.pipe(
    rebuildRequest,
    z.transform(({ rebuild }: z.output<typeof rebuildRequest>) => ({ username: rebuild, updates: [] })),
  ),
  z.pipe(
    searchUpdateSchema,
    z.transform((update: SearchUpdate) => ({ username: update.username, updates: [update] })),
  ),
]);
export type SearchMessage = z.infer<typeof searchMessageSchema>;

/** The body of a request to build a user's index if it is missing or outdated. */
export const rebuildRequestBody = (username: string) => JSON.stringify({ rebuild: username });

const ENVELOPE_BYTES = '{"updates":[]}'.length;

/** The bodies of messages carrying the updates, in order: consecutive updates of a user packed together. */
export function searchMessageBodies(updates: readonly SearchUpdate[]): string[] {
  const bodies: string[] = [];
  let packed: string[] = [];
  let username: string | undefined;
  let bytes = 0;
  const flush = () => {
    if (packed.length > 0) bodies.push(`{"updates":[${packed.join(',')}]}`);
    packed = [];
    bytes = 0;
  };
  for (const update of updates) {
    const body = JSON.stringify(update);
    const size = Buffer.byteLength(body) + 1; // and its comma
    if (update.username !== username || bytes + size + ENVELOPE_BYTES > SEARCH_MESSAGE_MAX_BYTES) flush();
    username = update.username;
    packed.push(body);
    bytes += size;
  }
  flush();
  return bodies;
}
