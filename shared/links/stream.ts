import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import type { Link } from './model.ts';
import { isLinkItem, linkFromItem } from './table.ts';

/** A change to one link, read from the links table's stream: what it was and what it became. */
export interface LinkChange {
  before?: Link;
  after?: Link;
  /** When the change was written (the stream's approximate creation time). */
  at: string;
}

/** The link change a stream record carries; undefined for records of other items (the counters). */
export function linkChangeFromStreamRecord(record: DynamoDBRecord): LinkChange | undefined {
  const image = (raw: Record<string, AttributeValue> | undefined) =>
    raw ? unmarshall(raw as Parameters<typeof unmarshall>[0]) : undefined;
  const oldItem = image(record.dynamodb?.OldImage);
  const newItem = image(record.dynamodb?.NewImage);
  const item = newItem ?? oldItem;
  if (!item || !isLinkItem(item)) return undefined;
  const seconds = record.dynamodb?.ApproximateCreationDateTime;
  return {
    ...(oldItem ? { before: linkFromItem(oldItem) } : {}),
    ...(newItem ? { after: linkFromItem(newItem) } : {}),
    at: new Date(seconds ? seconds * 1000 : Date.now()).toISOString(),
  };
}
