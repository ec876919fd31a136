import type { Link } from '../../../shared/links/model.ts';
import { LinkSearchIndex } from '../../../shared/search/index.ts';
import type {
  LinksForSearch,
  PageTexts,
  SearchIndexStore,
  SearchRebuilds,
  StoredIndex,
} from '../../../shared/search/ports.ts';

/** In-memory adapters of the search core's ports; the store keeps what toBytes wrote, as S3 would. */

export class InMemoryIndexStore implements SearchIndexStore {
  readonly objects = new Map<string, { bytes: Uint8Array; etag: string }>();
  /** Users whose stored index is of an older format. */
  readonly outdated = new Set<string>();
  saves = 0;
  loads = 0;
  private version = 0;

  load(username: string): Promise<StoredIndex | 'outdated' | undefined> {
    this.loads++;
    if (this.outdated.has(username)) return Promise.resolve('outdated');
    const object = this.objects.get(username);
    return Promise.resolve(object && { index: LinkSearchIndex.fromBytes(object.bytes), etag: object.etag });
  }

  async loadIfChanged(
    username: string,
    etag: string,
  ): Promise<StoredIndex | 'unchanged' | 'outdated' | undefined> {
    if (this.objects.get(username)?.etag === etag) return 'unchanged';
    return this.load(username);
  }

  save(username: string, index: LinkSearchIndex): Promise<void> {
    this.saves++;
    this.outdated.delete(username);
    this.objects.set(username, { bytes: index.toBytes(), etag: `"${++this.version}"` });
    return Promise.resolve();
  }

  remove(username: string): Promise<void> {
    this.outdated.delete(username);
    this.objects.delete(username);
    return Promise.resolve();
  }
}

export class InMemoryRebuilds implements SearchRebuilds {
  readonly requested: string[] = [];

  request(username: string): Promise<void> {
    this.requested.push(username);
    return Promise.resolve();
  }
}

export class InMemoryPageTexts implements PageTexts {
  readonly texts = new Map<string, string>();
  reads = 0;

  textOf(username: string, url: string): Promise<string> {
    this.reads++;
    return Promise.resolve(this.texts.get(`${username} ${url}`) ?? '');
  }

  set(link: Pick<Link, 'username' | 'url'>, text: string): void {
    this.texts.set(`${link.username} ${link.url}`, text);
  }
}

export class InMemoryLinks implements LinksForSearch {
  readonly links = new Map<string, Link>();

  put(...links: Link[]): void {
    for (const link of links) this.links.set(`${link.username} ${link.url}`, link);
  }

  delete(link: Link): void {
    this.links.delete(`${link.username} ${link.url}`);
  }

  async *all(username: string): AsyncIterable<Link[]> {
    yield Promise.resolve([...this.links.values()].filter((link) => link.username === username));
  }

  current(username: string, urls: readonly string[]): Promise<Link[]> {
    return Promise.resolve(
      urls.flatMap((url) => {
        const link = this.links.get(`${username} ${url}`);
        return link ? [link] : [];
      }),
    );
  }
}
