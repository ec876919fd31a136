import type {
  FeedEntryRead,
  FeedPosition,
  FeedStore,
  SlotEntry,
  SlotRef,
  SlotTombstone,
} from '../../../shared/news/ports.ts';

interface Slot {
  hiddenRevision?: string;
  entry?: SlotEntry;
}

/**
 * The feeds table's semantics in memory, for tests: one record per slot, each change to it made as the
 * DynamoDB adapter's conditional write makes it. Every single-item step goes through `step`, where a test can
 * inject a crash.
 */
export class MemoryFeedStore implements FeedStore {
  readonly slots = new Map<string, Slot>();

  constructor(private readonly step: () => void = () => {}) {}

  async writeEntries(entries: SlotEntry[]): Promise<void> {
    for (const entry of entries) {
      this.step();
      const slot = this.slot(entry);
      const hidden = slot.hiddenRevision !== undefined && slot.hiddenRevision >= entry.revision;
      if (!hidden && (!slot.entry || slot.entry.order < entry.order)) slot.entry = entry;
    }
  }

  async hide(tombstones: SlotTombstone[]): Promise<void> {
    for (const tombstone of tombstones) {
      this.step();
      const slot = this.slot(tombstone);
      if (slot.hiddenRevision === undefined || slot.hiddenRevision < tombstone.revision)
        slot.hiddenRevision = tombstone.revision;
      this.step();
      if (slot.entry && slot.entry.revision < tombstone.revision) delete slot.entry;
    }
  }

  async removeFollowedUntil(reader: string, author: string, since: string): Promise<void> {
    for (const slot of this.slots.values()) {
      if (slot.entry?.reader !== reader || slot.entry.author !== author) continue;
      this.step();
      if (slot.entry.followedSince <= since) delete slot.entry;
    }
  }

  async page(reader: string, after: FeedPosition | undefined, pageSize: number): Promise<FeedEntryRead[]> {
    const before = (a: FeedPosition, b: FeedPosition) =>
      a.time === b.time ? a.key < b.key : a.time < b.time;
    return this.entries(reader)
      .map((entry) => ({
        event: entry.event,
        position: { time: `${entry.event.timestamp}#${entry.event.id}`, key: slotId(entry) },
      }))
      .sort((a, b) => (before(a.position, b.position) ? 1 : -1))
      .filter((read) => !after || before(read.position, after))
      .slice(0, pageSize);
  }

  /** The entries of one reader's feed, or of every feed. */
  entries(reader?: string): SlotEntry[] {
    return [...this.slots.values()]
      .map((slot) => slot.entry)
      .filter((entry): entry is SlotEntry => !!entry && (reader === undefined || entry.reader === reader));
  }

  private slot(ref: SlotRef): Slot {
    const id = slotId(ref);
    let slot = this.slots.get(id);
    if (!slot) this.slots.set(id, (slot = {}));
    return slot;
  }
}

const slotId = (ref: SlotRef) => `${ref.reader}\n${ref.author}\n${ref.url}\n${ref.slot}`;
