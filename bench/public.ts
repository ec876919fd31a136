import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  BatchWriteCommand,
  DynamoDBDocumentClient,
  QueryCommand,
} from '@aws-sdk/lib-dynamodb';
import { LOCAL_AWS } from '../local/engines.ts';
import type { Runtime } from '../local/runtime.ts';
import { linkKey, linkToItem, PUBLIC_LINKS, userPartition } from '../shared/links/table.ts';
import { aLink } from '../test/support/builders.ts';
import { printComparison, time } from './stats.ts';

const WARMUP = 30;
const LINKS = 10_000;
/** One link in ten is public. */
const PUBLIC_EVERY = 10;
const PAGE = 10;

/**
 * The public side on a user with 10,000 links of which 1,000 are public: a page of GET /v1/users/{username}/links
 * and the Atom feed (50 entries), against the bare Query of the same page on the sparse index, and that Query
 * plus the confirming BatchGetItem, interleaved so that all see the same machine noise.
 */
export async function benchPublic(runtime: Runtime, iterations: number): Promise<void> {
  const db = DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...LOCAL_AWS, endpoint: runtime.dynamoDbEndpoint }),
  );
  const username = 'publisher';
  const login = await fetch(`${runtime.url}/dev/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username }),
  });
  if (login.status !== 200) throw new Error(`dev login answered ${login.status}`);
  const start = Date.parse('2026-01-01T00:00:00.000Z');
  const items = Array.from({ length: LINKS }, (_, i) => {
    const at = new Date(start + i * 60_000).toISOString();
    return linkToItem(
      aLink({
        username,
        url: `https://example.com/public-bench/${i}`,
        title: `Page ${i}`,
        tags: ['bench'],
        private: i % PUBLIC_EVERY !== 0,
        created_at: at,
        updated_at: at,
      }),
    );
  });
  for (let i = 0; i < items.length; i += 25) {
    await db.send(
      new BatchWriteCommand({
        RequestItems: {
          [runtime.tableNames.links]: items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } })),
        },
      }),
    );
  }

  const query = (limit: number) =>
    db.send(
      new QueryCommand({
        TableName: runtime.tableNames.links,
        IndexName: PUBLIC_LINKS,
        KeyConditionExpression: 'public_pk = :pk',
        ExpressionAttributeValues: { ':pk': userPartition(username) },
        ScanIndexForward: false,
        Limit: limit,
      }),
    );
  const queryAndConfirm = async (limit: number) => {
    const { Items = [] } = await query(limit + 1);
    await db.send(
      new BatchGetCommand({
        RequestItems: {
          [runtime.tableNames.links]: {
            Keys: Items.slice(0, limit).map((item) => linkKey(username, String(item.url))),
            ConsistentRead: true,
          },
        },
      }),
    );
  };
  const fetchOk = async (path: string) => {
    const response = await fetch(`${runtime.url}${path}`);
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
    await response.arrayBuffer();
  };

  const listing = { name: `GET /v1/users/{username}/links?limit=${PAGE} (HTTP)`, samples: [] as number[] };
  const feed = { name: 'GET /users/{username}/feed.atom, 50 entries (HTTP)', samples: [] as number[] };
  const bareQuery = { name: `bare Query of byPublic, ${PAGE + 1} items`, samples: [] as number[] };
  const bareConfirmed = { name: `bare Query + BatchGetItem of ${PAGE}`, samples: [] as number[] };
  const bareFeedQuery = { name: 'bare Query of byPublic, 51 items', samples: [] as number[] };
  for (let i = 0; i < WARMUP + iterations; i++) {
    const samples = [
      await time(() => fetchOk(`/v1/users/${username}/links?limit=${PAGE}`)),
      await time(() => fetchOk(`/users/${username}/feed.atom`)),
      await time(() => query(PAGE + 1)),
      await time(() => queryAndConfirm(PAGE)),
      await time(() => query(51)),
    ];
    if (i < WARMUP) continue;
    [listing, feed, bareQuery, bareConfirmed, bareFeedQuery].forEach((row, n) =>
      row.samples.push(samples[n]!),
    );
  }
  console.log(
    `\nPublic side: ${LINKS} links, ${LINKS / PUBLIC_EVERY} public. Per page, by construction: one Query of ` +
      'byPublic and one BatchGetItem on the links table, beside the profile GetItem and the rate-limit update.',
  );
  printComparison('Public listing page', listing, [bareQuery, bareConfirmed]);
  printComparison('Public Atom feed', feed, [bareFeedQuery]);
  db.destroy();
}
