import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  QueryCommand,
  UpdateCommand,
  TransactWriteCommand,
} from '@aws-sdk/lib-dynamodb';
import { LOCAL_AWS, LOCAL_AWS_AS_FUNCTIONS } from '../local/engines.ts';
import { withoutSdkLogger } from '../shared/aws/transport.ts';
import type { Runtime } from '../local/runtime.ts';
import { countersKey, linkKey, linkToItem, LINKS_BY_CREATED, userPartition } from '../shared/links/table.ts';
import { TOKENS_PER_CLAIM } from '../shared/http/rate-limit.ts';
import { rateKey } from '../shared/http/rate-limit-store.ts';
import { CREDENTIALS_MARK } from '../shared/rate-keys.ts';
import { invoke } from '../local/functions.ts';
import { KeepAliveClient } from './http-client.ts';
import { printBreakdown, printComparison, time } from './stats.ts';
import { aLink, anApiEvent } from '../test/support/builders.ts';

const WARMUP = 50;

/**
 * POST and GET /v1/links through the local runtime, interleaved with the bare DynamoDB calls each request
 * makes (the gate's one call: a rate-limit update for the add; for the listing, a claim every fourth request and
 * a read of the credentials mark otherwise; then the transaction or the query), so both see the same machine
 * noise. Then where each one's time goes, from the bare call up: its calls as the gate makes them (the
 * charge within the add's transaction, beside the listing's Query), the same handler invoked without HTTP (as the
 * local runtime invokes it), and the route over HTTP.
 *
 * The routes are called through Node's `http` module on a keep-alive connection (bench/http-client.ts), the
 * transport that the SDK's bare calls use; the listing is also shown through `fetch`, whose client-side cost
 * lands in this same process.
 */
