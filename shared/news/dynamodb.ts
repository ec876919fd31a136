/**
 * The feeds table: each reader's news, written by the fan-out, read one page per query.
 *
 * Each link has up to three items in a reader's feed, one per slot (added, updated, deleted); see
 * shared/news/core.ts for why slots, entry orders and hidden revisions make the feed independent of the order
 * of deliveries, and shared/news/slot-rules.ts for the rules. A reader's feed has one writer, its group's
 * consumer on the FIFO feed-write queue (ExclusiveFeedStore): it reads the slots, decides by the rules, and writes
 * back whole items. An author's timeline is written by the fan-out, each change to a slot one conditional write
 * of its item (DynamoFeedStore).
 *
 * | access pattern                              | key condition / write                                            |
 * |---------------------------------------------|------------------------------------------------------------------|
 * | a reader's slots, by their one writer       | BatchGetItem, consistent, the whole items, 100 a call; then the  |
 * |                                             | slots that change put whole, 25 per BatchWriteItem               |
 * | write an entry into a timeline slot         | PartiQL INSERT of the whole item, 25 per BatchExecuteStatement:  |
 * |                                             | lands only where the slot has no item (DuplicateItem otherwise); |
 * |                                             | for those that exist, UpdateItem SET entry if hidden_revision <  |
 * |                                             | :rev (or absent) and entry_order < :order (or absent)            |
 * | hide a timeline slot up to a revision       | UpdateItem SET hidden_revision REMOVE entry if hidden_revision   |
 * |                                             | and entry_revision < :rev (or absent); failing that, UpdateItem  |
 * |                                             | SET hidden_revision if lower, then REMOVE entry if older         |
 * | a reader's entries by one author (unfollow) | pk = FEED#<reader>, begins_with(sk, SLOT#<author>#), consistent, |
 * |                                             | filter followed_since <= :since; BatchWriteItem deletes the slots |
 * |                                             | left empty, UpdateItem REMOVE entry if followed_since <= :since  |
 * |                                             | for those that keep a hidden revision                            |
 * | a reader's news, newest first, paged        | LSI byTime: pk = FEED#<reader>, time_key < :below (and > :above), |
 * |                                             | ScanIndexForward = false                                         |
 * | an author's timeline, the same way          | pk = TIMELINE#<author>: the same items, slots and queries        |
 * | what timeline slots hold (news of backfill) | BatchGetItem, consistent, projecting event_id and the revisions   |
 * | the large authors                           | one item LARGE_AUTHORS: a map author -> { listed_at, ended_at? }; |
 * |                                             | GetItem, consistent, kept a few seconds per instance for news    |
 * |                                             | pages; UpdateItem of one author if the map is small enough       |
 *
 * Item shape: { pk: FEED#<reader>, sk: SLOT#<author>#<url hash>#<slot>, hidden_revision?, expires_at_epoch,
 *   and, while it holds an entry: entry_order, entry_revision, followed_since, time_key: <timestamp>#<event id>,
 *   event_id, event_type, author, url, title, timestamp }.
 * An item without an entry has no time_key, so the byTime index holds entries only. A redelivered write finds
 * its own order in the slot and changes nothing: at-least-once delivery, one entry.
 * Why news pages may read the large authors from a copy up to LARGE_AUTHORS_CACHE_MS old (a hot key otherwise,
 * read by every page): a stale copy can only lack a listing made since, or hold one ended or dropped since.
 * - One ended or dropped: its timeline is merged as for any listed author. That is sound for any author, since
 *   the timeline holds every change of theirs (readers already merge ended listings for 97 days), and a follow
 *   erased with the account leaves nothing to merge.
 * - One made since: the fan-out keeps pushing a newly listed author, retractions included, until
 *   LARGE_AUTHORS_CACHE_MS plus the fan-out function's timeout (the longest the enlisting write can take) have
 *   passed since `listed_at` (LargeAudiences). Any copy that lacks the listing was read before that write, so
 *   it is older than LARGE_AUTHORS_CACHE_MS and discarded before the first change that is not pushed.
 * So a stale copy neither hides an event (one that is not pushed is read from the timeline by every copy that
 * can still be in use) nor shows a retracted one.
 * Why an INSERT first: the conditional UpdateItem cannot be batched, and a new event's slots are nearly always
 * empty. An INSERT lands only where no item has the key, where the update's condition holds too and would
 * write the very same item; where an item exists (an entry, or a hidden revision), it fails alone with
 * DuplicateItem, and that slot takes the conditional update, whose answer decides. So the outcome of every
 * write is the conditional update's, in about a twenty-fifth of the calls. expires_at_epoch is the
 * TTL attribute: 90 days after the event for an entry, after the retraction for a hidden revision.
 */
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import {
  BatchExecuteStatementCommand,
  GetCommand,
  QueryCommand,
  UpdateCommand,
  paginateQuery,
} from '@aws-sdk/lib-dynamodb';
import { createHash } from 'node:crypto';
import {
  batchDelete,
  batchGetInOrder,
  batchPut,
  documentClient,
  type DocumentClient,
} from '../aws/dynamodb.ts';
import { requiredEnv } from '../config.ts';
import { Unavailable } from '../errors.ts';
import { retry, TRY_AGAIN, type RetryPolicy } from '../retry.ts';
import { mapAtMost } from '../concurrency.ts';
import { timeKeyOf, type LinkEventType } from './model.ts';
import { raisesHidden, removesEntry, sweptBy, takesEntry, type SlotView } from './slot-rules.ts';
import type {
  FeedEvent,
  FeedStore,
  LargeAuthor,
  LargeAuthorRegistry,
  SlotEntry,
  SlotRef,
  SlotState,
  SlotTombstone,
  TimeRange,
} from './ports.ts';
import { keyPrefixes } from '../keys.ts';

