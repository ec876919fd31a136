import {
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HttpHandler } from '../../../shared/http/handler.ts';
import { CREDENTIALS_MARK, rateItemKey, rateKeyForUser } from '../../../shared/rate-keys.ts';
import { linkToItem } from '../../../shared/links/table.ts';
import { credentialToLookupItem } from '../../../shared/users/dynamodb.ts';
import { hashToken } from '../../../shared/users/sessions.ts';
import { aLink, aSession } from '../../support/builders.ts';
import { conditionFailed, reason, transactionCancelled, useMockedDynamo } from '../support/dynamo.ts';
import { call, expectError, stubFunctionEnvironment, TABLES } from '../support/http.ts';
import { useMockedIdempotencyTable } from '../support/idempotency-table.ts';

/**
 * The gate inside the work, over the real DynamoDB adapters and a mocked client: for a credential this instance
 * has verified, a listing reads while the caller is charged, and an add charges the caller within the link's own
 * transaction; a refusal answers all the same, and an early answer waits for the charge.
 */

const TOKEN = 'dlk_gate-in-the-work-token';
const NOW = Date.parse('2026-11-24T09:00:00.000Z');
const { dynamo, db } = useMockedDynamo();
const idempotencyTable = useMockedIdempotencyTable();
const aliceRateItem = rateItemKey(rateKeyForUser('alice'));
const GOLANG = { url: 'https://golang.org/', title: 'Golang' };
let addLink: HttpHandler;
let listLinks: HttpHandler;
/**
 * A gate of its own for each test: a fresh instance, which knows no credential yet. Its limiter claims
 * `tokensPerClaim` requests a write: one, unless a test says otherwise, so that every charge is a write.
 */
let installGate: (tokensPerClaim?: number) => void;

beforeAll(async () => {
  stubFunctionEnvironment({ IDEMPOTENCY_TABLE: 'idempotency-table' });
  const { Sessions } = await import('../../../shared/users/sessions.ts');
  const { DynamoCredentialStore } = await import('../../../shared/users/dynamodb.ts');
  const { RateLimiter } = await import('../../../shared/http/rate-limit.ts');
  const { DynamoRateLimitStore } = await import('../../../shared/http/rate-limit-store.ts');
  const { Admission } = await import('../../../shared/http/admission.ts');
  const { setGateForTests } = await import('../../../shared/gate.ts');
  const { LinkService } = await import('../../../shared/links/core.ts');
  const { DynamoLinkStore } = await import('../../../shared/links/store.ts');
  const { setLinkServiceForTests } = await import('../../../shared/links/service.ts');
  const { PageTokens } = await import('../../../shared/pagination.ts');
  const clock = () => NOW;
  installGate = (tokensPerClaim = 1) => {
    const sessions = new Sessions(
      new DynamoCredentialStore(TABLES.users, db),
      {} as never,
      { lifetimeDays: 30, maxSessionsPerUser: 20 },
      () => new Date(NOW),
    );
    const limiter = new RateLimiter(
      new DynamoRateLimitStore(TABLES.users, db),
      { perSecond: 12, burst: 80, tokensPerClaim },
      clock,
    );
    setGateForTests({
      admission: new Admission(sessions, limiter, clock, () => 'mark-1'),
      rateLimiter: limiter,
    });
  };
  setLinkServiceForTests(
    new LinkService(
      new DynamoLinkStore(TABLES.links, db),
      new PageTokens(async () => Buffer.from('a-unit-test-key-of-at-least-thirty-two-characters'), clock),
      1000,
      () => new Date(NOW),
    ),
  );
  ({ handler: addLink } = await import('../../../functions/links/add-link.ts'));
  ({ handler: listLinks } = await import('../../../functions/links/list-links.ts'));
});
afterAll(async () => {
  (await import('../../../shared/gate.ts')).setGateForTests(undefined);
  (await import('../../../shared/links/service.ts')).setLinkServiceForTests(undefined);
  vi.unstubAllEnvs();
});

