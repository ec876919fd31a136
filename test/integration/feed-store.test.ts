import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { DynamoFeedStore, ExclusiveFeedStore } from '../../shared/news/dynamodb.ts';
import { linkEvent, linkRevision } from '../../shared/news/model.ts';
import type { SlotEntry, SlotTombstone } from '../../shared/news/ports.ts';
import { createTestTables, type TestTables } from '../support/tables.ts';

/**
 * The feed store's batched writes on DynamoDB Local: PartiQL INSERTs where slots are empty and the conditional
 * update where they are not, as the engine evaluates them (timelines); and the one writer's consistent reads and
 * whole-item writes (readers' feeds). Each case runs on both, in partitions of their own.
 */
let tables: TestTables;

beforeAll(async () => {
  tables = await createTestTables(inject('dynamoDbEndpoint'), 'feedstore');
});
afterAll(() => tables?.destroy());

const T0 = Date.parse('2026-11-20T00:00:00.000Z');
const at = (minutes: number) => new Date(T0 + minutes * 60_000).toISOString();
const FOLLOWED_SINCE = at(0);

/** Bob's link added at `minutes` with `title`, as the writer makes it for `reader`. */
function addedFor(reader: string, minutes: number, title = 'Go', version = 1): SlotEntry {
  const revision = linkRevision(at(minutes), version);
  return {
    reader,
    author: 'bob',
    url: 'https://go.dev/',
    slot: 'added',
    event: linkEvent('link_added', 'bob', 'https://go.dev/', title, at(minutes)),
    revision,
    followedSince: FOLLOWED_SINCE,
    order: `${FOLLOWED_SINCE}#${revision}#1`,
    expiresAtEpoch: Math.floor(T0 / 1000) + 90 * 24 * 3600,
  };
}

describe.each([
  ['by conditional writes', DynamoFeedStore],
  ['by its one writer', ExclusiveFeedStore],
])('the feed store on DynamoDB Local, written %s', (_how, Store) => {
  const own = (reader: string) => `${Store.name}-${reader}`;
  const store = () => new Store(tables.names.feeds, tables.db);
  const titles = async (reader: string) =>
    (await store().newest(own(reader), {}, 10)).map((event) => `${event.title} ${event.timestamp}`);
  const added = (reader: string, minutes: number, title = 'Go', version = 1) =>
    addedFor(own(reader), minutes, title, version);
  /** Bob's link hidden in the reader's added slot up to `revision`. */
  const hidden = (reader: string, revision: string): SlotTombstone => ({
    reader: own(reader),
    author: 'bob',
    url: 'https://go.dev/',
    slot: 'added',
    revision,
    expiresAtEpoch: Math.floor(T0 / 1000) + 90 * 24 * 3600,
  });

  it('given 60 readers with empty slots, when an event is written twice, then each feed holds it once', async () => {
    const readers = Array.from({ length: 60 }, (_, i) => `fresh${i}`);
    const entries = readers.map((reader) => added(reader, 1));

    await store().writeEntries(entries);
    await store().writeEntries(entries);

    for (const reader of [readers[0]!, readers[24]!, readers[25]!, readers[59]!])
      expect(await titles(reader)).toEqual([`Go ${at(1)}`]);
  });

  it('given a feed with entries, when asked for a range whose lower end is above its upper end, then it holds nothing', async () => {
    await store().writeEntries([added('ida', 1), added('ida', 5, 'Go 5', 2)]);
    const entriesAt = (minutes: number) => `${at(minutes)}#~`;

    const empty = await store().newest(own('ida'), { above: entriesAt(4), below: entriesAt(2) }, 10);
    const same = await store().newest(own('ida'), { above: entriesAt(3), below: entriesAt(3) }, 10);
    const around = await store().newest(own('ida'), { above: entriesAt(0), below: entriesAt(9) }, 10);

    expect(empty).toEqual([]);
    expect(same).toEqual([]);
    expect(around.map((event) => event.timestamp)).toEqual([at(5)]);
  });

  it('given slots holding entries, when a newer and an older revision arrive, then the newer replaces the entry and the older changes nothing', async () => {
    await store().writeEntries([added('ann', 1, 'Go'), added('amy', 1, 'Go')]);

    await store().writeEntries([added('ann', 2, 'Go 2', 2), added('amy', 0, 'Go 0', 1)]);

    expect(await titles('ann')).toEqual([`Go 2 ${at(2)}`]);
    expect(await titles('amy')).toEqual([`Go ${at(1)}`]);
  });

  it('given a slot hidden up to a revision and holding no entry, when an older add arrives, then it does not land; a later one does', async () => {
    await store().hide([hidden('cy', linkRevision(at(5), 2))]);

    await store().writeEntries([added('cy', 4, 'Go 4', 1)]);
    expect(await titles('cy')).toEqual([]);

    await store().writeEntries([added('cy', 6, 'Go 6', 3)]);
    expect(await titles('cy')).toEqual([`Go 6 ${at(6)}`]);
  });

  it('given a slot holding an entry, when hidden at a later revision and then hidden again at an older one, then the entry is gone and the later revision stays', async () => {
    await store().writeEntries([added('dot', 1, 'Go', 1)]);

    await store().hide([hidden('dot', linkRevision(at(1), 3))]);
    await store().hide([hidden('dot', linkRevision(at(1), 2))]);

    expect(await titles('dot')).toEqual([]);
    const [state] = await store().slotStates([
      { reader: own('dot'), author: 'bob', url: 'https://go.dev/', slot: 'added' },
    ]);
    expect(state).toEqual({ hiddenRevision: linkRevision(at(1), 3) });
  });

  it('given a slot holding a newer entry, when hidden at an older revision, then the entry stays', async () => {
    await store().writeEntries([added('eve', 1, 'Go 2', 2)]);

    await store().hide([hidden('eve', linkRevision(at(1), 1))]);

    expect(await titles('eve')).toEqual([`Go 2 ${at(1)}`]);
  });

  it('given entries that came under a follow, when that follow is swept, then they go, and an entry of a later follow stays', async () => {
    const later = { ...added('fay', 2, 'Go later'), followedSince: at(1), order: `${at(1)}#x#1` };
    await store().writeEntries([added('fay', 1)]);
    await store().writeEntries([
      {
        ...later,
        url: 'https://go.dev/later',
        event: linkEvent('link_added', 'bob', 'https://go.dev/later', 'Go later', at(2)),
      },
    ]);

    await store().removeFollowedUntil(own('fay'), 'bob', FOLLOWED_SINCE);

    expect(await titles('fay')).toEqual([`Go later ${at(2)}`]);
  });
});
