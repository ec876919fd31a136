import { parseArgs } from 'node:util';
import { LinksForSearch } from '../shared/links/for-search.ts';
import { requestSearchRebuilds } from '../shared/search/backfill.ts';
import { SqsSearchUpdates } from '../shared/search/sqs.ts';

/**
 * Builds the search index of every user whose index is missing or of an older INDEX_FORMAT (README: Deploying,
 * "After a deploy that changes the search index's format"). It scans the links table for its owners and sends
 * one rebuild request per user to the searchUpdates queue, in the user's FIFO group: the deployed updater builds
 * the index from the user's links and page texts, in order with the user's other changes, so that the index
 * keeps one writer. A user whose index is already current costs the updater one GET. Idempotent: run it again
 * after an interruption (a request sent twice within 5 minutes is dropped by the queue), or with
 * `--from <username>` to skip the owners the scan returned before that one.
 *
 *   LINKS_TABLE=<links table> SEARCH_UPDATES_QUEUE_URL=<queue URL> npm run search:backfill -- --stage dev
 *
 * Locally, against a running `npm start` (the endpoints it prints; its table and queue names):
 *
 *   AWS_ENDPOINT_URL_DYNAMODB=<DynamoDB Local> AWS_ENDPOINT_URL_SQS=<fauxqs> LINKS_TABLE=delinkcious-links \
 *   SEARCH_UPDATES_QUEUE_URL=<delinkcious-searchUpdates.fifo URL> npm run search:backfill -- --stage local
 *
 * The work is requestSearchRebuilds (shared/search/backfill.ts); this reads the arguments and prints progress.
 */
const { values } = parseArgs({
  options: { stage: { type: 'string' }, from: { type: 'string' } },
  strict: true,
});
if (!values.stage) throw new Error('usage: npm run search:backfill -- --stage <stage> [--from <username>]');
const requested = await requestSearchRebuilds(new LinksForSearch().owners(), new SqsSearchUpdates(), {
  from: values.from,
  progress: (count, last) =>
    process.stdout.write(`${values.stage}: rebuild requested for ${count} users; last ${last}\n`),
});
process.stdout.write(`${values.stage}: done, ${requested} users\n`);
