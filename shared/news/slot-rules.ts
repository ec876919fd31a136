/**
 * The rules by which a feed slot moves forward (shared/news/core.ts says why they make feeds independent of the
 * order of deliveries). The DynamoDB adapter states them twice over: as the condition expressions of the
 * timelines' conditional writes, and through these functions where the one writer of a group of readers reads
 * its slots and writes them back (ExclusiveFeedStore); the in-memory store of the tests applies them too.
 */

/** What the rules read of a slot: its hidden revision and the entry it holds, if any. */
export interface SlotView {
  hiddenRevision?: string | undefined;
  entry?: { revision: string; order: string; followedSince: string } | undefined;
}

/** An entry lands where the slot is not hidden at or above its revision and holds no entry of a higher order. */
export function takesEntry(slot: SlotView, entry: { revision: string; order: string }): boolean {
  const hidden = slot.hiddenRevision !== undefined && slot.hiddenRevision >= entry.revision;
  return !hidden && (slot.entry === undefined || slot.entry.order < entry.order);
}

/** A retraction raises the slot's hidden revision to its own, where that is higher. */
export function raisesHidden(slot: SlotView, revision: string): boolean {
  return slot.hiddenRevision === undefined || slot.hiddenRevision < revision;
}

/** A retraction removes the slot's entry where the entry is older than the retraction. */
export function removesEntry(slot: SlotView, revision: string): boolean {
  return slot.entry !== undefined && slot.entry.revision < revision;
}

/** An unfollow removes the entries that came under that follow or an older one. */
export function sweptBy(slot: SlotView, since: string): boolean {
  return slot.entry !== undefined && slot.entry.followedSince <= since;
}
