import { GetCommand } from '@aws-sdk/lib-dynamodb';
import type { Runtime } from '../local/runtime.ts';
import { documentClient } from '../shared/aws/dynamodb.ts';
import { userKey } from '../shared/users/dynamodb.ts';
import { rawDelete, seedAccount, tracesOf, type AccountSizes } from '../test/support/erasure-world.ts';
import { time } from './stats.ts';

/**
 * Deleting an account on the local runtime, pollers on: DELETE /v1/me for a user with `sizes` (10,000 links and
 * 1,000 followers by default), timed until the erasure is done (the profile, its last step, is gone), against
 * BatchWriteItem deletes (and one DeleteObjects) of the same items, found beforehand, on the same engines in the
 * same run. Between the two the runtime is left to go quiet (the links stream's 10,000 deletions).
 */

const sleep = (ms: number) => new Promise<void>((done) => setTimeout(done, ms));

/** Waits until the process's DynamoDB calls (the pollers' handlers run in it) stop for two seconds. */
async function quiet(calls: () => number): Promise<void> {
  for (let last = -1, still = 0; still < 4;) {
    await sleep(500);
    const now = calls();
    still = now === last ? still + 1 : 0;
    last = now;
  }
}

async function profileExists(username: string): Promise<boolean> {
  const { Item } = await documentClient().send(
    new GetCommand({
      TableName: process.env.USERS_TABLE!,
      Key: userKey(username),
      ConsistentRead: true,
    }),
  );
  return Item !== undefined;
}

export async function benchErasure(runtime: Runtime, sizes: AccountSizes): Promise<void> {
  let calls = 0;
  documentClient().middlewareStack.add(
    (next) => async (args) => {
      calls++;
      return next(args);
    },
    { step: 'initialize', name: 'benchCountErasureCalls' },
  );
  console.log(
    `\nDeleting an account: ${sizes.links} links, ${sizes.followers} followers, following ` +
      `${sizes.following}, ${sizes.snapshots} snapshots`,
  );

  const settle = () => quiet(() => calls);
  await seedAccount('bench-raw', sizes, { githubId: 1 });
  await settle();
  const traces = await tracesOf('bench-raw');
  const raw = await time(() => rawDelete('bench-raw', traces));
  console.log(`  raw BatchWriteItem of the same ${traces.items.length} items: ${raw.toFixed(0)} ms`);
  await quiet(() => calls);

  await seedAccount('bench-erased', sizes, { githubId: 2, marked: false });
  const login = await fetch(`${runtime.url}/dev/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'bench-erased' }),
  });
  const { access_token: token } = (await login.json()) as { access_token: string };
  await quiet(() => calls);
  const erasure = await time(async () => {
    const response = await fetch(`${runtime.url}/v1/me`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ confirm: 'bench-erased' }),
    });
    if (response.status !== 202) throw new Error(`DELETE /v1/me answered ${response.status}`);
    while (await profileExists('bench-erased')) await sleep(50);
  });
  const left = await tracesOf('bench-erased');
  console.log(`  DELETE /v1/me until the erasure is done:  ${erasure.toFixed(0)} ms`);
  console.log(`  ratio: ${(erasure / raw).toFixed(2)} (target at most 3)`);
  console.log(`  left of the erased account: ${left.items.length} items, ${left.snapshots} snapshots`);
  await quiet(() => calls);
}
