import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { paginateScan, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { documentClient } from '../shared/aws/dynamodb.ts';
import { isLinkItem, linkFromItem, publicIndexKeys } from '../shared/links/table.ts';

/**
 * One-off: gives the public links written before the byPublic index existed its keys (shared/links/table.ts),
 * so that they appear in public listings and feeds. Run once per stage after the deploy that adds the index:
 *
 *   LINKS_TABLE=<table name> npx tsx scripts/backfill-public-index.ts
 *
 * Each item gets only the two key attributes, with a condition that it is still public and still lacks them:
 * a link made private meanwhile is left alone, one written again meanwhile already has them. The news pipeline
 * sees the change on the stream and ignores it (nothing a reader sees changed). Safe to run again.
 */
const tableName = process.env.LINKS_TABLE;
if (!tableName) throw new Error('LINKS_TABLE names the links table');
const db = documentClient();

let examined = 0;
let updated = 0;
for await (const page of paginateScan(
  { client: db },
  {
    TableName: tableName,
    FilterExpression: 'begins_with(sk, :link) AND attribute_not_exists(public_pk)',
    ExpressionAttributeValues: { ':link': 'LINK#' },
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
process.stdout.write(
  `examined ${examined} link items without the byPublic keys; gave ${updated} public ones their keys\n`,
);
