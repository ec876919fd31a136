import * as z from '../zod.ts';

/** The social context's entities, each written once as a zod schema with its type inferred from it. */

/** A follow edge: `follower` follows `followed` since `since`. */
export const followSchema = z.object({ follower: z.string(), followed: z.string(), since: z.string() });
export type Follow = z.infer<typeof followSchema>;

/**
 * The other end of a follow and since when, as a newest-first listing of follows shows it; the last one listed
 * is also where the listing stands (page tokens and fan-out continuations carry it).
 */
export const followPositionSchema = z.object({ since: z.string(), username: z.string() });
export type FollowPosition = z.infer<typeof followPositionSchema>;

export interface FollowCounts {
  followers: number;
  following: number;
}
