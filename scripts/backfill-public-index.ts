import { documentClient } from '../shared/aws/dynamodb.ts';
import { backfillPublicIndex } from '../shared/links/backfill-public-index.ts';

/**
 * One-off, once per stage after the deploy that adds the byPublic index (shared/links/backfill-public-index.ts):
 *
 *   LINKS_TABLE=<table name> npx tsx scripts/backfill-public-index.ts
 */
const tableName = process.env.LINKS_TABLE;
if (!tableName) throw new Error('LINKS_TABLE names the links table');
const { examined, updated } = await backfillPublicIndex(documentClient(), tableName);
process.stdout.write(
  `examined ${examined} link items without the byPublic keys; gave ${updated} public ones their keys\n`,
);
