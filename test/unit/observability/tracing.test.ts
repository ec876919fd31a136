import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * Tracing as on Lambda with active tracing: the X-Ray SDK in its Lambda mode, sending what it records to a UDP
 * "daemon" that this file listens as, and a DynamoDB endpoint of this file's that answers every call. Each
 * invocation sets the trace header, sampled or not, as Lambda does.
 */

interface Subsegment {
  name: string;
  id: string;
  trace_id: string;
  parent_id: string;
  annotations?: Record<string, string | boolean>;
  aws?: { operation?: string };
}

let daemon: Socket;
let dynamodb: Server;
let received: Subsegment[] = [];

beforeAll(async () => {
  daemon = createSocket('udp4');
  // Each datagram is a header line, then one (sub)segment as JSON.
  daemon.on('message', (message) =>
    received.push(JSON.parse(message.toString().split('\n')[1]!) as Subsegment),
  );
  await new Promise<void>((resolve) => daemon.bind(0, '127.0.0.1', resolve));
  dynamodb = createServer((_, response) => {
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' }).end('{}');
  });
  await new Promise<void>((resolve) => dynamodb.listen(0, '127.0.0.1', resolve));
});
afterAll(() => {
  daemon.close();
  dynamodb.close();
});

beforeEach(() => {
  received = [];
  // What Lambda sets for a function with active tracing. The X-Ray SDK reads them once, when it loads.
  vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs24.x');
  vi.stubEnv('LAMBDA_TASK_ROOT', '/var/task');
  vi.stubEnv('AWS_XRAY_DAEMON_ADDRESS', `127.0.0.1:${(daemon.address() as AddressInfo).port}`);
  vi.stubEnv('AWS_XRAY_CONTEXT_MISSING', 'LOG_ERROR');
  vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'true');
  vi.resetModules();
});

/** A new execution environment: the function's modules loaded afresh, and a client made at its cold start. */
async function aColdFunction() {
  const { traced, inHandlerSegment, inRecordSegment } = await import('../../../shared/tracing.ts');
  const { withCorrelationId } = await import('../../../shared/correlation.ts');
  const client = traced(
    new DynamoDBClient({
      endpoint: `http://127.0.0.1:${(dynamodb.address() as AddressInfo).port}`,
      region: 'us-east-1',
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    }),
  );
  const getItem = () => client.send(new GetItemCommand({ TableName: 'links', Key: { pk: { S: 'a' } } }));
  let invocation = 0;
  /** One invocation: an HTTP request's one call, or a batch of records that make one call each. */
  return async function invoke(sampled: boolean, records?: string[]) {
    invocation += 1;
    const root = `1-67000000-${String(invocation).padStart(24, '0')}`;
    vi.stubEnv('_X_AMZN_TRACE_ID', `Root=${root};Parent=53995c3f42cd8ad8;Sampled=${sampled ? 1 : 0}`);
    await withCorrelationId(`correlation-${invocation}`, () =>
      inHandlerSegment('addLink', async () => {
        if (!records) return getItem();
        return Promise.all(records.map((id) => withCorrelationId(id, () => inRecordSegment(getItem))));
      }),
    );
    return root;
  };
}

/** The subsegments X-Ray received for a trace, once its handler subsegment has come. */
async function subsegmentsOf(traceId: string): Promise<Subsegment[]> {
  await vi.waitFor(() =>
    expect(received.some((s) => s.trace_id === traceId && s.name === '## addLink')).toBe(true),
  );
  return received.filter((s) => s.trace_id === traceId);
}

// The first sampled invocation loads the X-Ray SDK, which takes seconds on a busy machine.
describe('tracing', { timeout: 60_000 }, () => {
  it('given a sampled invocation at a cold start, then its handler subsegment holds the AWS call, annotated', async () => {
    const invoke = await aColdFunction();

    const trace = await invoke(true);

    const subsegments = await subsegmentsOf(trace);
    const handler = subsegments.find((s) => s.name === '## addLink')!;
    expect(handler.annotations).toEqual({
      ColdStart: true,
      Service: 'delinkcious',
      correlation_id: 'correlation-1',
    });
    expect(subsegments.find((s) => s.name === 'DynamoDB')).toMatchObject({
      parent_id: handler.id,
      aws: { operation: 'GetItem' },
    });
  });

  it('given an invocation that is not sampled, then X-Ray receives nothing of it; the next sampled one is traced, not as a cold start', async () => {
    const invoke = await aColdFunction();

    const unsampled = await invoke(false);
    const sampled = await invoke(true);

    const subsegments = await subsegmentsOf(sampled);
    expect(received.filter((s) => s.trace_id === unsampled)).toEqual([]);
    const handler = subsegments.find((s) => s.name === '## addLink')!;
    expect(handler.annotations).toMatchObject({ ColdStart: false, correlation_id: 'correlation-2' });
    // The client was made before the tracer was loaded, and is captured all the same.
    expect(subsegments.find((s) => s.name === 'DynamoDB')).toMatchObject({ parent_id: handler.id });
  });

  it('given a sampled batch, then each record is a subsegment of the handler, annotated with its own correlation id', async () => {
    const invoke = await aColdFunction();

    const trace = await invoke(true, ['record-a', 'record-b']);

    const subsegments = await subsegmentsOf(trace);
    const handler = subsegments.find((s) => s.name === '## addLink')!;
    const records = subsegments.filter((s) => s.name === '### record');
    expect(records.map((s) => [s.parent_id, s.annotations?.correlation_id]).sort()).toEqual([
      [handler.id, 'record-a'],
      [handler.id, 'record-b'],
    ]);
  });
});
