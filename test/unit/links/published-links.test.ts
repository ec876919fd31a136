import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DocumentClient } from '../../../shared/aws/dynamodb.ts';
import { PublishedLinks } from '../../../shared/links/published.ts';
import { linkKey, linkToItem } from '../../../shared/links/table.ts';
import { linkRevision } from '../../../shared/news/model.ts';
import { aLink } from '../../support/builders.ts';

/** The document client is mocked as in dynamo-link-store.test.ts: every instance's commands are intercepted. */
const dynamo = mockClient(DynamoDBDocumentClient);
let published: PublishedLinks;

beforeEach(() => {
  dynamo.reset();
  published = new PublishedLinks('links-table', new DocumentClient(new DynamoDBClient({})));
});
afterAll(() => dynamo.restore());

const at = (minute: number) => `2026-11-23T18:${String(minute).padStart(2, '0')}:00.000Z`;

describe('PublishedLinks.recentPublic: what the news context reads of an author', () => {
  it('given public and private links over two pages, when read, then the newest public ones, as the news port takes them', async () => {
    const newest = aLink({
      username: 'bob',
      url: 'https://a.example/',
      title: 'A',
      created_at: at(5),
      version: 3,
    });
    const hidden = aLink({ username: 'bob', url: 'https://b.example/', created_at: at(4), private: true });
    const older = aLink({
      username: 'bob',
      url: 'https://c.example/',
      title: 'C',
      created_at: at(3),
      published_at: at(4),
    });
    dynamo
      .on(QueryCommand)
      .resolvesOnce({ Items: [linkToItem(newest), linkToItem(hidden)], LastEvaluatedKey: { pk: 'USER#bob' } })
      .resolves({ Items: [linkToItem(older)] });

    expect(await published.recentPublic('bob', 2)).toEqual([
      { url: newest.url, title: 'A', publishedAt: at(5), revision: linkRevision(at(5), 3) },
      { url: older.url, title: 'C', publishedAt: at(4), revision: linkRevision(at(3), 1) },
    ]);
    const queries = dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(queries).toHaveLength(2);
    expect(queries[0]).toMatchObject({ IndexName: 'byCreated', ScanIndexForward: false, Limit: 4 });
    expect(queries[1]!.ExclusiveStartKey).toEqual({
      ...linkKey('bob', hidden.url),
      created: linkToItem(hidden).created,
    });
  });

  it('given only private links, when read, then none, after looking at no more than ten times the count', async () => {
    const privateLink = aLink({ username: 'bob', private: true });
    dynamo.on(QueryCommand).resolves({
      Items: [linkToItem(privateLink), linkToItem(privateLink)],
      LastEvaluatedKey: { pk: 'USER#bob' },
    });

    expect(await published.recentPublic('bob', 1)).toEqual([]);
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(5);
  });
});
