import { describe, expect, it } from 'vitest';
import { contextOperations, openApiDocument } from '../../shared/openapi.ts';
import { needsToken, routes } from '../../shared/wiring.ts';

/** The OpenAPI document, as generated from the wiring and the schemas that validate requests. */

interface Parameter {
  in: string;
  name: string;
  required?: boolean;
  schema: Record<string, unknown>;
}
interface Operation {
  tags?: string[];
  description?: string;
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { required?: boolean; content: Record<string, { schema: { $ref?: string } }> };
  responses: Record<string, { $ref?: string; headers?: Record<string, { $ref?: string }> }>;
}
interface Document {
  servers?: { url: string }[];
  tags?: { name: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: {
    schemas: Record<string, { properties?: Record<string, Record<string, unknown>>; anyOf?: unknown[] }>;
    responses: Record<string, { headers?: Record<string, { $ref?: string }> }>;
    headers: Record<string, { required?: boolean }>;
  };
}

const document = openApiDocument(routes, 'test') as unknown as Document;
const operations = routes.map((route) => ({
  route,
  name: `${route.method} ${route.path}`,
  operation: document.paths[route.path]![route.method.toLowerCase()]!,
}));

/** A response, with a `$ref` to a shared one followed. */
function responseOf(operation: Operation, status: string) {
  const response = operation.responses[status];
  if (!response?.$ref) return response;
  return document.components.responses[response.$ref.split('/').pop()!];
}

function headerNamesOf(operation: Operation, status: string): string[] {
  return Object.keys(responseOf(operation, status)?.headers ?? {}).map((name) => name.toLowerCase());
}

describe('the OpenAPI document', () => {
  it('given routes with {name} in their paths, then each declares that path parameter, and no other route does', () => {
    for (const { route, name, operation } of operations) {
      const inPath = [...route.path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1]);
      const declared = (operation.parameters ?? []).filter((p) => p.in === 'path');

      expect(
        declared.map((p) => p.name),
        name,
      ).toEqual(inPath);
      expect(declared.every((p) => p.required)).toBe(true);
    }
  });

  it('given public routes, then they declare an empty security requirement and no 401; the others a token and 401 with WWW-Authenticate', () => {
    for (const { route, name, operation } of operations) {
      if (needsToken(route)) {
        expect(operation.security, name).toEqual([
          { bearer: [] },
          { accessTokenHeader: [] },
          { sessionCookie: [] },
        ]);
        expect(headerNamesOf(operation, '401'), name).toContain('www-authenticate');
      } else {
        expect(operation.security, name).toEqual([]);
        // The login callback and the news feed check credentials of their own (the feed's is in its path).
        const checksItsOwnCredential = ['loginCallback', 'newsFeed'].includes(route.function);
        if (!checksItsOwnCredential) expect(operation.responses, name).not.toHaveProperty('401');
      }
    }
  });

  it('given every operation, then it declares 429 with Retry-After, and each response carries x-request-id and nosniff', () => {
    for (const { name, operation } of operations) {
      expect(headerNamesOf(operation, '429'), name).toContain('retry-after');
      expect(Object.keys(operation.responses), name).toEqual(
        expect.arrayContaining(['400', '413', '415', '431', '503']),
      );
      for (const status of Object.keys(operation.responses)) {
        expect(headerNamesOf(operation, status), `${name} ${status}`).toEqual(
          expect.arrayContaining(['x-request-id', 'x-content-type-options']),
        );
      }
    }
    expect(document.components.headers['RequestId']?.required).toBe(true);
  });

  it("given the contexts' operation maps, then every function that a route serves is described in exactly one, and each described function serves a route", () => {
    const served = [...new Set(routes.map((route) => route.function))].sort();
    const described = Object.values(contextOperations).flatMap((operations) => Object.keys(operations));

    expect(
      served.filter((fn) => described.filter((name) => name === fn).length !== 1),
      'not described exactly once',
    ).toEqual([]);
    expect([...described].sort()).toEqual(served);
  });

  it('given every operation, then it has a description and a tag that the document defines', () => {
    const defined = (document.tags ?? []).map((tag) => tag.name);
    for (const { name, operation } of operations) {
      expect(operation.description, name).toMatch(/\S/);
      expect(operation.tags?.length, name).toBe(1);
      expect(defined, name).toContain(operation.tags![0]);
    }
    expect(document.servers).toEqual([expect.objectContaining({ url: '/' })]);
  });

  it('given the redirects, then their Location is declared; 405 answers declare Allow', () => {
    expect(headerNamesOf(document.paths['/login']!.get!, '302')).toContain('location');
    expect(headerNamesOf(document.paths['/v1/links/snapshot']!.get!, '302')).toContain('location');
    const notAllowed = document.components.responses['MethodNotAllowed']!;
    expect(Object.keys(notAllowed.headers ?? {}).map((h) => h.toLowerCase())).toContain('allow');
  });

  it('given DELETE /v1/following, then it documents ?username= and a body with username or followed', () => {
    const operation = document.paths['/v1/following']!.delete!;

    expect(operation.parameters).toEqual([expect.objectContaining({ in: 'query', name: 'username' })]);
    expect(operation.requestBody?.content['application/json']?.schema.$ref).toMatch(/FollowRequest$/);
    expect(document.components.schemas['FollowRequest']!.anyOf).toEqual([
      { required: ['username'] },
      { required: ['followed'] },
    ]);
  });

  it('given inputs the server requires, then the document marks them required', () => {
    const queryOf = (path: string, method: string, name: string) =>
      document.paths[path]![method]!.parameters!.find((p) => p.in === 'query' && p.name === name)!;

    expect(queryOf('/v1/links', 'delete', 'url').required).toBe(true);
    expect(queryOf('/login/authorized', 'get', 'code').required).toBe(true);
    expect(queryOf('/login/authorized', 'get', 'state').required).toBe(true);
  });

  it('given the validation rules, then the schemas state them: username pattern, http(s) URLs, tag and regex limits', () => {
    const addLink = document.components.schemas['AddLinkRequest']!.properties!;
    const username = document.paths['/v1/users/{username}']!.get!.parameters![0]!.schema;
    const urlRegex = document.paths['/v1/links']!.get!.parameters!.find(
      (p) => p.name === 'url_regex',
    )!.schema;

    expect(username.pattern).toBe('^[A-Za-z0-9][A-Za-z0-9-]{0,38}$');
    const url = new RegExp(addLink['url']!.pattern as string, 'u');
    expect(['https://golang.org/', 'HTTP://example.com/a?b=c'].filter((u) => !url.test(u))).toEqual([]);
    expect(
      ['ftp://example.com/', 'https://a b', 'https://a\\b', 'https://a\u0007'].filter((u) => url.test(u)),
    ).toEqual([]);
    expect(addLink['tags']!.anyOf).toContainEqual({
      type: 'array',
      maxItems: 100,
      items: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[^\\s,]+$' },
    });
    expect(urlRegex.maxLength).toBe(256);
  });

  it('given bodies, then they come as JSON or as a form', () => {
    for (const { name, operation } of operations) {
      if (!operation.requestBody) continue;
      expect(Object.keys(operation.requestBody.content), name).toEqual([
        'application/json',
        'application/x-www-form-urlencoded',
      ]);
    }
  });

  it('given timestamps in answers, then they are date-times', () => {
    const link = document.components.schemas['Link']!.properties!;

    expect(link['created_at']).toMatchObject({ format: 'date-time' });
    expect(link['updated_at']).toMatchObject({ format: 'date-time' });
    expect(link['checked_at']!.anyOf ?? [link['checked_at']]).toContainEqual(
      expect.objectContaining({ format: 'date-time' }),
    );
    expect(document.components.schemas['AccessToken']!.properties!['expires_at']).toMatchObject({
      format: 'date-time',
    });
  });
});

describe('idempotent retries in the document', () => {
  it.each(operations.filter(({ route }) => route.method === 'POST'))(
    'given the POST $name, then it takes an optional Idempotency-Key and answers 409 and 422 for retries',
    ({ operation }) => {
      const header = operation.parameters?.find((p) => p.in === 'header' && p.name === 'Idempotency-Key');

      expect(header).toBeDefined();
      expect(header!.required).not.toBe(true);
      expect(header!.schema).toMatchObject({ type: 'string' });
      expect(operation.responses['422']).toEqual({ $ref: '#/components/responses/IdempotencyKeyReused' });
      expect(operation.responses['409']).toBeDefined();
    },
  );

  it.each(operations.filter(({ route }) => route.method !== 'POST'))(
    'given the $name, which is not a POST, then it takes no Idempotency-Key',
    ({ operation }) => {
      expect((operation.parameters ?? []).map((p) => p.name)).not.toContain('Idempotency-Key');
      expect(operation.responses['422']).toBeUndefined();
    },
  );
});