/** Alice's session, verified by this instance: looked up, charged, and looked up once more to be remembered. */
beforeEach(() => givenAliceVerified());

async function givenAliceVerified(tokensPerClaim?: number) {
  installGate(tokensPerClaim);
  const session = aSession({
    token_hash: hashToken(TOKEN),
    last_used_at: new Date(NOW).toISOString(),
    expires_at: '2026-11-25T09:00:00.000Z',
  });
  dynamo.on(GetCommand).resolves({ Item: credentialToLookupItem(session) });
  dynamo.on(UpdateCommand).resolves({ Attributes: { tat: NOW * 1000, [CREDENTIALS_MARK]: 'mark-1' } });
  dynamo.on(QueryCommand).resolves({ Items: [] });
  expect((await list()).status).toBe(200);
  await expect.poll(() => dynamo.commandCalls(GetCommand).length).toBe(2);
  await new Promise((resolve) => setImmediate(resolve));
  dynamo.resetHistory();
}

const list = () => call(listLinks, { method: 'GET', path: '/v1/links', token: TOKEN });
const add = (body: unknown = GOLANG, headers: Record<string, string> = {}) =>
  call(addLink, { method: 'POST', path: '/v1/links', token: TOKEN, body, headers });
const calls = () => dynamo.calls().map((call) => call.args[0].constructor.name);
const transactItems = () =>
  dynamo.commandCalls(TransactWriteCommand).map((call) => call.args[0].input.TransactItems ?? []);

/** The user's rate item as DynamoDB returns it on a failed condition. */
const rateItem = (tat: number, mark: string) => ({ ...aliceRateItem, tat, [CREDENTIALS_MARK]: mark });
const revoked = () => {
  dynamo.on(GetCommand).resolves({});
  return rateItem(NOW * 1000, 'mark-2');
};
const overItsLimit = () => rateItem((NOW + 10_000) * 1000, 'mark-1');
/** The add's transaction cancelled by its third item, the charge, on finding `item`. */
const chargeRefused = (item: object) =>
  transactionCancelled(reason.none, reason.none, reason.conditionFailed(item));

describe('a listing by a credential this instance has verified', () => {
  it('given the charge still under way, when the listing is asked for, then the Query is already made and the answer waits for the charge', async () => {
    let charged!: (value: unknown) => void;
    dynamo.on(UpdateCommand).callsFake(() => new Promise((resolve) => (charged = resolve)));

    const answering = list();
    await vi.waitFor(() => expect(dynamo.commandCalls(QueryCommand)).toHaveLength(1));
    let answered = false;
    void answering.then(() => (answered = true));
    await new Promise((resolve) => setImmediate(resolve));

    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(1);
    expect(answered).toBe(false);
    charged({ Attributes: { tat: NOW * 1000 } });
    expect((await answering).status).toBe(200);
  });

  it('given the user over the limit, when the listing is asked for, then 429 with Retry-After, the links read dropped', async () => {
    dynamo.on(UpdateCommand).rejects(conditionFailed(overItsLimit()));

    const answer = await list();

    expectError(answer, 429, 'rate_limited');
    expect(answer.headers['retry-after']).toBe('4');
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(1);
  });

  it('given the credential revoked (the mark changed, the session gone), when the listing is asked for, then 401 and no links', async () => {
    dynamo.on(UpdateCommand).rejectsOnce(conditionFailed(revoked())).resolves({});
    dynamo.on(QueryCommand).resolves({ Items: [linkToItem(aLink())] });

    const answer = await list();

    expectError(answer, 401, 'unauthorized');
    expect(answer.text).not.toContain('golang');
  });
});