const FEED_BY_TIME = 'byTime';
/** Single writes, or calls of 25 statements, in flight at once. */
const WRITES_IN_FLIGHT = 16;
/** BatchExecuteStatement takes at most 25 statements per call. */
const STATEMENTS_PER_CALL = 25;
/** A statement failing with one of these was not applied for want of capacity: it is sent again. */
const RETRIED_STATEMENT_ERRORS: ReadonlySet<string> = new Set([
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
  'RequestLimitExceeded',
  'InternalServerError',
  'TransactionConflict',
]);
/** The call succeeded, so the SDK's retry strategy does not see a statement's own throttling: this does. */
const THROTTLED_STATEMENTS_RETRY: RetryPolicy = {
  attempts: 10,
  baseDelayMs: 50,
  maxDelayMs: 2000,
  giveUp: () => new Unavailable('The database keeps refusing writes; try again.'),
};
/** What an item holds while it has an entry; removed together when the entry goes. */
const ENTRY_ATTRIBUTES = [
  'entry_order',
  'entry_revision',
  'followed_since',
  'time_key',
  'event_id',
  'event_type',
  'author',
  'url',
  'title',
  'timestamp',
] as const;
/** Expression names for attributes, some of which (`timestamp`, `url`) are DynamoDB reserved words. */
const namesOf = (names: readonly string[]) => Object.fromEntries(names.map((name) => [`#${name}`, name]));

interface EntryItem {
  pk: string;
  sk: string;
  entry_order: string;
  entry_revision: string;
  followed_since: string;
  time_key: string;
  event_id: string;
  event_type: LinkEventType;
  author: string;
  url: string;
  title: string;
  timestamp: string;
  expires_at_epoch: number;
}

export const feedPartition = (reader: string) => `${keyPrefixes.feeds.reader}${reader}`;
/** An author's timeline is a feed whose `reader` is the author, under a partition of its own. */
export const timelinePartition = (author: string) => `${keyPrefixes.feeds.timeline}${author}`;
export const authorPrefix = (author: string) => `SLOT#${author}#`;
const urlHash = (url: string) => createHash('sha256').update(url).digest('base64url').slice(0, 16);
const slotKey = (ref: SlotRef, partition = feedPartition) => ({
  pk: partition(ref.reader),
  sk: `${authorPrefix(ref.author)}${urlHash(ref.url)}#${ref.slot}`,
});

