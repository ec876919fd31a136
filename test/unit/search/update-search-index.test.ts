import type { SQSRecord } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/search/update-search-index.ts';
import type { Link } from '../../../shared/links/model.ts';
import type { LinkSearchIndex } from '../../../shared/search/index.ts';
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
});