describe('a listing spent from requests this instance claimed ahead', () => {
  const aliceMark = (mark: string) =>
    dynamo.on(GetCommand, { Key: aliceRateItem }).resolves({ Item: { [CREDENTIALS_MARK]: mark } });

  it('given the mark unchanged, when the listing is asked for, then the mark read beside the Query is the only other call', async () => {
    await givenAliceVerified(4);
    aliceMark('mark-1');
    dynamo.on(QueryCommand).resolves({ Items: [linkToItem(aLink(GOLANG))] });

    const answer = await list();

    expect(answer.status).toBe(200);
    expect(answer.text).toContain('golang');
    expect(calls().sort()).toEqual(['GetCommand', 'QueryCommand']);
    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input).toMatchObject({
      Key: aliceRateItem,
      ConsistentRead: true,
    });
  });

  it("given the credential revoked (the mark changed, the session gone), when the listing is asked for, then 401 and no links, with no write of the user's rate item", async () => {
    await givenAliceVerified(4);
    dynamo.on(GetCommand).resolves({});
    aliceMark('mark-2');
    dynamo.on(QueryCommand).resolves({ Items: [linkToItem(aLink(GOLANG))] });

    const answer = await list();

    expectError(answer, 401, 'unauthorized');
    expect(answer.text).not.toContain('golang');
    const writtenKeys = dynamo.commandCalls(UpdateCommand).map((call) => call.args[0].input.Key);
    expect(writtenKeys).not.toContainEqual(aliceRateItem);
  });
});

describe('an add by a credential this instance has verified', () => {
  it('given a new link, when it is added, then one TransactWriteItems, which holds the charge of the user rate item on the credentials mark, is the only call', async () => {
    dynamo.on(TransactWriteCommand).resolves({});

    expect((await add()).status).toBe(201);

    expect(calls()).toEqual(['TransactWriteCommand']);
    const [items] = transactItems();
    expect(items).toHaveLength(3);
    const charge = items![2]!.Update!;
    expect(charge.TableName).toBe(TABLES.users);
    expect(charge.Key).toEqual(aliceRateItem);
    expect(charge.ConditionExpression).toContain('#mark = :mark');
    expect(charge.ExpressionAttributeValues?.[':mark']).toBe('mark-1');
  });

  it('given the credential revoked, when a link is added, then 401, and the one transaction was cancelled: nothing changed', async () => {
    dynamo.on(TransactWriteCommand).rejects(chargeRefused(revoked()));

    expectError(await add(), 401, 'unauthorized');
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(1);
  });

  it('given the user over the limit, when a link is added, then 429 with Retry-After from the same transaction', async () => {
    dynamo.on(TransactWriteCommand).rejects(chargeRefused(overItsLimit()));

    const answer = await add();

    expectError(answer, 429, 'rate_limited');
    expect(answer.headers['retry-after']).toBe('4');
    expect(calls()).toEqual(['TransactWriteCommand']);
  });

  it('given the credential revoked and the link already there, when it is added, then 401, not the 409 that would show the link', async () => {
    const existing = linkToItem(aLink({ url: GOLANG.url, title: 'Mine' }));
    dynamo
      .on(TransactWriteCommand)
      .rejects(transactionCancelled(reason.conditionFailed(existing), reason.none, reason.none));
    dynamo.on(UpdateCommand).rejectsOnce(conditionFailed(revoked())).resolves({});

    const answer = await add();

    expectError(answer, 401, 'unauthorized');
    expect(answer.text).not.toContain('Mine');
  });

  it('given the link already there and the credential live, when it is added, then the 409 with the link, once the charge is made', async () => {
    const existing = linkToItem(aLink({ url: GOLANG.url, title: 'Mine' }));
    dynamo
      .on(TransactWriteCommand)
      .rejects(transactionCancelled(reason.conditionFailed(existing), reason.none, reason.none));

    const answer = await add();

    expectError(answer, 409, 'already_exists');
    expect(calls()).toEqual(['TransactWriteCommand', 'UpdateCommand']);
  });

  it('given an invalid request, when it is sent, then 400 once the caller is charged, with no transaction', async () => {
    expectError(await add({ url: 'not a url' }), 400, 'invalid_request');

    expect(calls()).toEqual(['UpdateCommand']);
  });

  it("given another of the user's credentials ended since (the mark changed, this session live), when a link is added, then it is looked up, charged, and the link added by a second transaction without the charge", async () => {
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(chargeRefused(rateItem(NOW * 1000, 'mark-2')))
      .resolves({});

    expect((await add()).status).toBe(201);

    // The lookup first; another one, to remember the credential anew, may come at any time after the charge.
    expect(calls()[1]).toBe('GetCommand');
    expect(calls().filter((name) => name !== 'GetCommand')).toEqual([
      'TransactWriteCommand',
      'UpdateCommand',
      'TransactWriteCommand',
    ]);
    expect(transactItems()[1]).toHaveLength(2);
  });

  it('given the limiter predicted the other write (the item idle, not busy), when a link is added, then the transaction is written again with the write that applies', async () => {
    const input = (n: number): TransactWriteCommandInput['TransactItems'] => transactItems()[n];
    dynamo
      .on(TransactWriteCommand)
      .rejectsOnce(chargeRefused(rateItem((NOW - 5000) * 1000, 'mark-1')))
      .resolves({});
    // A listing just before leaves the instance's last sight of the tat ahead of now: it predicts `advance`.
    dynamo
      .on(UpdateCommand)
      .resolves({ Attributes: { tat: (NOW + 500) * 1000, [CREDENTIALS_MARK]: 'mark-1' } });
    await list();
    dynamo.resetHistory();

    expect((await add()).status).toBe(201);

    expect(input(0)![2]!.Update!.UpdateExpression).toContain('#tat + :interval');
    expect(input(1)![2]!.Update!.UpdateExpression).toContain('#tat = :next');
  });
});

