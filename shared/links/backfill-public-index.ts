import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { DocumentClient } from '../aws/dynamodb.ts';
import { isLinkItem, LINK_PREFIX, linkFromItem, publicIndexKeys } from './table.ts';

/**
 * One-off (scripts/backfill-public-index.ts): gives the public links written before the byPublic index existed
 * its keys (table.ts), so that they appear in public listings and feeds. Each item gets only the two key
 * attributes, with a condition that it is still public and still lacks them: a link made private meanwhile is
 * left alone, one written again meanwhile already has them. The news pipeline sees the change on the stream and
 * ignores it (nothing a reader sees changed). Safe to run again.
 */
export async function backfillPublicIndex(
  db: DocumentClient,
  tableName: string,
): Promise<{ examined: number; updated: number }> {
  let examined = 0;
  let updated = 0;
  for await (const page of paginateScan(
    { client: db },
    {
      TableName: tableName,
      FilterExpression: 'begins_with(sk, :link) AND attribute_not_exists(public_pk)',
      ExpressionAttributeValues: { ':link': LINK_PREFIX },
    },
  )) {
    for (const item of page.Items ?? []) {
      examined++;
      if (!isLinkItem(item)) continue;
      const keys = publicIndexKeys(linkFromItem(item));
      if (!keys) continue;
      try {
        await db.send(
          new UpdateCommand({
            TableName: tableName,
            Key: { pk: item.pk, sk: item.sk },
            UpdateExpression: 'SET public_pk = :pk, public_created = :created',
            ConditionExpression:
              'attribute_exists(pk) AND attribute_not_exists(public_pk) AND ' +
              '(attribute_not_exists(#private) OR #private = :false)',
            ExpressionAttributeNames: { '#private': 'private' },
            ExpressionAttributeValues: {
              ':pk': keys.public_pk,
              ':created': keys.public_created,
              ':false': false,
            },
          }),
        );
        updated++;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
  }
  return { examined, updated };
}
