import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { RateLimited, Unauthorized } from '../../../shared/errors.ts';
import { Admission } from '../../../shared/http/admission.ts';
import { RateLimiter } from '../../../shared/http/rate-limit.ts';
import { DynamoRateLimitStore } from '../../../shared/http/rate-limit-store.ts';
import { CREDENTIALS_MARK, rateItemKey, rateKeyForUser } from '../../../shared/rate-keys.ts';
import { credentialToLookupItem, DynamoCredentialStore } from '../../../shared/users/dynamodb.ts';
import type { UserStore } from '../../../shared/users/ports.ts';
import { hashToken, Sessions } from '../../../shared/users/sessions.ts';
import { aSession } from '../../support/builders.ts';
import { conditionFailed, useMockedDynamo } from '../support/dynamo.ts';

const TABLE = 'users-table';
const TOKEN = 'dlk_admission-test-token';
const NOW = Date.parse('2026-11-24T09:00:00.000Z');
const { dynamo, db } = useMockedDynamo();

const aliceRateItem = rateItemKey(rateKeyForUser('alice'));

/**
 * The gate's admission over the real DynamoDB adapters and a mocked client; time is `clock.now`. Each write claims
 * `tokensPerClaim` requests (the limiter's own default unless given).
 */
function anAdmission({ tokensPerClaim }: { tokensPerClaim?: number } = {}) {
  const clock = { now: NOW };
  const sessions = new Sessions(
    new DynamoCredentialStore(TABLE, db),
    {} as UserStore,
    { lifetimeDays: 30, maxSessionsPerUser: 20 },
    () => new Date(clock.now),
  );
  const limiter = new RateLimiter(
    new DynamoRateLimitStore(TABLE, db),
    { perSecond: 12, burst: 80, tokensPerClaim },
    () => clock.now,
  );
  return {
    admission: new Admission(
      sessions,
      limiter,
      () => clock.now,
      () => 'mark-1',
    ),
    clock,
  };
}

function givenAlicesSession(overrides = {}) {
  const session = aSession({
    token_hash: hashToken(TOKEN),
    last_used_at: new Date(NOW).toISOString(),
    expires_at: '2026-11-25T09:00:00.000Z',
    ...overrides,
  });
  dynamo.on(GetCommand).resolves({ Item: credentialToLookupItem(session) });
  givenAlicesMark('mark-1');
  dynamo.on(UpdateCommand).resolves({ Attributes: { tat: NOW * 1000, [CREDENTIALS_MARK]: 'mark-1' } });
  return session;
}

/** What a read of alice's rate item finds: her credentials mark. */
function givenAlicesMark(mark: string) {
  dynamo.on(GetCommand, { Key: aliceRateItem }).resolves({ Item: { [CREDENTIALS_MARK]: mark } });
}

/** The lookups of alice's credential made so far (not the reads of her rate item). */
const lookups = () =>
  dynamo.commandCalls(GetCommand).filter((call) => call.args[0].input.Key?.['pk'] !== aliceRateItem.pk);

/** Admits once, then waits until the instance has remembered the credential (its confirming lookup). */
async function admittedOnce(admission: Admission) {
  await admission.admit(TOKEN);
  await expect.poll(() => lookups().length).toBe(2);
  await new Promise((resolve) => setImmediate(resolve));
  dynamo.resetHistory();
}

const calls = () => dynamo.calls().map((call) => call.args[0].constructor.name);