describe('an add with an Idempotency-Key: the answer kept within the same transaction', () => {
  const KEY = { 'Idempotency-Key': 'a1b2c3d4-transactional' };

  /** The record that a first keyed add wrote in its transaction, as the table now holds it. */
  async function aFirstAnswer() {
    dynamo.on(TransactWriteCommand).resolves({});
    const first = await add(GOLANG, KEY);
    const record = transactItems()[0]![3]!.Put!.Item!;
    dynamo.resetHistory();
    return { first, record };
  }

  it('given a new key, when a link is added, then the completed record, with the sealed answer, is one more item of the one transaction', async () => {
    const { first, record } = await aFirstAnswer();

    expect(first.status).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(record).toMatchObject({ status: 'COMPLETED', data: { sealed: expect.any(String) } });
    expect(record.id).toMatch(/^IDEMPOTENCY#addLink#/);
    expect(record.validation).toEqual(expect.any(String));
    expect(JSON.stringify(record)).not.toContain('golang');
    expect(idempotencyTable.writes()).toBe(0);
  });

  it('given a first answer, when a retry with the key meets its record in the transaction, then that answer is replayed, once the caller is charged', async () => {
    const { first, record } = await aFirstAnswer();
    const link = linkToItem(aLink({ url: GOLANG.url }));
    dynamo
      .on(TransactWriteCommand)
      .rejects(
        transactionCancelled(
          reason.conditionFailed(link),
          reason.none,
          reason.none,
          reason.conditionFailed(record),
        ),
      );

    const retry = await add(GOLANG, KEY);

    expect(retry.status).toBe(201);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(calls()).toEqual(['TransactWriteCommand', 'UpdateCommand']);
  });

  it('given a first answer, when the key comes with another body, then 422 idempotency_key_reused', async () => {
    const { record } = await aFirstAnswer();
    dynamo
      .on(TransactWriteCommand)
      .rejects(transactionCancelled(reason.none, reason.none, reason.none, reason.conditionFailed(record)));

    expectError(await add({ ...GOLANG, title: 'Another' }, KEY), 422, 'idempotency_key_reused');
  });

  it('given an answer decided before any transaction (400), when it is retried with the key, then it was kept by a conditional put alone, and is replayed', async () => {
    const invalid = { url: 'not a url' };

    const first = await add(invalid, KEY);
    const retry = await add(invalid, KEY);

    expectError(first, 400, 'invalid_request');
    expect(retry.body).toEqual(first.body);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect([...idempotencyTable.items.values()]).toMatchObject([{ status: 'COMPLETED' }]);
    expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
  });
});
