import fc from 'fast-check';
import { request as httpRequest, Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Runtime } from '../../local/runtime.ts';
import { ApiClient, startTestRuntime } from '../support/runtime.ts';
import { aUsername } from './helpers.ts';

/**
 * No input gets a 500. Requests derived from the served OpenAPI document, for every operation in it: odd
 * percent-escapes in paths and queries, huge and repeated fields, wrong types, wrong and missing content types,
 * invalid JSON, huge bodies, with and without a valid token. Every answer must be below 500, carry
 * `x-request-id`, and be in the contract's error format when it is an error.
 *
 * FUZZ_RUNS sets the requests per operation (default 10, about 400 in all); FUZZ_SEED replays a run.
 */

const RUNS_PER_OPERATION = Number(process.env.FUZZ_RUNS ?? 10);
const SEED = process.env.FUZZ_SEED === undefined ? undefined : Number(process.env.FUZZ_SEED);

interface Sent {
  method: string;
  /** As it goes on the request line: already percent-encoded, or deliberately not. */
  path: string;
  headers: Record<string, string>;
  body?: string | Buffer;
}

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/**
 * The request goes out byte for byte as built: fetch would normalize the path and refuse some headers. A new
 * connection each time, so that no request meets a kept-alive socket that the server is just closing.
 */
const agent = new Agent({ keepAlive: false });
let sentCount = 0;

function send(base: URL, sent: Sent): Promise<Answer> {
  sentCount++;
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: sent.method,
        path: sent.path,
        headers: {
          ...sent.headers,
          ...(sent.body !== undefined ? { 'content-length': String(Buffer.byteLength(sent.body)) } : {}),
        },
      },
      (incoming) => {
        const chunks: Buffer[] = [];
        incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
        incoming.on('end', () =>
          resolve({
            status: incoming.statusCode ?? 0,
            headers: incoming.headers,
            text: Buffer.concat(chunks).toString('utf8'),
          }),
        );
        incoming.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(sent.body);
  });
}

/** What every answer must be, whatever was sent. */
function expectContractAnswer(sent: Sent, answer: Answer): void {
  const what = `${sent.method} ${sent.path.slice(0, 200)} -> ${answer.status} ${answer.text.slice(0, 300)}`;
  expect(answer.status, what).toBeLessThan(500);
  expect(answer.headers['x-request-id'], what).toMatch(/^\S+$/);
  if (answer.status < 400) return;
  expect(answer.headers['content-type'], what).toMatch(/^application\/json/);
  const body = JSON.parse(answer.text) as { error?: { code?: unknown; message?: unknown } };
  expect(body.error?.code, what).toEqual(expect.stringMatching(/^[a-z_]+$/));
  expect(body.error?.message, what).toEqual(expect.stringMatching(/\S/));
}

// ---- The document, as far as requests need it ----

interface JsonSchema {
  type?: string;
  enum?: unknown[];
  anyOf?: JsonSchema[];
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
  example?: unknown;
  $ref?: string;
}

interface OpenApiDocument {
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, JsonSchema> };
}

interface OpenApiOperation {
  parameters?: { in: string; name: string; schema?: JsonSchema }[];
  requestBody?: { content: Record<string, { schema?: JsonSchema }> };
}

/** An operation reduced to what a request is made of. */
interface Operation {
  method: string;
  path: string;
  pathParameters: string[];
  queryFields: Record<string, JsonSchema>;
  bodyFields: Record<string, JsonSchema>;
  bodyTypes: string[];
}

function operationsOf(document: OpenApiDocument): Operation[] {
  const resolve = (schema: JsonSchema | undefined): JsonSchema => {
    if (!schema?.$ref) return schema ?? {};
    return document.components?.schemas?.[schema.$ref.split('/').pop()!] ?? {};
  };
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => {
      const parameters = operation.parameters ?? [];
      const content = operation.requestBody?.content ?? {};
      const bodySchema = resolve(Object.values(content)[0]?.schema);
      return {
        method: method.toUpperCase(),
        path,
        // From the template itself, so that a parameter the document forgets to declare is fuzzed too.
        pathParameters: [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!),
        queryFields: Object.fromEntries(
          parameters.filter((p) => p.in === 'query').map((p) => [p.name, resolve(p.schema)]),
        ),
        bodyFields: Object.fromEntries(
          Object.entries(bodySchema.properties ?? {}).map(([name, schema]) => [name, resolve(schema)]),
        ),
        bodyTypes: Object.keys(content),
      };
    }),
  );
}

