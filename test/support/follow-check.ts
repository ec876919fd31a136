import type { FollowCheck } from '../../shared/news/ports.ts';

/**
 * The feed writer's follow check over a graph held in memory: a reader's follow has ended when the reader no
 * longer follows the author under that since (what the social table's check answers, read at once).
 */
export function followCheckOver(
  sinceOf: (reader: string, author: string) => string | undefined,
): FollowCheck {
  return {
    ended: async (author, readers) =>
      new Set(
        readers.filter((reader) => sinceOf(reader.username, author) !== reader.since).map((r) => r.username),
      ),
  };
}
