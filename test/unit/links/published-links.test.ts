import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DocumentClient } from '../../../shared/aws/dynamodb.ts';
import { PublishedLinks } from '../../../shared/links/published.ts';
import { linkToItem, PUBLIC_LINKS } from '../../../shared/links/table.ts';
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