// ---- Values ----

/** Escapes that do not decode, decode to something odd, or are not escapes at all. */
const ODD_ESCAPES = [
  '%',
  '%%',
  '%E0%A4%A',
  '%FF%FE',
  '%ED%A0%80',
  '%C0%AF',
  '%00',
  '%0A',
  '%2F',
  '%252F',
  '%2e%2e',
  '%u0041',
  '%zz',
  '..',
  '+',
  '%20',
  '%EF%BB%BF',
];

/** A piece of a path or query, as sent on the request line: printable ASCII only, as HTTP requires. */
const rawPiece: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ODD_ESCAPES) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }).map(encodeLoosely) },
  {
    weight: 2,
    arbitrary: fc.string({
      unit: fc.constantFrom(...'!"$&\'()*+,-.:;<=>@[\\]^_`{|}~abcXYZ019%'),
      maxLength: 20,
    }),
  },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 8000 }).map((length) => 'a'.repeat(length)) },
);

/** `arbitrary` once in `every` draws, else undefined. */
function sometimes<T>(arbitrary: fc.Arbitrary<T>, every: number): fc.Arbitrary<T | undefined> {
  return fc.oneof(
    { weight: every - 1, arbitrary: fc.constant(undefined) },
    { weight: 1, arbitrary: arbitrary },
  );
}

/** Percent-encoded; a lone surrogate, which encodeURIComponent refuses, becomes U+FFFD first. */
function encodeLoosely(text: string): string {
  return encodeURIComponent(text.toWellFormed());
}

const hugeString = fc.integer({ min: 5_000, max: 70_000 }).map((length) => 'x'.repeat(length));