export function slotEntryToItem(entry: SlotEntry, partition = feedPartition): EntryItem {
  const { event } = entry;
  return {
    ...slotKey(entry, partition),
    entry_order: entry.order,
    entry_revision: entry.revision,
    followed_since: entry.followedSince,
    time_key: timeKeyOf(event),
    event_id: event.id,
    event_type: event.type,
    author: event.author,
    url: event.url,
    title: event.title,
    timestamp: event.timestamp,
    expires_at_epoch: entry.expiresAtEpoch,
  };
}

function eventFromItem(item: Record<string, unknown>): FeedEvent {
  const row = item as unknown as EntryItem;
  return {
    revision: row.entry_revision,
    id: row.event_id,
    type: row.event_type,
    author: row.author,
    url: row.url,
    title: row.title,
    timestamp: row.timestamp,
  };
}

/** Readers' feeds (FEED#<reader>), or, with timelinePartition, authors' timelines: the same items and writes. */
export class DynamoFeedStore implements FeedStore {
  constructor(
    protected readonly tableName: string = requiredEnv('FEEDS_TABLE'),
    protected readonly db: DocumentClient = documentClient(),
    protected readonly partition: (owner: string) => string = feedPartition,
  ) {}

  async writeEntries(entries: SlotEntry[]): Promise<void> {
    const items = entries.map((entry) => slotEntryToItem(entry, this.partition));
    const taken = await this.insertWhereAbsent(items);
    await inFlight(taken, ({ pk, sk, ...attributes }) => {
      const names = Object.keys(attributes);
      return this.conditionally(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk, sk },
          UpdateExpression: `SET ${names.map((name) => `#${name} = :${name}`).join(', ')}`,
          ConditionExpression:
            '(attribute_not_exists(hidden_revision) OR hidden_revision < :entry_revision) AND ' +
            '(attribute_not_exists(entry_order) OR entry_order < :entry_order)',
          ExpressionAttributeNames: namesOf(names),
          ExpressionAttributeValues: Object.fromEntries(
            Object.entries(attributes).map(([name, value]) => [`:${name}`, value]),
          ),
        }),
      );
    });
  }

  /**
   * Inserts each item where its slot has no item yet, 25 statements a call; throttled statements are sent again.
   * Answers the items not inserted: their slot has an item (DuplicateItem), the same slot came twice, or the
   * statement failed otherwise; the conditional update decides those (and raises a real error as usual).
   */
  private async insertWhereAbsent(items: EntryItem[]): Promise<EntryItem[]> {
    const taken: EntryItem[] = [];
    const calls: EntryItem[][] = [];
    const seen = new Set<string>();
    for (const item of items) {
      const key = `${item.pk}\n${item.sk}`;
      if (seen.has(key)) taken.push(item);
      else {
        seen.add(key);
        if ((calls.at(-1)?.length ?? STATEMENTS_PER_CALL) === STATEMENTS_PER_CALL) calls.push([]);
        calls.at(-1)!.push(item);
      }
    }
    await inFlight(calls, async (call) => {
      let pending = call;
      await retry(THROTTLED_STATEMENTS_RETRY, async () => {
        const { Responses = [] } = await this.db.send(
          new BatchExecuteStatementCommand({ Statements: pending.map((item) => this.insertStatement(item)) }),
        );
        const again: EntryItem[] = [];
        pending.forEach((item, i) => {
          const code = Responses[i]?.Error?.Code;
          if (code !== undefined && RETRIED_STATEMENT_ERRORS.has(code)) again.push(item);
          // A missing answer too: the conditional update is a no-op if the insert landed.
          else if (code !== undefined || Responses[i] === undefined) taken.push(item);
        });
        pending = again;
        return pending.length > 0 ? TRY_AGAIN : undefined;
      });
    });
    return taken;
  }

  private insertStatement(item: EntryItem) {
    const names = Object.keys(item);
    return {
      Statement: `INSERT INTO "${this.tableName}" VALUE {${names.map((name) => `'${name}': ?`).join(', ')}}`,
      Parameters: Object.values(item),
    };
  }

  async hide(tombstones: SlotTombstone[]): Promise<void> {
    await inFlight(tombstones, async (tombstone) => {
      // Nearly always the slot is hidden below this revision (or not at all) and holds no newer entry: one write
      // raises the hidden revision and removes the entry, if any. Otherwise the two conditional writes below
      // decide each part alone.
      if (await this.hideAndRemove(tombstone)) return;
      await this.conditionally(
        new UpdateCommand({
          TableName: this.tableName,
          Key: slotKey(tombstone, this.partition),
          UpdateExpression: 'SET hidden_revision = :revision, expires_at_epoch = :expires',
          ConditionExpression: 'attribute_not_exists(hidden_revision) OR hidden_revision < :revision',
          ExpressionAttributeValues: {
            ':revision': tombstone.revision,
            ':expires': tombstone.expiresAtEpoch,
          },
        }),
      );
      // Once hidden, no older entry can land; this removes one that landed before.
      await this.removeEntry(tombstone, 'entry_revision < :revision', { ':revision': tombstone.revision });
    });
  }

  async removeFollowedUntil(reader: string, author: string, since: string): Promise<void> {
    for await (const page of this.entriesFollowedUntil(reader, author, since, 'pk, sk')) {
      // Conditional again: an entry of a later follow may have replaced it since the query.
      await inFlight(page.Items ?? [], (key) =>
        this.removeEntryFollowedUntil(key as { pk: string; sk: string }, since),
      );
    }
  }

  /**
   * The reader's slots holding an entry of the author that came under the follow begun at `since` or an older
   * one, read strongly consistent, 250 a page: whole, or only the named attributes.
   */
  protected entriesFollowedUntil(reader: string, author: string, since: string, projection?: string) {
    return paginateQuery(
      { client: this.db, pageSize: 250 },
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        FilterExpression: 'followed_since <= :since',
        ExpressionAttributeValues: {
          ':pk': this.partition(reader),
          ':prefix': authorPrefix(author),
          ':since': since,
        },
        ...(projection ? { ProjectionExpression: projection } : {}),
        ConsistentRead: true,
      },
    );
  }

  async newest(reader: string, range: TimeRange, pageSize: number): Promise<FeedEvent[]> {
    // An empty range (a page below the start of a follow whose timeline it reads) holds nothing, and BETWEEN
    // refuses a lower bound above its upper one.
    if (range.above !== undefined && range.below !== undefined && range.above >= range.below) return [];
    const bounds = [
      ...(range.below !== undefined ? ['time_key < :below'] : []),
      ...(range.above !== undefined ? ['time_key > :above'] : []),
    ];
    const { Items = [] } = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        IndexName: FEED_BY_TIME,
        KeyConditionExpression: [
          'pk = :pk',
          bounds.length === 2 ? 'time_key BETWEEN :above AND :below' : bounds[0],
        ]
          .filter((condition) => condition !== undefined)
          .join(' AND '),
        ExpressionAttributeValues: {
          ':pk': this.partition(reader),
          ...(range.below !== undefined ? { ':below': range.below } : {}),
          ...(range.above !== undefined ? { ':above': range.above } : {}),
        },
        ScanIndexForward: false,
        // BETWEEN includes its ends, which the range excludes: two more, dropped below.
        Limit: bounds.length === 2 ? pageSize + 2 : pageSize,
      }),
    );
    return Items.map(eventFromItem)
      .filter((event) => {
        const key = timeKeyOf(event);
        return (
          (range.below === undefined || key < range.below) && (range.above === undefined || key > range.above)
        );
      })
      .slice(0, pageSize);
  }

  async slotStates(slots: SlotRef[]): Promise<(SlotState | undefined)[]> {
    const keys = slots.map((slot) => slotKey(slot, this.partition));
    const items = await batchGetInOrder(this.db, this.tableName, keys, [
      'event_id',
      'entry_revision',
      'hidden_revision',
    ]);
    return items.map((item) => {
      if (!item) return undefined;
      return {
        ...(typeof item.event_id === 'string' ? { eventId: item.event_id } : {}),
        ...(typeof item.entry_revision === 'string' ? { revision: item.entry_revision } : {}),
        ...(typeof item.hidden_revision === 'string' ? { hiddenRevision: item.hidden_revision } : {}),
      };
    });
  }

  /** Hides the slot and removes its entry in one write, where neither is newer than the tombstone. */
  private async hideAndRemove(tombstone: SlotTombstone): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: slotKey(tombstone, this.partition),
          UpdateExpression:
            'SET hidden_revision = :revision, expires_at_epoch = :expires ' +
            `REMOVE ${ENTRY_ATTRIBUTES.map((name) => `#${name}`).join(', ')}`,
          ConditionExpression:
            '(attribute_not_exists(hidden_revision) OR hidden_revision < :revision) AND ' +
            '(attribute_not_exists(entry_revision) OR entry_revision < :revision)',
          ExpressionAttributeNames: namesOf(ENTRY_ATTRIBUTES),
          ExpressionAttributeValues: {
            ':revision': tombstone.revision,
            ':expires': tombstone.expiresAtEpoch,
          },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  /** Removes the slot's entry if it came under the follow begun at `since` or an older one. */
  protected removeEntryFollowedUntil(key: { pk: string; sk: string }, since: string): Promise<void> {
    return this.removeEntry(key, 'followed_since <= :since', { ':since': since });
  }

  /** Removes the entry of a slot (the item stays, with its hidden revision, until its TTL) if `condition` holds. */
  private removeEntry(
    ref: SlotRef | { pk: string; sk: string },
    condition: string,
    values: Record<string, unknown>,
  ): Promise<void> {
    return this.conditionally(
      new UpdateCommand({
        TableName: this.tableName,
        Key: 'pk' in ref ? { pk: ref.pk, sk: ref.sk } : slotKey(ref, this.partition),
        UpdateExpression: `REMOVE ${ENTRY_ATTRIBUTES.map((name) => `#${name}`).join(', ')}`,
        ConditionExpression: condition,
        ExpressionAttributeNames: namesOf(ENTRY_ATTRIBUTES),
        ExpressionAttributeValues: values,
      }),
    );
  }

  private conditionally(command: UpdateCommand): Promise<void> {
    return sendConditionally(this.db, command);
  }
}

