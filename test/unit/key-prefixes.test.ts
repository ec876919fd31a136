import { describe, expect, it } from 'vitest';
import { keyPrefixes } from '../../shared/keys.ts';
import { countersKey, linkToItem } from '../../shared/links/table.ts';
import { slotEntryToItem } from '../../shared/news/dynamodb.ts';
import { linkEvent, linkRevision } from '../../shared/news/model.ts';
import { edgeKey, followToItem } from '../../shared/social/dynamodb.ts';
import { rateKey } from '../../shared/http/rate-limit-store.ts';
import { identityKey, loginStateKey, sessionKey, userKey } from '../../shared/users/dynamodb.ts';
import {
  ITEM_CALLS,
  functions,
  idempotencyKeyPrefixOf,
  reachProblems,
  tables,
  type FunctionName,
  type TableName,
  type TableReach,
} from '../../shared/wiring.ts';
import { aLink } from '../support/builders.ts';

/**
 * IAM's dynamodb:LeadingKeys sees only partition keys: the grants in the wiring reach the right items only if every
 * item the adapters write starts with a declared prefix of its table, and no prefix of a table starts another.
 */
describe('the key prefixes that the adapters build and the wiring grants', () => {
  const startsWithOneOf = (table: TableName, pk: string) =>
    Object.values(keyPrefixes[table]).filter((prefix) => pk.startsWith(prefix));

  it('given the key prefixes, then they name exactly the tables of the wiring', () => {
    expect(Object.keys(keyPrefixes).sort()).toEqual(Object.keys(tables).sort());
  });

  it('given each table, then none of its prefixes starts another, so that a grant on one never reaches the other', () => {
    for (const table of Object.keys(keyPrefixes) as TableName[]) {
      const prefixes = Object.values(keyPrefixes[table]) as string[];
      for (const a of prefixes) {
        expect(
          prefixes.filter((b) => b.startsWith(a)),
          `${table}: ${a}`,
        ).toEqual([a]);
      }
    }
  });

  it('given every kind of item the adapters write, then its partition key starts with exactly one prefix of its table', () => {
    const link = aLink({ username: 'alice' });
    const items: [TableName, string][] = [
      ['users', userKey('alice').pk],
      ['users', sessionKey('hash').pk],
      ['users', identityKey(42).pk],
      ['users', loginStateKey('hash').pk],
      ['users', rateKey('hash').pk],
      ['links', linkToItem(link).pk],
      ['links', countersKey('alice').pk],
      ['social', edgeKey('alice', 'bob').pk],
      // Powertools Idempotency's record id: the function's prefix, '#', the hash of the caller and the key.
      ['idempotency', `${idempotencyKeyPrefixOf('addLink')}#c2hhMjU2`],
      ['social', followToItem({ follower: 'alice', followed: 'bob', since: '2026-01-01T00:00:00.000Z' }).pk],
      [
        'feeds',
        slotEntryToItem({
          reader: 'bob',
          author: 'alice',
          url: link.url,
          slot: 'added',
          event: linkEvent('link_added', 'alice', link.url, link.title, link.created_at),
          revision: linkRevision(link.created_at, 1),
          followedSince: link.created_at,
          order: 'order',
          expiresAtEpoch: 1,
        }).pk,
      ],
    ];

    for (const [table, pk] of items) expect(startsWithOneOf(table, pk), `${table}: ${pk}`).toHaveLength(1);
  });

  it.each(Object.keys(functions) as FunctionName[])(
    'given the reach of %s, then it names only declared prefixes of each table and can be granted as it says',
    (name) => {
      for (const [table, reach] of Object.entries(functions[name].tables) as [TableName, TableReach][]) {
        expect(reachProblems(reach)).toEqual([]);
        for (const call of ITEM_CALLS) {
          for (const prefix of reach[call] ?? []) {
            expect(Object.values(keyPrefixes[table]), `${name} ${call} ${table}`).toContain(prefix);
          }
        }
      }
    },
  );

  it('given a reach that limits updates to some attributes, then it may not also put or delete whole items', () => {
    expect(reachProblems({ update: ['USER#'], updatedAttributes: ['status'], put: ['USER#'] })).toEqual([
      'updatedAttributes with put, which replaces whole items',
    ]);
    expect(reachProblems({ updatedAttributes: ['status'] })).toEqual(['updatedAttributes without update']);
    expect(reachProblems({ read: ['USER#*'] })).toEqual(['read: "USER#*" is not a key prefix']);
  });
});
