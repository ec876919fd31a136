import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LOCAL_AWS } from '../../../local/engines.ts';
import { inFleetOf, PIPELINE_SOCKETS, PoolsByFleet } from '../../../local/sdk-pools.ts';
import type { FunctionName } from '../../../shared/wiring.ts';

/** A DynamoDB endpoint that holds every call until released, and knows who sent each (the table it starts at). */
async function givenAnEngineThatHoldsEveryCall() {
  const held: { from: string; answer: () => void }[] = [];
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const { ExclusiveStartTableName: from } = JSON.parse(body) as { ExclusiveStartTableName: string };
      held.push({
        from,
        answer: () => {
          response.setHeader('content-type', 'application/x-amz-json-1.0');
          response.end(JSON.stringify({ TableNames: [] }));
        },
      });
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as AddressInfo;
  cleanups.push(() => new Promise<void>((done) => server.close(() => done()).closeAllConnections()));
  return {
    endpoint: `http://127.0.0.1:${port}`,
    heldFrom: (prefix: string) => held.filter((call) => call.from.startsWith(prefix)).length,
    releaseAll: () => held.splice(0).forEach((call) => call.answer()),
  };
}

const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

/** A call from an invocation of `name`, through a client on the given transport. */
function aCallFrom(name: FunctionName, client: DynamoDBClient, tag: string) {
  return inFleetOf(name, () => client.send(new ListTablesCommand({ ExclusiveStartTableName: tag })));
}

/**
 * A client on the pools, and `extra` calls more than the pipeline's pool holds from invocations of `name`: the
 * engine holds as many as the pool has sockets, the others wait for one.
 */
async function givenThePipelinePoolFilledBy(name: FunctionName, extra: number) {
  const engine = await givenAnEngineThatHoldsEveryCall();
  const client = new DynamoDBClient({
    ...LOCAL_AWS,
    endpoint: engine.endpoint,
    requestHandler: new PoolsByFleet(),
    maxAttempts: 1,
  });
  const calls = Array.from({ length: PIPELINE_SOCKETS + extra }, (_, i) =>
    aCallFrom(name, client, `pipeline-${i}`),
  );
  await vi.waitFor(() => expect(engine.heldFrom('pipeline')).toBe(PIPELINE_SOCKETS));
  return { engine, client, pipelineCalls: Promise.all(calls) };
}

describe('the local runtime keeps the SDK pools of the API and of the pipeline apart', () => {
  it('given the pipeline holds every socket of its pool, when an API function calls, then its call reaches the engine at once', async () => {
    const { engine, client, pipelineCalls } = await givenThePipelinePoolFilledBy('writeFeeds', 5);

    const add = aCallFrom('addLink', client, 'api-add');

    await vi.waitFor(() => expect(engine.heldFrom('api')).toBe(1));
    // The pipeline's five more still wait for one of its own sockets.
    expect(engine.heldFrom('pipeline')).toBe(PIPELINE_SOCKETS);
    engine.releaseAll();
    await add;
    // Each answered call frees a socket for one that waited, which the engine holds in turn.
    await vi.waitFor(() => expect(engine.heldFrom('pipeline')).toBe(5));
    engine.releaseAll();
    await pipelineCalls;
  });

  it('given a scheduled function fills the pipeline pool, when a call is made outside any invocation, then it takes the API pool', async () => {
    const { engine, client, pipelineCalls } = await givenThePipelinePoolFilledBy('recheckStaleLinks', 1);

    const devLogin = client.send(new ListTablesCommand({ ExclusiveStartTableName: 'api-outside' }));

    await vi.waitFor(() => expect(engine.heldFrom('api')).toBe(1));
    engine.releaseAll();
    await devLogin;
    await vi.waitFor(() => expect(engine.heldFrom('pipeline')).toBe(1));
    engine.releaseAll();
    await pipelineCalls;
  });
});