/** Every attribute a slot's item can hold besides its key. */
const SLOT_ATTRIBUTES = [...ENTRY_ATTRIBUTES, 'hidden_revision', 'expires_at_epoch'];

type SlotItem = Record<string, unknown> & { pk: string; sk: string };

/** What the slot rules read of an item. */
function slotViewOf(item: Record<string, unknown> | undefined): SlotView {
  if (!item) return {};
  const entry =
    typeof item.entry_revision === 'string'
      ? {
          revision: item.entry_revision,
          order: item.entry_order as string,
          followedSince: item.followed_since as string,
        }
      : undefined;
  return { hiddenRevision: item.hidden_revision as string | undefined, entry };
}

/** The item without its entry: the key, its hidden revision if any, and its expiry. */
function withoutEntry(item: SlotItem): SlotItem {
  const kept: SlotItem = { pk: item.pk, sk: item.sk };
  if (item.hidden_revision !== undefined) kept.hidden_revision = item.hidden_revision;
  if (item.expires_at_epoch !== undefined) kept.expires_at_epoch = item.expires_at_epoch;
  return kept;
}

/**
 * Readers' feeds written by their one writer: the consumer of the reader's group on the FIFO feed-write queue
 * (shared/wiring.ts), through which every write to a reader's feed passes. No other writer can change a slot
 * between this writer's read and its write, so a call reads its slots (one strongly consistent BatchGetItem per
 * 100), decides each by the slot rules in memory, as the conditions would, and writes back only the slots that
 * change, as whole items (BatchWriteItem, 25 a call). An unfollow's sweep is one consistent Query of the author's
 * slots, then deletes and conditional updates (removeFollowedUntil says why). A crash between the read and the
 * write leaves the slots as they were; the message comes again and decides anew. The account's erasure deletes
 * outside the group, as it did beside the conditional writes: it runs after the user's follows and links are
 * gone, so nothing sends more writes for them.
 */
