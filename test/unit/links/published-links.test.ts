import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchGetCommand, DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DocumentClient } from '../../../shared/aws/dynamodb.ts';
import { PublishedLinks } from '../../../shared/links/published.ts';
import { LinkVisibilityForNews } from '../../../shared/links/visibility-for-news.ts';
import { linkKey, linkToItem, PUBLIC_LINKS } from '../../../shared/links/table.ts';
import { linkRevision } from '../../../shared/news/model.ts';
import { aLink } from '../../support/builders.ts';

/** The document client is mocked as in dynamo-link-store.test.ts: every instance's commands are intercepted. */
const dynamo = mockClient(DynamoDBDocumentClient);
let published: PublishedLinks;
let visibility: LinkVisibilityForNews;

beforeEach(() => {
  dynamo.reset();
  published = new PublishedLinks('links-table', new DocumentClient(new DynamoDBClient({})));
  visibility = new LinkVisibilityForNews('links-table', new DocumentClient(new DynamoDBClient({})));
});
afterAll(() => dynamo.restore());

const at = (minute: number) => `2026-11-23T18:${String(minute).padStart(2, '0')}:00.000Z`;

describe('PublishedLinks.recentPublic: what the news context reads of an author', () => {
  it('given public links, when read, then one strongly consistent Query of byPublic, newest published first, as the news port takes them', async () => {
    const newest = aLink({
      username: 'bob',
      url: 'https://a.example/',
      title: 'A',
      created_at: at(5),
      version: 3,
    });
    const older = aLink({
      username: 'bob',
      url: 'https://c.example/',
      title: 'C',
      created_at: at(3),
      published_at: at(4),
    });
    dynamo.on(QueryCommand).resolves({ Items: [linkToItem(newest), linkToItem(older)] });

    expect(await published.recentPublic('bob', 2)).toEqual([
      { url: newest.url, title: 'A', publishedAt: at(5), revision: linkRevision(at(5), 3) },
      { url: older.url, title: 'C', publishedAt: at(4), revision: linkRevision(at(3), 1) },
    ]);
    const queries = dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(queries).toHaveLength(1);
    expect(queries[0]).toMatchObject({
      IndexName: PUBLIC_LINKS,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'USER#bob' },
      ScanIndexForward: false,
      ConsistentRead: true,
      Limit: 2,
    });
    expect(queries[0]!.ExclusiveStartKey).toBeUndefined();
  });

  it('given an author with no public links, when read, then none', async () => {
    dynamo.on(QueryCommand).resolves({ Items: [] });

    expect(await published.recentPublic('bob', 20)).toEqual([]);
  });
});

describe('LinkVisibilityForNews.publicOf: which links of a news page are public now', () => {
  it('given a public, a private and a missing link, when asked, then one consistent BatchGetItem and only the public one', async () => {
    const shown = aLink({ username: 'bob', url: 'https://shown.example/' });
    const hidden = aLink({ username: 'bob', url: 'https://hidden.example/', private: true });
    dynamo
      .on(BatchGetCommand)
      .resolves({ Responses: { 'links-table': [linkToItem(shown), linkToItem(hidden)] } });

    const asked = [
      { author: 'bob', url: shown.url },
      { author: 'bob', url: hidden.url },
      { author: 'cat', url: 'https://gone.example/' },
    ];
    expect(await visibility.publicOf(asked)).toEqual([{ author: 'bob', url: shown.url }]);

    const calls = dynamo.commandCalls(BatchGetCommand).map((call) => call.args[0].input);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.RequestItems!['links-table']).toMatchObject({
      ConsistentRead: true,
      Keys: asked.map((link) => linkKey(link.author, link.url)),
    });
  });

  it('given one link under two spellings of its URL, when asked, then its key is asked once and both spellings answer', async () => {
    const link = aLink({ username: 'bob', url: 'https://Go.dev/doc' });
    dynamo.on(BatchGetCommand).resolves({ Responses: { 'links-table': [linkToItem(link)] } });

    const asked = [
      { author: 'bob', url: 'https://Go.dev/doc' },
      { author: 'bob', url: 'https://go.dev:443/doc#intro' },
    ];
    expect(await visibility.publicOf(asked)).toEqual(asked);

    const keys = dynamo.commandCalls(BatchGetCommand)[0]!.args[0].input.RequestItems!['links-table']!.Keys;
    expect(keys).toEqual([linkKey('bob', link.url)]);
  });
});
