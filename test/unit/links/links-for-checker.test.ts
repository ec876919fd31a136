import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { DocumentClient } from '../../../shared/aws/dynamodb.ts';
import { LINK_CHECK_ATTRIBUTES, STALE_LINK_SCAN_ATTRIBUTES } from '../../../shared/links/checks.ts';
import { LinksForChecker } from '../../../shared/links/for-checker.ts';
import { linkToItem } from '../../../shared/links/table.ts';
import { aLink } from '../../support/builders.ts';
import { attributesNamed, conditionFailed } from '../support/dynamo.ts';

/** The document client is mocked as in dynamo-link-store.test.ts: every instance's commands are intercepted. */
const dynamo = mockClient(DynamoDBDocumentClient);
const TABLE = 'links-table';
let store: LinksForChecker;

beforeEach(() => {
  dynamo.reset();
  store = new LinksForChecker(TABLE, new DocumentClient(new DynamoDBClient({})));
});
afterAll(() => dynamo.restore());

const link = aLink({ username: 'alice', url: 'https://golang.org/', title: 'Golang' });

describe('LinksForChecker.get', () => {
  it('given a stored link, when the checker reads it, then with a consistent read, mapped back to the domain', async () => {
    dynamo.on(GetCommand).resolves({ Item: linkToItem(link) });

    expect(await store.get('alice', link.url)).toEqual(link);
    expect(dynamo.commandCalls(GetCommand)[0]!.args[0].input.ConsistentRead).toBe(true);
  });
});

/**
 * The link checker's and the daily re-check's grants name the attributes they may touch (shared/wiring.ts, proved
 * on the template by test/infra/permissions.test.ts); these show that the adapter stays within them.
 */
describe("LinksForChecker, within the link checker's grants", () => {
  const record = {
    status: 'valid' as const,
    httpStatus: 200,
    checkedAt: '2026-01-02T03:04:05.000Z',
    reason: 'HTTP 200',
    title: 'Golang',
  };
  const KEYS = ['pk', 'sk'];

  it("given a check with a title, when recorded, then each update names only the check's attributes and asks nothing back", async () => {
    dynamo.on(UpdateCommand).rejectsOnce(conditionFailed()).resolves({});
    dynamo.on(GetCommand).resolves({ Item: linkToItem({ ...link, title: 'Taken' }) });

    await store.recordCheck('alice', link.url, record);

    const updates = dynamo.commandCalls(UpdateCommand).map((c) => c.args[0].input);
    expect(updates).toHaveLength(2);
    for (const update of updates) {
      for (const attribute of attributesNamed(update)) {
        expect([...KEYS, ...LINK_CHECK_ATTRIBUTES]).toContain(attribute);
      }
      expect(update.ReturnValues ?? 'NONE').toBe('NONE');
      expect(update.ReturnValuesOnConditionCheckFailure).toBeUndefined();
    }
    expect(attributesNamed(updates[0]!)).toEqual(new Set(['pk', ...LINK_CHECK_ATTRIBUTES]));
  });

  it('given links due for a check, when scanned, then the Scan asks for specific attributes, only those it may see', async () => {
    dynamo.on(ScanCommand).resolves({ Items: [{ username: 'alice', url: link.url }] });

    const pages = [];
    for await (const page of store.staleLinks({ checkedBefore: 'b', uncheckedCreatedBefore: 'c' }))
      pages.push(page);

    expect(pages).toEqual([[{ username: 'alice', url: link.url }]]);
    const scan = dynamo.commandCalls(ScanCommand)[0]!.args[0].input;
    expect(scan.Select).toBe('SPECIFIC_ATTRIBUTES');
    for (const attribute of attributesNamed(scan)) {
      expect([...KEYS, ...STALE_LINK_SCAN_ATTRIBUTES]).toContain(attribute);
    }
    expect(attributesNamed(scan)).toEqual(new Set(['sk', ...STALE_LINK_SCAN_ATTRIBUTES]));
  });
});
