import { paginateScan } from '@aws-sdk/lib-dynamodb';
import { batchPut, type DocumentClient } from '../aws/dynamodb.ts';
import { isLinkItem, linkFromItem, linkToItem } from './table.ts';

export interface CopyCount {
  links: number;
  /** Every other item (the counters items), copied as it is. */
  others: number;
}

/**
 * Copies every item of one links table into another (scripts/copy-links-table.ts): the table that a deploy
 * replaced into its successor. Link items are read as Links and written again as linkToItem makes them, so they
 * carry the keys of the indexes as the current design has them (byPublic's `public_created`, none of an older
 * design's); the counters items go as they are. One Scan page at a time, each written with BatchWriteItem
 * (unprocessed items sent again). It puts over items of the same keys, so it may be run again.
 */
export async function copyLinksTable(db: DocumentClient, from: string, to: string): Promise<CopyCount> {
  const count: CopyCount = { links: 0, others: 0 };
  for await (const page of paginateScan({ client: db }, { TableName: from, ConsistentRead: true })) {
    const items = (page.Items ?? []).map((item) => {
      if (!isLinkItem(item)) {
        count.others++;
        return item;
      }
      count.links++;
      return linkToItem(linkFromItem(item));
    });
    await batchPut(db, to, items);
  }
  return count;
}
