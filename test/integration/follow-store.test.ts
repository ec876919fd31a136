import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import {
  DynamoFollowStore,
  ENDED_FOLLOWS_KEPT_MS,
  INDEX_LAG_ALLOWANCE_MS,
} from '../../shared/social/dynamodb.ts';
import { createTestTables, randomPrefix, type TestTables } from '../support/tables.ts';

/**
 * The social table's follow check on DynamoDB Local: the end of a follow recorded by the unfollow's transaction,
 * read back by one Query of the followed user's partition, and the edges read instead for a check made too late.
 */
let tables: TestTables;

beforeAll(async () => {
  tables = await createTestTables(inject('dynamoDbEndpoint'), 'follows');
});
afterAll(() => tables?.destroy());

const T0 = Date.parse('2026-12-01T00:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000);

/** A store whose clock reads `clock.now`, with usernames of their own for each test. */
function world() {
  const clock = { now: at(0) };
  const store = new DynamoFollowStore(tables.names.social, tables.db, () => clock.now);
  const name = randomPrefix('u');
  const user = (who: string) => `${name}${who}`;
  const follow = (reader: string, author: string, minutes: number) =>
    store.add({ follower: user(reader), followed: user(author), since: at(minutes).toISOString() });
  const reader = (who: string, minutes: number) => ({
    username: user(who),
    since: at(minutes).toISOString(),
  });
  return { clock, store, user, follow, reader };
}

describe('the ends of follows on DynamoDB Local', () => {
  it("given ann and cat follow bob, when ann unfollows, follows again and unfollows, and cat stays, then the check right after names both of ann's follows as ended and not cat's", async () => {
    const { clock, store, user, follow, reader } = world();
    await follow('ann', 'bob', 0);
    await follow('cat', 'bob', 0);
    clock.now = at(1);
    expect(await store.remove(user('ann'), user('bob'))).toBe(true);
    await follow('ann', 'bob', 2);
    const checked = [reader('ann', 0), reader('cat', 0), reader('ann', 2)];

    expect(await store.endedFollows(user('bob'), checked, at(0).toISOString())).toEqual(
      new Set([user('ann')]),
    );
    expect(await store.endedFollows(user('bob'), [reader('ann', 2)], at(2).toISOString())).toEqual(new Set());

    clock.now = at(3);
    await store.remove(user('ann'), user('bob'));
    expect(await store.endedFollows(user('bob'), [reader('ann', 2)], at(2).toISOString())).toEqual(
      new Set([user('ann')]),
    );
    expect(await store.remove(user('ann'), user('bob'))).toBe(false);
    expect((await store.counts(user('bob'))).followers).toBe(1);
  });

  it('given a check of follows seen alive longer ago than ends are kept, then the edges answer the same', async () => {
    const { clock, store, user, follow, reader } = world();
    await follow('ann', 'bob', 0);
    await follow('cat', 'bob', 0);
    await store.remove(user('ann'), user('bob'));
    clock.now = new Date(T0 + ENDED_FOLLOWS_KEPT_MS);

    const ended = await store.endedFollows(
      user('bob'),
      [reader('ann', 0), reader('cat', 0)],
      at(0).toISOString(),
    );

    expect(ended).toEqual(new Set([user('ann')]));
  });

  it("given an end older than the check's window, then the Query does not read it, and the follow begun after it holds", async () => {
    const { clock, store, user, follow, reader } = world();
    await follow('ann', 'bob', 0);
    await store.remove(user('ann'), user('bob'));
    const later = (INDEX_LAG_ALLOWANCE_MS * 2) / 60_000;
    await follow('ann', 'bob', later);
    clock.now = at(later + 1);

    expect(await store.endedFollows(user('bob'), [reader('ann', later)], at(later).toISOString())).toEqual(
      new Set(),
    );
  });
});