export async function benchLinks(runtime: Runtime, iterations: number): Promise<void> {
  // The bare calls use the functions' client configuration (shared/aws/transport.ts: no logger middleware, the
  // hash that signs with a KeyObject); the SDK's default client is shown once beside it, in the listing's breakdown.
  const db = DynamoDBDocumentClient.from(
    withoutSdkLogger(new DynamoDBClient({ ...LOCAL_AWS_AS_FUNCTIONS, endpoint: runtime.dynamoDbEndpoint })),
  );
  const defaultDb = DynamoDBDocumentClient.from(
    new DynamoDBClient({ ...LOCAL_AWS, endpoint: runtime.dynamoDbEndpoint }),
  );
  const login = await fetch(`${runtime.url}/dev/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench' }),
  });
  const { access_token: token } = (await login.json()) as { access_token: string };
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };
  const tables = runtime.tableNames;
  const api = new KeepAliveClient(runtime.url);

  // The add's gate, for a credential the instance has verified: one conditional write of the user's rate item.
  const sessionAndRate = async () => {
    await db.send(
      new UpdateCommand({
        TableName: tables.users,
        Key: rateKey('bench-bare'),
        UpdateExpression: 'SET tat = :tat, expires_at_epoch = :expires',
        ConditionExpression: 'attribute_not_exists(tat) OR tat < :tat',
        ExpressionAttributeValues: {
          ':tat': Date.now() * 1000,
          ':expires': Math.ceil(Date.now() / 1000) + 60,
        },
      }),
    );
  };

  const post = { name: 'POST /v1/links (HTTP)', samples: [] as number[] };
  const keyedPost = { name: 'POST /v1/links with an Idempotency-Key (HTTP)', samples: [] as number[] };
  const replay = { name: 'its retry, replayed (HTTP)', samples: [] as number[] };
  const postWithKey = (url: string, key: string) =>
    time(async () => {
      const response = await api.send('/v1/links', {
        method: 'POST',
        headers: { ...headers, 'idempotency-key': key },
        body: JSON.stringify({ url, title: 'Keyed', tags: ['bench'] }),
      });
      if (response.status !== 201) throw new Error(`POST with a key answered ${response.status}`);
    });
  const bareInsert = { name: 'bare UpdateItem + TransactWriteItems', samples: [] as number[] };
  const bareInsertOnly = { name: 'bare TransactWriteItems alone', samples: [] as number[] };
  const bareInsertCharged = { name: 'bare TransactWriteItems with the rate item', samples: [] as number[] };
  const invokedAdd = { name: 'the handler invoked without HTTP', samples: [] as number[] };
  const addEvent = (i: number) =>
    anApiEvent({
      method: 'POST',
      path: '/v1/links',
      token,
      body: { url: `https://example.com/invoked/${i}`, title: `Page ${i}`, tags: ['bench'] },
    });
  /** The gate's charge of a known credential, as one more item of the add's transaction. */
  const rateItemUpdate = () => ({
    Update: {
      TableName: tables.users,
      Key: rateKey('bench-bare-charged'),
      UpdateExpression: 'SET tat = :tat, expires_at_epoch = :expires',
      ConditionExpression: 'attribute_not_exists(tat) OR tat < :tat',
      ExpressionAttributeValues: { ':tat': Date.now() * 1000, ':expires': Math.ceil(Date.now() / 1000) + 60 },
    },
  });
  for (let i = 0; i < WARMUP + iterations; i++) {
    const record = i >= WARMUP;
    const httpTime = await time(async () => {
      const response = await api.send('/v1/links', {
        method: 'POST',
        headers,
        body: JSON.stringify({ url: `https://example.com/http/${i}`, title: `Page ${i}`, tags: ['bench'] }),
      });
      if (response.status !== 201) throw new Error(`POST answered ${response.status}`);
    });
    const keyedTime = await postWithKey(`https://example.com/keyed/${i}`, `bench-${i}`);
    const replayTime = await postWithKey(`https://example.com/keyed/${i}`, `bench-${i}`);
    const at = new Date().toISOString();
    const item = linkToItem(
      aLink({
        username: 'bare',
        url: `https://example.com/bare/${i}`,
        title: `Page ${i}`,
        tags: ['bench'],
        created_at: at,
        updated_at: at,
      }),
    );
    const transact = () =>
      db.send(
        new TransactWriteCommand({
          TransactItems: [
            { Put: { TableName: tables.links, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
            {
              Update: {
                TableName: tables.links,
                Key: countersKey('bare'),
                UpdateExpression: 'SET links_count = if_not_exists(links_count, :zero) + :one',
                ConditionExpression: 'attribute_not_exists(links_count) OR links_count < :max',
                ExpressionAttributeValues: { ':zero': 0, ':one': 1, ':max': 1_000_000 },
              },
            },
          ],
        }),
      );
    const bareTime = await time(async () => {
      await sessionAndRate();
      await transact();
    });
    const transactTime = await time(() =>
      db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tables.links,
                Item: { ...item, ...linkKey('bare-alone', item.url), pk: userPartition('bare-alone') },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: tables.links,
                Key: countersKey('bare-alone'),
                UpdateExpression: 'SET links_count = if_not_exists(links_count, :zero) + :one',
                ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
              },
            },
          ],
        }),
      ),
    );
    const chargedTime = await time(() =>
      db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tables.links,
                Item: { ...item, ...linkKey('bare-charged', item.url), pk: userPartition('bare-charged') },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            {
              Update: {
                TableName: tables.links,
                Key: countersKey('bare-charged'),
                UpdateExpression: 'SET links_count = if_not_exists(links_count, :zero) + :one',
                ExpressionAttributeValues: { ':zero': 0, ':one': 1 },
              },
            },
            rateItemUpdate(),
          ],
        }),
      ),
    );
    const invokedTime = await time(async () => {
      const result = (await invoke('addLink', addEvent(i))) as { statusCode?: number };
      if (result.statusCode !== 201) throw new Error(`the invoked add answered ${result.statusCode}`);
    });
    if (record) {
      bareInsertCharged.samples.push(chargedTime);
      invokedAdd.samples.push(invokedTime);
      post.samples.push(httpTime);
      keyedPost.samples.push(keyedTime);
      replay.samples.push(replayTime);
      bareInsert.samples.push(bareTime);
      bareInsertOnly.samples.push(transactTime);
    }
  }
  printComparison('Add a link', post, [bareInsert, bareInsertOnly]);
  printComparison('Add a link with an Idempotency-Key', keyedPost, [post]);
  printComparison('Retry an added link with its Idempotency-Key', replay, [post]);
  printBreakdown("Where the add's time goes (p50, ratio to the bare transaction alone)", [
    bareInsertOnly,
    bareInsertCharged,
    invokedAdd,
    post,
  ]);

  // The listing's gate, for a credential the instance has verified: a write that claims four requests, then a
  // consistent read of the user's credentials mark for each of the next three (shared/http/rate-limit.ts).
  let gateCalls = 0;
  const listingGate = async () => {
    if (gateCalls++ % TOKENS_PER_CLAIM === 0) return sessionAndRate();
    await db.send(
      new GetCommand({
        TableName: tables.users,
        Key: rateKey('bench-bare'),
        ConsistentRead: true,
        ProjectionExpression: '#mark',
        ExpressionAttributeNames: { '#mark': CREDENTIALS_MARK },
      }),
    );
  };
  const get = { name: 'GET /v1/links?limit=10 (HTTP)', samples: [] as number[] };
  const getByFetch = { name: 'the same through fetch', samples: [] as number[] };
  const bareList = { name: 'bare gate call + Query', samples: [] as number[] };
  const bareQueryOnly = { name: 'bare Query alone', samples: [] as number[] };
  const bareListBeside = { name: 'bare gate call beside the Query, at once', samples: [] as number[] };
  const invokedList = { name: 'the handler invoked without HTTP', samples: [] as number[] };
  const defaultQuery = { name: "bare Query alone, the SDK's default client", samples: [] as number[] };
  const listEvent = () => anApiEvent({ path: '/v1/links', query: { limit: '10' }, token });
  const query = (client = db) =>
    client.send(
      new QueryCommand({
        TableName: tables.links,
        IndexName: LINKS_BY_CREATED,
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': userPartition('bench') },
        ScanIndexForward: false,
        ConsistentRead: true,
        Limit: 11,
      }),
    );
  for (let i = 0; i < WARMUP + iterations; i++) {
    const httpTime = await time(async () => {
      const response = await api.send('/v1/links?limit=10', { headers });
      if (response.status !== 200) throw new Error(`GET answered ${response.status}`);
    });
    const fetchTime = await time(async () => {
      const response = await fetch(`${runtime.url}/v1/links?limit=10`, { headers });
      if (response.status !== 200) throw new Error(`GET through fetch answered ${response.status}`);
      await response.arrayBuffer();
    });
    const bareTime = await time(async () => {
      await listingGate();
      await query();
    });
    const queryTime = await time(() => query());
    const defaultQueryTime = await time(() => query(defaultDb));
    const besideTime = await time(() => Promise.all([listingGate(), query()]));
    const invokedTime = await time(async () => {
      const result = (await invoke('listLinks', listEvent())) as { statusCode?: number };
      if (result.statusCode !== 200) throw new Error(`the invoked listing answered ${result.statusCode}`);
    });
    if (i >= WARMUP) {
      bareListBeside.samples.push(besideTime);
      invokedList.samples.push(invokedTime);
      get.samples.push(httpTime);
      getByFetch.samples.push(fetchTime);
      bareList.samples.push(bareTime);
      bareQueryOnly.samples.push(queryTime);
      defaultQuery.samples.push(defaultQueryTime);
    }
  }
  printComparison('List links', get, [bareList, bareQueryOnly]);
  printBreakdown("Where the listing's time goes (p50, ratio to the bare Query alone)", [
    bareQueryOnly,
    defaultQuery,
    bareListBeside,
    invokedList,
    get,
    getByFetch,
  ]);
  api.close();
  db.destroy();
  defaultDb.destroy();
}
