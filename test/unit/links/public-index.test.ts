import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoPublicLinkIndex } from '../../../shared/links/public-index.ts';
import { linkToItem, PUBLIC_LINKS } from '../../../shared/links/table.ts';
import { aLink } from '../../support/builders.ts';
import { useMockedDynamo } from '../support/dynamo.ts';

const { dynamo, db } = useMockedDynamo();
const index = () => new DynamoPublicLinkIndex('links-table', db);

const at = (minute: number) => `2026-11-23T18:${String(minute).padStart(2, '0')}:00.000Z`;

describe('DynamoPublicLinkIndex: the byPublic local index', () => {
  it('given a page asked for after a position, then one strongly consistent Query of the sparse index, newest first, resuming at its keys', async () => {
    const link = aLink({ username: 'bob', url: 'https://a.example/', created_at: at(1) });
    dynamo.on(QueryCommand).resolves({ Items: [linkToItem(link)], LastEvaluatedKey: { pk: 'x' } });

    const page = await index().newestPublic('bob', { published_at: at(5), url: 'https://z.example/' }, 3);

    expect(page).toEqual({ links: [link], hasMore: true });
    const queries = dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(queries).toHaveLength(1);
    expect(queries[0]).toEqual({
      TableName: 'links-table',
      IndexName: PUBLIC_LINKS,
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': 'USER#bob' },
      ScanIndexForward: false,
      ConsistentRead: true,
      Limit: 3,
      ExclusiveStartKey: {
        pk: 'USER#bob',
        sk: expect.stringMatching(/^LINK#/),
        public_created: expect.stringMatching(new RegExp(`^${at(5)}#`)),
      },
    });
  });

  it('given the last page, when read from the start, then no start key and no more pages', async () => {
    const link = aLink({ username: 'bob', url: 'https://a.example/', created_at: at(1) });
    dynamo.on(QueryCommand).resolves({ Items: [linkToItem(link)] });

    const page = await index().newestPublic('bob', undefined, 3);

    expect(page).toEqual({ links: [link], hasMore: false });
    const [query] = dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(query?.ExclusiveStartKey).toBeUndefined();
  });
});