export class ExclusiveFeedStore extends DynamoFeedStore {
  override async writeEntries(entries: SlotEntry[]): Promise<void> {
    await this.rewrite(
      entries.map((entry) => {
        const item = slotEntryToItem(entry, this.partition);
        return {
          key: { pk: item.pk, sk: item.sk },
          change: (current) => {
            if (!takesEntry(slotViewOf(current), entry)) return undefined;
            const hidden = current?.hidden_revision;
            return hidden === undefined ? { ...item } : { ...item, hidden_revision: hidden };
          },
        };
      }),
    );
  }

  override async hide(tombstones: SlotTombstone[]): Promise<void> {
    await this.rewrite(
      tombstones.map((tombstone) => ({
        key: slotKey(tombstone, this.partition),
        change: (current) => {
          const slot = slotViewOf(current);
          const raise = raisesHidden(slot, tombstone.revision);
          const remove = removesEntry(slot, tombstone.revision);
          if (!raise && !remove) return undefined;
          let next: SlotItem = current ?? slotKey(tombstone, this.partition);
          if (remove) next = withoutEntry(next);
          return raise
            ? { ...next, hidden_revision: tombstone.revision, expires_at_epoch: tombstone.expiresAtEpoch }
            : next;
        },
      })),
    );
  }

  /**
   * An unfollow's sweep never writes a whole item back: the account's erasure may delete the author's slots in
   * the reader's feed at any moment (outside the group), and a put after that delete would bring the erased
   * author's name back. A slot left with nothing once its entry goes is deleted (a delete after the erasure's is
   * a no-op); one that keeps a hidden revision loses its entry by the conditional update, which does nothing
   * where the slot is gone.
   */
  override async removeFollowedUntil(reader: string, author: string, since: string): Promise<void> {
    for await (const page of this.entriesFollowedUntil(reader, author, since)) {
      const swept = ((page.Items ?? []) as SlotItem[]).filter((item) => sweptBy(slotViewOf(item), since));
      const hidden = swept.filter((item) => item.hidden_revision !== undefined);
      const bare = swept.filter((item) => item.hidden_revision === undefined);
      await batchDelete(
        this.db,
        this.tableName,
        bare.map(({ pk, sk }) => ({ pk, sk })),
      );
      await inFlight(hidden, (item) => this.removeEntryFollowedUntil(item, since));
    }
  }

