import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadDotEnv } from '../../../local/dotenv.ts';
import { openApiDocument } from '../../../shared/openapi.ts';
import {
  functions,
  httpFunctionNames,
  rateLimiting,
  routes,
  type FunctionDeclaration,
  type FunctionName,
} from '../../../shared/wiring.ts';

afterEach(() => vi.unstubAllEnvs());

const declared = (name: FunctionName) => functions[name] as FunctionDeclaration;

describe('the wiring of login, profiles and rate limits', () => {
  it('given the wiring, then only the callback may read the GitHub client secret', () => {
    const readers = (Object.keys(functions) as FunctionName[]).filter((name) => declared(name).githubSecret);

    expect(readers).toEqual(['loginCallback']);
  });

  it('given the wiring, then both login functions need the GitHub app settings, are public, and write (not read-only)', () => {
    expect(declared('login').githubApp).toBe(true);
    expect(declared('loginCallback').githubApp).toBe(true);
    expect(routes.filter((r) => r.function === 'login' || r.function === 'loginCallback')).toEqual([
      { method: 'GET', path: '/login', function: 'login', access: 'public', readOnly: false },
      {
        method: 'GET',
        path: '/login/authorized',
        function: 'loginCallback',
        access: 'public',
        readOnly: false,
      },
    ]);
  });

  it('given the wiring, then the profile routes exist under /v1 and /v1.0, need a token, and may read the counters', () => {
    const paths = routes.filter((r) => r.function === 'me' || r.function === 'getUser').map((r) => r.path);

    expect(paths.sort()).toEqual(['/v1.0/me', '/v1.0/users/{username}', '/v1/me', '/v1/users/{username}']);
    const profileReach = {
      users: { read: ['SESSION#', 'USER#'], update: ['SESSION#'], updatedAttributes: ['last_used_at'] },
      links: { read: ['USER#'] },
      social: { read: ['USER#'] },
    };
    expect(declared('me').tables).toEqual(profileReach);
    expect(declared('getUser').tables).toEqual(profileReach);
  });

  it('given the wiring, then every HTTP function is rate-limited through RATE# items of the users table', () => {
    expect(rateLimiting).toEqual({
      table: 'users',
      keyPrefix: 'RATE#',
      actions: ['dynamodb:UpdateItem', 'dynamodb:GetItem'],
    });
    expect(httpFunctionNames()).toEqual(
      expect.arrayContaining(['healthz', 'notFound', 'login', 'me', 'listLinks']),
    );
    expect(httpFunctionNames()).not.toContain('writeFeeds');
  });

  it('given the OpenAPI document, then it describes the login and profile routes and the 429 answer', () => {
    const document = openApiDocument(routes, 'test') as unknown as {
      paths: Record<string, Record<string, { responses: object }>>;
    };

    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/login', '/login/authorized', '/v1/me', '/v1.0/users/{username}']),
    );
    expect(document.paths['/login']!.get!.responses).toHaveProperty('302');
    expect(document.paths['/v1/me']!.get!.responses).toHaveProperty('429');
    expect(document.paths['/v1/links']!.get!.responses).toHaveProperty('429');
  });
});

describe('.env for the local runtime', () => {
  it('given a .env file, then its values are loaded, but variables already set keep their values', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'dotenv-')), '.env');
    writeFileSync(file, 'DOTENV_TEST_NEW=from-file\nDOTENV_TEST_SET=from-file\n# a comment\n');
    vi.stubEnv('DOTENV_TEST_SET', 'from-environment');
    vi.stubEnv('DOTENV_TEST_NEW', undefined);

    const applied = loadDotEnv(file);

    expect(applied).toEqual(['DOTENV_TEST_NEW']);
    expect(process.env.DOTENV_TEST_NEW).toBe('from-file');
    expect(process.env.DOTENV_TEST_SET).toBe('from-environment');
  });

  it('given no .env file, then nothing changes', () => {
    expect(loadDotEnv(join(tmpdir(), 'surely-not-here', '.env'))).toEqual([]);
  });
});