describe('admitting a request in one round trip', () => {
  it('given a session this instance has verified and requests it has claimed, when a request comes, then one consistent read of the user rate item, for its credentials mark, is the only call', async () => {
    givenAlicesSession();
    const { admission } = anAdmission();
    await admittedOnce(admission);

    const identity = await admission.admit(TOKEN);

    expect(identity).toMatchObject({ username: 'alice', scope: 'session' });
    expect(calls()).toEqual(['GetCommand']);
    const read = dynamo.commandCalls(GetCommand)[0]!.args[0].input;
    expect(read).toMatchObject({ Key: aliceRateItem, ConsistentRead: true });
  });

  it('given a session this instance has verified and its claimed requests spent, when a request comes, then one conditional write of the user rate item, on condition of the credentials mark, is the only call', async () => {
    givenAlicesSession();
    const { admission } = anAdmission({ tokensPerClaim: 4 });
    await admittedOnce(admission);
    for (let spent = 0; spent < 3; spent++) await admission.admit(TOKEN);
    dynamo.resetHistory();

    const identity = await admission.admit(TOKEN);

    expect(identity).toMatchObject({ username: 'alice', scope: 'session' });
    expect(calls()).toEqual(['UpdateCommand']);
    const update = dynamo.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(update.Key).toEqual(aliceRateItem);
    expect(update.ConditionExpression).toContain('#mark = :mark');
    expect(update.ExpressionAttributeValues?.[':mark']).toBe('mark-1');
  });

  it("given a session new to this instance, when a request comes, then the lookup and the charge that gives the user's item a mark, and one more lookup before remembering it", async () => {
    givenAlicesSession();
    const { admission } = anAdmission();

    await admission.admit(TOKEN);

    await expect.poll(() => lookups().length).toBe(2);
    expect(calls().slice(0, 2)).toEqual(['GetCommand', 'UpdateCommand']);
    expect(dynamo.commandCalls(UpdateCommand)[0]!.args[0].input.UpdateExpression).toContain(
      '#mark = if_not_exists(#mark, :mark)',
    );
  });

  it('given a remembered session that was revoked (the mark changed, the session gone), when a request comes while the instance holds claimed requests, then the mark read refuses it: 401', async () => {
    givenAlicesSession();
    const { admission } = anAdmission();
    await admittedOnce(admission);
    dynamo.on(GetCommand).resolves({});
    givenAlicesMark('mark-2');

    await expect(admission.admit(TOKEN)).rejects.toBeInstanceOf(Unauthorized);
    expect(calls()).toEqual(['GetCommand', 'GetCommand']);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('given a remembered session that was revoked, when a request comes with one write per request, then the conditional write refuses it: 401', async () => {
    givenAlicesSession();
    const { admission } = anAdmission({ tokensPerClaim: 1 });
    await admittedOnce(admission);
    dynamo
      .on(UpdateCommand)
      .rejects(conditionFailed({ ...aliceRateItem, tat: NOW * 1000, [CREDENTIALS_MARK]: 'mark-2' }));
    dynamo.on(GetCommand).resolves({});

    await expect(admission.admit(TOKEN)).rejects.toBeInstanceOf(Unauthorized);
    expect(calls()).toEqual(['UpdateCommand', 'GetCommand']);
  });

  it('given a remembered session that has expired since, when a request comes, then 401 from its lookup', async () => {
    givenAlicesSession({ expires_at: new Date(NOW + 1000).toISOString() });
    const { admission, clock } = anAdmission();
    await admittedOnce(admission);
    clock.now = NOW + 2000;

    await expect(admission.admit(TOKEN)).rejects.toBeInstanceOf(Unauthorized);
    expect(calls()).toEqual(['GetCommand']);
    expect(lookups()).toHaveLength(1);
  });

  it('given an unknown token, when a request comes, then 401 and no rate item of any user is written', async () => {
    dynamo.on(GetCommand).resolves({});
    const { admission } = anAdmission();

    await expect(admission.admit(TOKEN)).rejects.toBeInstanceOf(Unauthorized);
    expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
  });

  it('given a remembered session whose user is over the limit, when a request comes with one write per request, then 429 with Retry-After from that one call', async () => {
    givenAlicesSession();
    const { admission } = anAdmission({ tokensPerClaim: 1 });
    await admittedOnce(admission);
    const tooFarAhead = (NOW + 10_000) * 1000;
    dynamo
      .on(UpdateCommand)
      .rejects(conditionFailed({ ...aliceRateItem, tat: tooFarAhead, [CREDENTIALS_MARK]: 'mark-1' }));

    const refusal = await admission.admit(TOKEN).catch((error: unknown) => error);

    expect(refusal).toBeInstanceOf(RateLimited);
    expect((refusal as RateLimited).retryAfterSeconds).toBe(4);
    expect(calls()).toEqual(['UpdateCommand']);
  });
});
