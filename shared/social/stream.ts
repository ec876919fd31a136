import { unmarshall } from '@aws-sdk/util-dynamodb';
import type { AttributeValue, DynamoDBRecord } from 'aws-lambda';
import type { Follow } from './model.ts';
import { followFromItem, isFollowItem } from './dynamodb.ts';

type FollowChange = { kind: 'followed'; follow: Follow } | { kind: 'unfollowed'; follow: Follow };

/** The follow or unfollow a social stream record carries; undefined for counters and other items. */
export function followChangeFromStreamRecord(record: DynamoDBRecord): FollowChange | undefined {
  const image = (raw: Record<string, AttributeValue> | undefined) =>
    raw ? unmarshall(raw as Parameters<typeof unmarshall>[0]) : undefined;
  if (record.eventName === 'INSERT') {
    const item = image(record.dynamodb?.NewImage);
    return item && isFollowItem(item) ? { kind: 'followed', follow: followFromItem(item) } : undefined;
  }
  if (record.eventName === 'REMOVE') {
    const item = image(record.dynamodb?.OldImage);
    return item && isFollowItem(item) ? { kind: 'unfollowed', follow: followFromItem(item) } : undefined;
  }
  return undefined;
}
