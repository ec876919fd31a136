import { timeKeyOf } from '../../../shared/news/model.ts';
import { raisesHidden, removesEntry, sweptBy, takesEntry } from '../../../shared/news/slot-rules.ts';
import type {
  FeedStore,
  SlotEntry,
  SlotRef,
  SlotState,
  SlotTombstone,
  TimeRange,
  FeedEvent,
} from '../../../shared/news/ports.ts';

interface Slot {
  hiddenRevision?: string;
  entry?: SlotEntry;
}

/**
 * The feeds table's semantics in memory, for tests: one record per slot, each change to it made by the slot rules
 * (shared/news/slot-rules.ts), as the DynamoDB adapter's conditional write makes it. Every single-item step goes through `step`, where a test can
 * inject a crash.
 */
export class MemoryFeedStore implements FeedStore {
  readonly slots = new Map<string, Slot>();

  constructor(private readonly step: () => void = () => {}) {}

  async writeEntries(entries: SlotEntry[]): Promise<void> {
    for (const entry of entries) {
      this.step();
      const slot = this.slot(entry);
      if (takesEntry(slot, entry)) slot.entry = entry;
    }
  }

  async hide(tombstones: SlotTombstone[]): Promise<void> {
    for (const tombstone of tombstones) {
      this.step();
      const slot = this.slot(tombstone);
      if (raisesHidden(slot, tombstone.revision)) slot.hiddenRevision = tombstone.revision;
      this.step();
      if (removesEntry(slot, tombstone.revision)) delete slot.entry;
    }
  }

  async removeFollowedUntil(reader: string, author: string, since: string): Promise<void> {
    for (const slot of this.slots.values()) {
      if (slot.entry?.reader !== reader || slot.entry.author !== author) continue;
      this.step();
      if (sweptBy(slot, since)) delete slot.entry;
    }
  }

  async newest(reader: string, range: TimeRange, pageSize: number): Promise<FeedEvent[]> {
    return this.entries(reader)
      .map((entry) => ({ ...entry.event, revision: entry.revision }))
      .filter((event) => {
        const key = timeKeyOf(event);
        return (
          (range.below === undefined || key < range.below) && (range.above === undefined || key > range.above)
        );
      })
      .sort((a, b) => (timeKeyOf(a) < timeKeyOf(b) ? 1 : -1))
      .slice(0, pageSize);
  }

  async slotStates(slots: SlotRef[]): Promise<(SlotState | undefined)[]> {
    return slots.map((ref) => {
      const slot = this.slots.get(slotId(ref));
      if (!slot) return undefined;
      return {
        ...(slot.entry ? { eventId: slot.entry.event.id, revision: slot.entry.revision } : {}),
        ...(slot.hiddenRevision !== undefined ? { hiddenRevision: slot.hiddenRevision } : {}),
      };
    });
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
