import './environment.ts';
import { Session } from 'node:inspector/promises';
import { writeFileSync } from 'node:fs';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { startRuntime } from '../local/runtime.ts';
import { LOCAL_AWS } from '../local/engines.ts';
import { withoutSdkLogger } from '../shared/aws/transport.ts';
import { LINKS_BY_CREATED, userPartition } from '../shared/links/table.ts';
import { rateKey } from '../shared/http/rate-limit-store.ts';
import { CREDENTIALS_MARK } from '../shared/rate-keys.ts';
import { invoke } from '../local/functions.ts';
import { anApiEvent } from '../test/support/builders.ts';
const runtime = await startRuntime({ port: 0, dynamoDbPort: 0, queuesPort: 0, prefix: 'prof-', pollers: false });
const db = DynamoDBDocumentClient.from(withoutSdkLogger(new DynamoDBClient({ ...LOCAL_AWS, endpoint: runtime.dynamoDbEndpoint })));
const login = await fetch(`${runtime.url}/dev/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'bench' }) });
const { access_token: token } = (await login.json()) as { access_token: string };
for (let i = 0; i < 20; i++) {
  const r = await fetch(`${runtime.url}/v1/links`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: JSON.stringify({ url: `https://example.com/${i}`, title: `Link ${i}`, tags: ['a', 'b'] }) });
  if (r.status !== 201) throw new Error(String(r.status));
  await new Promise((d) => setTimeout(d, 60));
}
const tables = runtime.tableNames;
const mark = () => db.send(new GetCommand({ TableName: tables.users, Key: rateKey('bench-bare'), ConsistentRead: true, ProjectionExpression: '#m', ExpressionAttributeNames: { '#m': CREDENTIALS_MARK } }));
const query = () => db.send(new QueryCommand({ TableName: tables.links, IndexName: LINKS_BY_CREATED, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': userPartition('bench') }, ScanIndexForward: false, ConsistentRead: true, Limit: 11 }));
const listEvent = () => anApiEvent({ path: '/v1/links', query: { limit: '10' }, token });
const handler = async () => { const r = (await invoke('listLinks', listEvent())) as { statusCode?: number }; if (r.statusCode !== 200) throw new Error(String(r.statusCode)); await new Promise((d) => setTimeout(d, 12)); };
const bare = async () => { await Promise.all([mark(), query()]); await new Promise((d) => setTimeout(d, 12)); };
const N = Number(process.env.N ?? 800);
for (let i = 0; i < 300; i++) { await handler(); await bare(); }
const session = new Session(); session.connect();
await session.post('Profiler.enable'); await session.post('Profiler.setSamplingInterval', { interval: 50 });
for (const [name, fn] of [['bare', bare], ['handler', handler]] as const) {
  await session.post('Profiler.start');
  const c0 = process.cpuUsage();
  for (let i = 0; i < N; i++) await fn();
  const c = process.cpuUsage(c0);
  const { profile } = await session.post('Profiler.stop');
  writeFileSync(`/tmp/lp/${name}.cpuprofile`, JSON.stringify(profile));
  console.log(name, 'cpu per call µs', ((c.user + c.system) / N).toFixed(0));
}
await runtime.stop();
