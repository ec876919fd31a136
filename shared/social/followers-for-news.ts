import type { Audiences, FollowCheck, FollowerDirectory } from '../news/ports.ts';
import type { Reader } from '../news/model.ts';
import type { FollowPosition } from './model.ts';
import type { DynamoFollowStore } from './dynamodb.ts';

/** What the news context reads of the social graph: an author's followers, and who follows them now. */
export type FollowReads = Pick<DynamoFollowStore, 'followers' | 'endedFollows' | 'followsOf' | 'counts'>;

/**
 * The social graph as the news context asks for it: a page of an author's followers as readers (the fan-out),
 * which readers' follows of an author have ended (the feed writer's check after each write), how many follow
 * an author (the counters item, which decides whether they are large) and which large authors a reader follows
 * (their news page).
 */
export class FollowersForNews implements FollowerDirectory, FollowCheck, Audiences {
  constructor(private readonly follows: FollowReads) {}

  async followers(
    author: string,
    after: FollowPosition | undefined,
    pageSize: number,
  ): Promise<{ readers: Reader[]; next?: FollowPosition }> {
    const page = await this.follows.followers(author, after, pageSize);
    const readers = page.follows.map((follow) => ({ username: follow.follower, since: follow.since }));
    const last = readers.at(-1);
    return page.hasMore && last
      ? { readers, next: { since: last.since, username: last.username } }
      : { readers };
  }

  ended(author: string, readers: Reader[], aliveAt: string): Promise<Set<string>> {
    return this.follows.endedFollows(author, readers, aliveAt);
  }

  async followerCount(author: string): Promise<number> {
    return (await this.follows.counts(author)).followers;
  }

  followsOf(reader: string, authors: string[]): Promise<Map<string, string>> {
    return this.follows.followsOf(reader, authors);
  }
}