  /**
   * Reads the slots, applies each change in order to what the slot holds by then (two changes of one slot in a
   * call compose), and writes back the slots that changed. A change answers the slot's new item, or undefined to
   * leave it as it is.
   */
  private async rewrite(
    changes: {
      key: { pk: string; sk: string };
      change: (current: SlotItem | undefined) => SlotItem | undefined;
    }[],
  ): Promise<void> {
    if (changes.length === 0) return;
    const keys = changes.map(({ key }) => key);
    const found = await batchGetInOrder(this.db, this.tableName, keys, SLOT_ATTRIBUTES);
    const slots = new Map<string, SlotItem | undefined>();
    keys.forEach((key, i) => {
      const id = `${key.pk}\n${key.sk}`;
      if (!slots.has(id)) slots.set(id, found[i] as SlotItem | undefined);
    });
    const changed = new Set<string>();
    for (const { key, change } of changes) {
      const id = `${key.pk}\n${key.sk}`;
      const next = change(slots.get(id));
      if (next === undefined) continue;
      slots.set(id, next);
      changed.add(id);
    }
    await batchPut(
      this.db,
      this.tableName,
      [...changed].map((id) => slots.get(id)!),
    );
  }
}

const LARGE_AUTHORS_KEY = { pk: keyPrefixes.feeds.largeAuthors, sk: keyPrefixes.feeds.largeAuthors };

