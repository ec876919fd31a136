import { parseArgs } from 'node:util';
import { documentClient } from '../shared/aws/dynamodb.ts';
import { copyLinksTable } from '../shared/links/copy-table.ts';

/**
 * Copies a replaced links table into the one that succeeded it (README: Deploying, "The links table's byPublic
 * index"). AWS credentials and region as for the AWS CLI:
 *
 *   npx tsx scripts/copy-links-table.ts --from <old table name> --to <new table name>
 */
const { values } = parseArgs({
  options: { from: { type: 'string' }, to: { type: 'string' } },
  strict: true,
});
if (!values.from || !values.to || values.from === values.to) {
  throw new Error('usage: copy-links-table.ts --from <old table name> --to <new table name> (two tables)');
}
const { links, others } = await copyLinksTable(documentClient(), values.from, values.to);
process.stdout.write(`copied ${links} links and ${others} other items from ${values.from} to ${values.to}\n`);
