import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { documentClient } from '../../shared/aws/dynamodb.ts';
import { userKey } from '../../shared/users/dynamodb.ts';
import { eventually } from '../support/eventually.ts';
import { ApiClient } from '../support/runtime.ts';
import { aUsername, expectError, expectJson, useRuntime } from './helpers.ts';

interface Profile {
  followers_count: number;
  following_count: number;
  links_count: number;
}
interface NewsPage {
  events: { username: string; url: string }[];
}

const runtime = useRuntime();

/** Whether the erasure's last step, the profile's delete, has run. */
async function profileStored(username: string): Promise<boolean> {
  const { Item } = await documentClient().send(
    new GetCommand({ TableName: process.env.USERS_TABLE!, Key: userKey(username), ConsistentRead: true }),
  );
  return Item !== undefined;
}

describe('deleting an account, as a follower sees it', () => {
  it('given dora and fan follow each other and fan reads her link, when dora deletes her account, then she is gone at once for fan, her session and personal tokens die, and once erased fan has no trace of her; she may sign up afresh', async () => {
    const dora = aUsername('dora');
    const fanName = aUsername('fan');
    const doraClient = await ApiClient.loggedIn(runtime.url, dora);
    const fan = await ApiClient.loggedIn(runtime.url, fanName);
    expect((await fan.post('/v1/following', { username: dora })).status).toBe(201);
    expect((await doraClient.post('/v1/following', { username: fanName })).status).toBe(201);
    expect((await doraClient.post('/v1/links', { url: 'https://go.dev/', title: 'Go' })).status).toBe(201);
    const script = expectJson<{ token: string }>(
      await doraClient.post('/v1/tokens', { name: 'backup script', scope: 'read' }),
      201,
    );
    await eventually(
      async () => (await fan.get<NewsPage>('/v1/news')).body,
      (news) => news.events.some((event) => event.username === dora),
    );

    const answer = await doraClient.delete('/v1/me', { confirm: dora });

    expect(expectJson(answer, 202)).toEqual({ status: 'deleting' });
    expectError(await doraClient.get('/v1/me'), 401, 'unauthorized');
    expectError(await new ApiClient(runtime.url, script.token).get('/v1/links'), 401, 'unauthorized');
    expectError(await fan.get(`/v1/users/${dora}`), 404, 'not_found');
    expectError(await fan.post('/v1/following', { username: dora }), 404, 'not_found');
    const counts = await eventually(
      async () => (await fan.get<Profile>('/v1/me')).body,
      (profile) => profile.followers_count === 0 && profile.following_count === 0,
    );
    expect(counts).toMatchObject({ followers_count: 0, following_count: 0 });
    const news = await eventually(
      async () => (await fan.get<NewsPage>('/v1/news')).body,
      (page) => page.events.every((event) => event.username !== dora),
    );
    expect(news.events.filter((event) => event.username === dora)).toEqual([]);
    expect(
      await eventually(
        () => profileStored(dora),
        (stored) => !stored,
      ),
    ).toBe(false);
    expectError(await fan.get(`/v1/users/${dora}`), 404, 'not_found');

    const again = await ApiClient.loggedIn(runtime.url, dora);
    expect((await again.get<Profile>('/v1/me')).body).toMatchObject({
      links_count: 0,
      followers_count: 0,
      following_count: 0,
    });
    expect((await again.get<{ links: unknown[] }>('/v1/links')).body.links).toEqual([]);
  });

  it("given a confirm that is not the caller's username, when they delete, then 400 naming confirm and the account stays", async () => {
    const name = aUsername('ivy');
    const ivy = await ApiClient.loggedIn(runtime.url, name);

    const body = expectError(
      await ivy.delete('/v1/me', { confirm: 'somebody-else' }),
      400,
      'invalid_request',
    );

    expect(Object.keys(body.error.details ?? {})).toEqual(['confirm']);
    expect((await ivy.get('/v1/me')).status).toBe(200);
  });
});