/**
 * The large authors as one item (at most LARGE_AUTHORS_MAX of them, a few hundred bytes): a news page reads it
 * with one consistent GetItem, and each change is one conditional UpdateItem of one author's entry in its map.
 */
export class DynamoLargeAuthors implements LargeAuthorRegistry {
  constructor(
    private readonly tableName: string = requiredEnv('FEEDS_TABLE'),
    private readonly db: DocumentClient = documentClient(),
  ) {}

  async list(): Promise<LargeAuthor[]> {
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: LARGE_AUTHORS_KEY, ConsistentRead: true }),
    );
    const authors = (Item?.authors ?? {}) as Record<string, { listed_at?: string; ended_at?: string }>;
    return Object.entries(authors).map(([author, listing]) => ({
      author,
      ...(listing.listed_at === undefined ? {} : { listedAt: listing.listed_at }),
      ...(listing.ended_at === undefined ? {} : { endedAt: listing.ended_at }),
    }));
  }

  async enlist(author: string, max: number, at: string): Promise<boolean> {
    // The map must exist before one of its entries can be set.
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: LARGE_AUTHORS_KEY,
        UpdateExpression: 'SET authors = if_not_exists(authors, :none)',
        ExpressionAttributeValues: { ':none': {} },
      }),
    );
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: LARGE_AUTHORS_KEY,
          UpdateExpression: 'SET authors.#author = :listing',
          ConditionExpression: 'attribute_exists(authors.#author) OR size(authors) < :max',
          ExpressionAttributeNames: { '#author': author },
          ExpressionAttributeValues: { ':listing': { listed_at: at }, ':max': max },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async end(author: string, at: string): Promise<void> {
    await this.conditionally(
      new UpdateCommand({
        TableName: this.tableName,
        Key: LARGE_AUTHORS_KEY,
        UpdateExpression: 'SET authors.#author.ended_at = :at',
        ConditionExpression:
          'attribute_exists(authors.#author) AND attribute_not_exists(authors.#author.ended_at)',
        ExpressionAttributeNames: { '#author': author },
        ExpressionAttributeValues: { ':at': at },
      }),
    );
  }

  async drop(author: string, endedAt: string): Promise<void> {
    await this.conditionally(
      new UpdateCommand({
        TableName: this.tableName,
        Key: LARGE_AUTHORS_KEY,
        UpdateExpression: 'REMOVE authors.#author',
        ConditionExpression: 'authors.#author.ended_at = :ended',
        ExpressionAttributeNames: { '#author': author },
        ExpressionAttributeValues: { ':ended': endedAt },
      }),
    );
  }

  /** An erased account leaves the registry whatever its listing. */
  async forget(author: string): Promise<void> {
    await this.conditionally(
      new UpdateCommand({
        TableName: this.tableName,
        Key: LARGE_AUTHORS_KEY,
        UpdateExpression: 'REMOVE authors.#author',
        ConditionExpression: 'attribute_exists(authors)',
        ExpressionAttributeNames: { '#author': author },
      }),
    );
  }

  private conditionally(command: UpdateCommand): Promise<void> {
    return sendConditionally(this.db, command);
  }
}

/** A write whose condition fails was superseded (or already applied): nothing to do. */
async function sendConditionally(db: DocumentClient, command: UpdateCommand): Promise<void> {
  try {
    await db.send(command);
  } catch (error) {
    if (!(error instanceof ConditionalCheckFailedException)) throw error;
  }
}

/** Runs `work` over every item with at most WRITES_IN_FLIGHT calls under way; the first failure is thrown. */
async function inFlight<T>(items: T[], work: (item: T) => Promise<void>): Promise<void> {
  await mapAtMost(WRITES_IN_FLIGHT, items, work);
}
