import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HttpHandler } from '../../../shared/http/handler.ts';
import type { ErasureProgress } from '../../../shared/users/model.ts';
import { aUser } from '../../support/builders.ts';
import { call, expectError, importHandler, stubFunctionEnvironment } from '../support/http.ts';
import { NOW, useInMemoryServices } from '../support/services.ts';

const TOKEN = 'dlk_doras-deletion-test-token';
const services = useInMemoryServices();
let deleteAccount: HttpHandler;
let marked: Map<string, string>;
let queued: ErasureProgress[];
let revoked: string[];

beforeAll(async () => {
  stubFunctionEnvironment();
  deleteAccount = await importHandler('users/delete-account');
});
afterAll(async () => {
  const { setAccountDeletionForTests } = await import('../../../shared/users/erasure-service.ts');
  setAccountDeletionForTests(undefined);
  vi.unstubAllEnvs();
});
beforeEach(async () => {
  services.givenSession(TOKEN, { username: 'dora' });
  await services.users.createIfAbsent(aUser({ username: 'dora' }));
  marked = new Map();
  queued = [];
  revoked = [];
  const { AccountDeletion } = await import('../../../shared/users/erasure.ts');
  const { setAccountDeletionForTests } = await import('../../../shared/users/erasure-service.ts');
  setAccountDeletionForTests(
    new AccountDeletion(
      {
        markDeleting: async (username, since) => {
          marked.set(username, since);
          return true;
        },
      },
      { revokeAll: async (username) => void revoked.push(username) },
      { send: async (progress) => void queued.push(progress) },
      () => new Date(services.now),
    ),
  );
});

const deleteMe = (body: unknown) =>
  call(deleteAccount, { method: 'DELETE', path: '/v1/me', token: TOKEN, body });

describe('DELETE /v1/me', () => {
  it('given the caller confirms with their username (in any case), when they delete, then 202 deleting, marked, queued and revoked', async () => {
    const answer = await deleteMe({ confirm: ' Dora ' });

    expect(answer.status).toBe(202);
    expect(answer.body).toEqual({ status: 'deleting' });
    expect(marked).toEqual(new Map([['dora', new Date(NOW).toISOString()]]));
    expect(queued).toEqual([{ username: 'dora', step: 'follows' }]);
    expect(revoked).toEqual(['dora']);
  });

  it("given a confirm of somebody else's name, when the caller deletes, then 400 naming confirm and nothing happens", async () => {
    const body = expectError(await deleteMe({ confirm: 'erin' }), 400, 'invalid_request');

    expect(Object.keys(body.error.details ?? {})).toEqual(['confirm']);
    expect(marked.size + queued.length + revoked.length).toBe(0);
  });

  it('given no confirm, when the caller deletes, then 400 naming confirm as required', async () => {
    const body = expectError(await deleteMe({}), 400, 'invalid_request');

    expect(body.error.details).toEqual({ confirm: 'required' });
    expect(queued).toEqual([]);
  });

  it('given no token, when somebody deletes, then 401 and nothing happens', async () => {
    const answer = await call(deleteAccount, { method: 'DELETE', path: '/v1/me', body: { confirm: 'dora' } });

    expectError(answer, 401, 'unauthorized');
    expect(queued).toEqual([]);
  });
});
