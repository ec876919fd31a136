import { BatchGetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoPublicLinkIndex } from '../../../shared/links/public-index.ts';
import { linkToItem, PUBLIC_LINKS } from '../../../shared/links/table.ts';
import { aLink } from '../../support/builders.ts';
import { useMockedDynamo } from '../support/dynamo.ts';

const { dynamo, db } = useMockedDynamo();
const index = () => new DynamoPublicLinkIndex('links-table', db);

const at = (minute: number) => `2026-11-23T18:${String(minute).padStart(2, '0')}:00.000Z`;

describe('DynamoPublicLinkIndex: the byPublic index and the consistent read that confirms it', () => {
  it('given a page asked for after a position, then one Query of the sparse index, newest first, resuming at its keys', async () => {
    const link = aLink({ username: 'bob', url: 'https://a.example/', created_at: at(1) });
    dynamo.on(QueryCommand).resolves({ Items: [linkToItem(link)], LastEvaluatedKey: { pk: 'x' } });

    const page = await index().newestPublic('bob', { published_at: at(5), url: 'https://z.example/' }, 3);

    expect(page).toEqual({ links: [link], hasMore: true });
    const [query] = dynamo.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(query).toMatchObject({
      IndexName: PUBLIC_LINKS,
      KeyConditionExpression: 'public_pk = :pk',
      ExpressionAttributeValues: { ':pk': 'USER#bob' },
      ScanIndexForward: false,
      Limit: 3,
      ExclusiveStartKey: {
        pk: 'USER#bob',
        public_pk: 'USER#bob',
        public_created: expect.stringMatching(new RegExp(`^${at(5)}#`)),
      },
    });
  });

  it('given index copies of links made private, deleted or re-published since, when confirmed, then only those unchanged remain, read consistently', async () => {
    const kept = aLink({ username: 'bob', url: 'https://kept.example/', created_at: at(1) });
    const madePrivate = aLink({ username: 'bob', url: 'https://private.example/', created_at: at(2) });
    const deleted = aLink({ username: 'bob', url: 'https://deleted.example/', created_at: at(3) });
    const republished = aLink({ username: 'bob', url: 'https://again.example/', created_at: at(4) });
    const { published_at: _published, ...privateNow } = madePrivate;
    dynamo.on(BatchGetCommand).resolves({
      Responses: {
        'links-table': [
          linkToItem({ ...kept, title: 'Edited' }),
          linkToItem({ ...privateNow, private: true }),
          linkToItem({ ...republished, published_at: at(9) }),
        ],
      },
    });

    const confirmed = await index().stillPublic([republished, deleted, madePrivate, kept]);

    expect(confirmed).toEqual([{ ...kept, title: 'Edited' }]);
    const [read] = dynamo.commandCalls(BatchGetCommand).map((call) => call.args[0].input);
    expect(read?.RequestItems?.['links-table']?.ConsistentRead).toBe(true);
    expect(read?.RequestItems?.['links-table']?.Keys).toHaveLength(4);
  });

  it('given keys left unprocessed, when confirmed, then they are asked for again', async () => {
    const link = aLink({ username: 'bob', url: 'https://a.example/' });
    dynamo
      .on(BatchGetCommand)
      .resolvesOnce({
        Responses: { 'links-table': [] },
        UnprocessedKeys: { 'links-table': { Keys: [{ pk: 'p' }] } },
      })
      .resolves({ Responses: { 'links-table': [linkToItem(link)] } });

    expect(await index().stillPublic([link])).toEqual([link]);
    expect(dynamo.commandCalls(BatchGetCommand)).toHaveLength(2);
  });
});
