import type { SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/search/update-search-index.ts';
import type { Link } from '../../../shared/links/model.ts';
import { LinkSearchIndex } from '../../../shared/search/index.ts';
import {
  SEARCH_MESSAGE_MAX_BYTES,
  searchMessageBodies,
  searchMessageSchema,
  searchUpdateSchema,
} from '../../../shared/search/model.ts';
import { parseQuery } from '../../../shared/search/query.ts';
import { setSearchIndexUpdaterForTests } from '../../../shared/search/service.ts';
import { SearchIndexUpdater } from '../../../shared/search/updater.ts';
import { aLambdaContext, aLink } from '../../support/builders.ts';
import { InMemoryIndexStore, InMemoryLinks, InMemoryPageTexts } from './fakes.ts';

/** A store whose writes of one user's index fail, as S3 might. */
class FailingFor extends InMemoryIndexStore {
  constructor(private readonly failing: string) {
    super();
  }

  override save(username: string, index: LinkSearchIndex): Promise<void> {
    if (username === this.failing) return Promise.reject(new Error('S3 is down'));
    return super.save(username, index);
  }
}

const message = (id: string, body: unknown): SQSRecord =>
  ({ messageId: id, body: typeof body === 'string' ? body : JSON.stringify(body) }) as SQSRecord;
const upsert = (link: Link) => ({ username: link.username, change: 'upsert', link });

afterEach(() => setSearchIndexUpdaterForTests(undefined));

describe('updateSearchIndex', () => {
  it("given a batch of two users' changes, when one user's index cannot be written, then only that user's messages fail", async () => {
    const store = new FailingFor('bob');
    const links = new InMemoryLinks();
    const alices = [aLink({ url: 'https://a.example/1' }), aLink({ url: 'https://a.example/2' })];
    const bobs = aLink({ username: 'bob', url: 'https://b.example/' });
    links.put(...alices, bobs);
    setSearchIndexUpdaterForTests(new SearchIndexUpdater(store, new InMemoryPageTexts(), links));

    const result = await handler(
      {
        Records: [
          message('m1', upsert(alices[0]!)),
          message('m2', upsert(bobs)),
          message('m3', upsert(alices[1]!)),
          message('m4', 'not json'),
        ],
      },
      aLambdaContext(),
    );

    expect(result.batchItemFailures).toEqual([{ itemIdentifier: 'm2' }]);
    expect(store.objects.has('alice')).toBe(true);
    expect(store.saves).toBe(1);
  });

  it("given packed messages (one user's changes each) and a message of one bare change, when handled, then every change applies, in order", async () => {
    const store = new InMemoryIndexStore();
    const links = new InMemoryLinks();
    const first = aLink({ url: 'https://a.example/1', title: 'first' });
    const second = aLink({ url: 'https://a.example/2', title: 'second' });
    const third = aLink({ url: 'https://a.example/3', title: 'third' });
    links.put(first, second);
    await store.save('alice', LinkSearchIndex.empty());
    setSearchIndexUpdaterForTests(new SearchIndexUpdater(store, new InMemoryPageTexts(), links));

    const result = await handler(
      {
        Records: [
          message('m1', { updates: [upsert(first), upsert(second), upsert(third)] }),
          message('m2', { username: 'alice', change: 'remove', link: third }),
          message('m3', { updates: [upsert(first), upsert(aLink({ username: 'bob' }))] }),
        ],
      },
      aLambdaContext(),
    );

    expect(result.batchItemFailures).toEqual([]);
    const stored = (await store.objects.get('alice'))!.bytes;
    expect(LinkSearchIndex.fromBytes(stored).search(parseQuery(''), { publicOnly: false }).sort()).toEqual([
      first.url,
      second.url,
    ]);
    expect(store.objects.has('bob')).toBe(false); // a message mixing users is unreadable: dropped
  });

  it('given many changes of one user, when packed into messages, then each message is under the limit and they carry them all, in order', () => {
    const updates = Array.from({ length: 500 }, (_, i) =>
      searchUpdateSchema.parse(
        upsert(aLink({ url: `https://a.example/${i}`, description: 'x'.repeat(1000) })),
      ),
    );

    const bodies = searchMessageBodies([
      ...updates,
      searchUpdateSchema.parse(upsert(aLink({ username: 'bob' }))),
    ]);

    expect(bodies.length).toBeGreaterThan(2);
    for (const body of bodies) expect(Buffer.byteLength(body)).toBeLessThanOrEqual(SEARCH_MESSAGE_MAX_BYTES);
    const carried = bodies.map((body) => searchMessageSchema.parse(JSON.parse(body)));
    expect(carried.flatMap((message) => message.updates).map((update) => update.link.url)).toEqual([
      ...updates.map((update) => update.link.url),
      aLink({ username: 'bob' }).url,
    ]);
    expect(carried.at(-1)).toMatchObject({ username: 'bob', updates: [{ username: 'bob' }] });
  });
});