/** A value of the wrong kind for any field. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.string(), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }),
  hugeString,
  fc.constant(JSON.parse('['.repeat(2000) + ']'.repeat(2000)) as unknown),
  fc.string({ unit: 'binary', maxLength: 40 }),
  // Any UTF-16 code unit, unpaired surrogates too: JSON can escape them, though they are no text.
  fc.string({
    unit: fc.integer({ min: 0, max: 0xffff }).map((unit) => String.fromCharCode(unit)),
    maxLength: 10,
  }),
);

/** A value that the schema allows, or nearly. */
function valueFor(schema: JsonSchema, username: string): fc.Arbitrary<unknown> {
  if (schema.anyOf?.length) return fc.oneof(...schema.anyOf.map((option) => valueFor(option, username)));
  if (schema.enum?.length) return fc.constantFrom(...schema.enum);
  const examples = schema.example === undefined ? [] : [fc.constant(schema.example)];
  switch (schema.type) {
    case 'string':
      return fc.oneof(
        ...examples,
        fc.constantFrom(username, 'go', 'https://golang.org/', 'https://example.com/a?b=c#d', '(a+)+$', ''),
        fc.string({ maxLength: Math.min(schema.maxLength ?? 80, 80) }),
      );
    case 'integer':
    case 'number':
      return fc.oneof(
        fc.integer({ min: schema.minimum ?? -1000, max: schema.maximum ?? 1000 }),
        fc.constantFrom(-1, 0, 1e21, Number.MAX_SAFE_INTEGER + 1, 9007199254740990, 0.5),
      );
    case 'boolean':
      return fc.boolean();
    case 'array':
      return fc.array(valueFor(schema.items ?? { type: 'string' }, username), { maxLength: 5 });
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

function fieldValue(schema: JsonSchema, username: string): fc.Arbitrary<unknown> {
  return fc.oneof({ weight: 3, arbitrary: valueFor(schema, username) }, { weight: 1, arbitrary: wrongValue });
}

/** `name=value` pairs, as a query string or form sends them: a list is the key repeated. */
function encodePairs(fields: Record<string, unknown>, rawExtras: [string, string][]): string {
  const pairs: string[] = [];
  for (const [name, value] of Object.entries(fields)) {
    const values = Array.isArray(value) ? value : [value];
    for (const one of values) {
      const text = typeof one === 'string' ? one : (JSON.stringify(one) ?? '');
      pairs.push(`${encodeLoosely(name)}=${encodeLoosely(text)}`);
    }
  }
  for (const [name, value] of rawExtras) pairs.push(`${name}=${value}`);
  return pairs.join('&');
}

// ---- Requests ----

const OTHER_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/x-www-form-urlencoded',
  'text/plain',
  'multipart/form-data; boundary=xyz',
  'application/json; charset=utf-16',
  'application/merge-patch+json',
  'application/xml',
  ';',
  '*/*',
];
const INVALID_JSON = ['{"url": ', '{', '[1,', 'nul', '\uFEFF{}', '{"a":1}{"b":2}', "{'url': 'x'}", '\u0000'];

type TokenChoice = 'none' | 'valid' | 'valid-header' | 'unknown' | 'malformed';
type BodyChoice = 'none' | 'json' | 'form' | 'invalid-json' | 'not-an-object' | 'huge' | 'garbage';

function requestsFor(operation: Operation, username: string): fc.Arbitrary<(token: string) => Sent> {
  const fieldNames = [
    ...new Set([...Object.keys(operation.queryFields), ...Object.keys(operation.bodyFields)]),
  ];
  const schemaOf = (name: string) => operation.queryFields[name] ?? operation.bodyFields[name] ?? {};
  const fields = fc.record(
    Object.fromEntries(
      fieldNames.map((name) => [
        name,
        sometimes(
          fc.oneof(
            { weight: 4, arbitrary: fieldValue(schemaOf(name), username) },
            // The same key more than once.
            {
              weight: 1,
              arbitrary: fc.array(fieldValue(schemaOf(name), username), { minLength: 2, maxLength: 3 }),
            },
          ),
          2,
        ),
      ]),
    ),
  );
  const rawExtras = fc.array(fc.tuple(rawPiece, rawPiece), { maxLength: 2 });
  const pathValues = fc.array(fc.oneof(fc.constantFrom(username, 'nobody-at-all', 'ALICE', '-x'), rawPiece), {
    minLength: operation.pathParameters.length,
    maxLength: operation.pathParameters.length,
  });
  return fc
    .record({
      method: fc.oneof(
        { weight: 9, arbitrary: fc.constant(operation.method) },
        { weight: 1, arbitrary: fc.constantFrom(...OTHER_METHODS) },
      ),
      pathValues,
      fields,
      queryExtras: rawExtras,
      formExtras: rawExtras,
      token: fc.constantFrom<TokenChoice>('none', 'valid', 'valid', 'valid-header', 'unknown', 'malformed'),
      body: fc.constantFrom<BodyChoice>(
        'none',
        'json',
        'json',
        'form',
        'invalid-json',
        'not-an-object',
        'huge',
        'garbage',
      ),
      // null: no content type, whatever the body.
      contentType: sometimes(
        fc.constantFrom<string | null>(...operation.bodyTypes, ...CONTENT_TYPES, null),
        3,
      ),
      invalidJson: fc.constantFrom(...INVALID_JSON),
      notAnObject: fc.constantFrom('[]', '"x"', '1', 'null', 'true', '[{"url":"https://golang.org/"}]'),
      hugeBody: fc.integer({ min: 60_000, max: 300_000 }),
      garbage: fc.uint8Array({ maxLength: 200 }),
      cookie: sometimes(fc.constantFrom('session=%zz', 'a=b; ;c', '=', 'x'.repeat(3000)), 4),
      hugeHeader: sometimes(fc.integer({ min: 17_000, max: 20_000 }), 30),
      fieldsIn: fc.constantFrom<'query' | 'body'>('query', 'body'),
      pathEnd: sometimes(
        fc.oneof(
          fc.constant('/'),
          rawPiece.map((piece) => `/${piece}`),
        ),
        8,
      ),
      pathStart: sometimes(fc.constantFrom('/', '/.', '/%2E', '/v1/..'), 12),
    })
    .map((choice) => (validToken: string): Sent => {
      let path = operation.path;
      operation.pathParameters.forEach((name, i) => {
        path = path.replace(`{${name}}`, choice.pathValues[i]!);
      });
      path = `${choice.pathStart ?? ''}${path}${choice.pathEnd ?? ''}`;
      const given = Object.fromEntries(Object.entries(choice.fields).filter(([, v]) => v !== undefined));
      const queryFields = choice.fieldsIn === 'query' || choice.body === 'none' ? given : {};
      const bodyFields = choice.fieldsIn === 'body' && choice.body !== 'none' ? given : {};
      const query = encodePairs(queryFields, choice.queryExtras);
      if (query) path += `?${query}`;

      const headers: Record<string, string> = {};
      if (choice.token === 'valid') headers['authorization'] = `Bearer ${validToken}`;
      if (choice.token === 'valid-header') headers['access-token'] = validToken;
      if (choice.token === 'unknown') headers['authorization'] = `Bearer ${'A'.repeat(43)}`;
      if (choice.token === 'malformed') headers['authorization'] = 'Bearer %ZZ not a token';
      if (choice.cookie) headers['cookie'] = choice.cookie;
      if (choice.hugeHeader) {
        // Nothing after the headers: the server stops reading there and closes.
        headers['x-padding'] = 'p'.repeat(choice.hugeHeader);
        return { method: choice.method, path, headers };
      }

      let body: string | Buffer | undefined;
      let contentType: string | undefined;
      switch (choice.body) {
        case 'json':
          body = JSON.stringify(bodyFields);
          contentType = 'application/json';
          break;
        case 'form':
          body = encodePairs(bodyFields, choice.formExtras);
          contentType = 'application/x-www-form-urlencoded';
          break;
        case 'invalid-json':
          body = choice.invalidJson;
          contentType = 'application/json';
          break;
        case 'not-an-object':
          body = choice.notAnObject;
          contentType = 'application/json';
          break;
        case 'huge':
          body = JSON.stringify({ ...bodyFields, title: 't'.repeat(choice.hugeBody) });
          contentType = 'application/json';
          break;
        case 'garbage':
          body = Buffer.from(choice.garbage);
          break;
      }
      // Sometimes the content type that goes with the body, sometimes another one, sometimes none.
      const chosenType = choice.contentType === undefined ? contentType : choice.contentType;
      if (chosenType !== undefined && chosenType !== null) headers['content-type'] = chosenType;
      return { method: choice.method, path, headers, ...(body !== undefined ? { body } : {}) };
    });
}

// ---- The tests ----

let runtime: Runtime;
let base: URL;
let username: string;
let token: string;

async function logIn(): Promise<void> {
  token = (await ApiClient.loggedIn(runtime.url, username)).token!;
}

beforeAll(async () => {
  runtime = await startTestRuntime({ pollers: false });
  base = new URL(runtime.url);
  username = aUsername('fuzzer');
  await logIn();
});
afterAll(async () => {
  agent.destroy();
  await runtime?.stop();
});

/** Sends one request and checks the answer; a request that logged the fuzzer out logs it in again. */
async function sendAndCheck(sent: Sent): Promise<Answer> {
  const answer = await send(base, sent);
  expectContractAnswer(sent, answer);
  if (sent.path.startsWith('/logout') && answer.status < 400) await logIn();
  return answer;
}

describe('inputs that answered 500 before', () => {
  it.each([
    ['GET', '/v1/users/%ED%A0%80'],
    ['DELETE', '/v1/following/%FF%FE'],
    ['DELETE', '/v1/following/%E0%A4%A'],
    ['PUT', '/v1/users/%E0%A4%A'],
  ])(
    'given %s %s with escapes that do not decode, when sent with and without a token, then a 4xx error',
    async (method, path) => {
      const anonymous = await sendAndCheck({ method, path, headers: {} });
      const signedIn = await sendAndCheck({ method, path, headers: { authorization: `Bearer ${token}` } });

      expect(anonymous.status).toBeGreaterThanOrEqual(400);
      expect(signedIn.status).toBeGreaterThanOrEqual(400);
    },
  );

  it.each([
    ['GET', '//v1.0/me', 404],
    ['OPTIONS', '*', 400],
  ])(
    'given the request target %s %s, when sent, then %i in the error format',
    async (method, path, status) => {
      const answer = await sendAndCheck({ method, path, headers: { authorization: `Bearer ${token}` } });

      expect(answer.status).toBe(status);
    },
  );

  it('given the caller, when she unfollows herself, then 400 names the username', async () => {
    const answer = await sendAndCheck({
      method: 'DELETE',
      path: `/v1/following/${username}`,
      headers: { authorization: `Bearer ${token}` },
    });

    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).error.details).toEqual({ username: 'cannot be yourself' });
  });

  it('given stale_after_seconds past any date, when the re-check is fired, then 400 names it', async () => {
    const answer = await sendAndCheck({
      method: 'POST',
      path: '/dev/recheck?stale_after_seconds=9007199254740990',
      headers: { authorization: `Bearer ${token}` },
    });

    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).error.details).toHaveProperty('stale_after_seconds');
  });

  it('given a request line and headers over 16 KiB, when sent, then 431 in the error format', async () => {
    const answer = await sendAndCheck({
      method: 'GET',
      path: `/v1/links?pad=${'q'.repeat(17_000)}`,
      headers: { authorization: `Bearer ${token}` },
    });

    expect(answer.status).toBe(431);
  });

  it('given tags as a repeated form key, when a link is added and updated, then every value counts', async () => {
    const form = { authorization: `Bearer ${token}`, 'content-type': 'application/x-www-form-urlencoded' };
    const url = encodeURIComponent(`https://example.com/${username}/repeated-tags`);

    const added = await sendAndCheck({
      method: 'POST',
      path: '/v1/links',
      headers: form,
      body: `url=${url}&tags=go&tags=k8s`,
    });
    const updated = await sendAndCheck({
      method: 'PUT',
      path: '/v1/links',
      headers: form,
      body: `url=${url}&add_tags=rust&add_tags=wasm&remove_tags=go&remove_tags=k8s`,
    });

    expect(added.status).toBe(201);
    expect(JSON.parse(added.text).link.tags).toEqual(['go', 'k8s']);
    expect(JSON.parse(updated.text).link.tags).toEqual(['rust', 'wasm']);
  });

  it('given a one-value field as a repeated query key, when sent, then 400 names the field', async () => {
    const answer = await sendAndCheck({
      method: 'GET',
      path: '/v1/links?limit=5&limit=6',
      headers: { authorization: `Bearer ${token}` },
    });

    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.text).error.details).toEqual({ limit: 'given more than once; send one value' });
  });
});

describe('requests derived from the OpenAPI document', () => {
  it('given odd, huge, repeated and mistyped input for every operation, then no 5xx, the error format and a request id', async () => {
    const documentAnswer = await sendAndCheck({ method: 'GET', path: '/openapi.json', headers: {} });
    const operations = operationsOf(JSON.parse(documentAnswer.text) as OpenApiDocument);
    const before = sentCount;

    for (const operation of operations) {
      await fc.assert(
        fc.asyncProperty(requestsFor(operation, username), async (build) => {
          await sendAndCheck(build(token));
        }),
        {
          numRuns: RUNS_PER_OPERATION,
          endOnFailure: true,
          ...(SEED !== undefined ? { seed: SEED } : {}),
        },
      );
    }

    const fuzzed = sentCount - before;
    console.log(`fuzz: ${fuzzed} requests over ${operations.length} operations (${sentCount} in this file)`);
    expect(operations.length).toBeGreaterThan(30);
    expect(fuzzed).toBe(operations.length * RUNS_PER_OPERATION);
  }, 300_000);
});
