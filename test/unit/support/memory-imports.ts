import type { Import } from '../../../shared/imports/model.ts';
import type {
  ImportContinuations,
  ImportedLinkOutcome,
  ImportStore,
  LinksForImportPort,
  UploadedFiles,
} from '../../../shared/imports/ports.ts';
import { normalizeUrl, type Link } from '../../../shared/links/model.ts';

/** The imports table in memory, with the adapter's conditional advance. */
export class InMemoryImportStore implements ImportStore {
  readonly records = new Map<string, Import>();

  async create(record: Import): Promise<void> {
    this.records.set(`${record.username}/${record.import_id}`, structuredClone(record));
  }

  async get(username: string, importId: string): Promise<Import | undefined> {
    const record = this.records.get(`${username}/${importId}`);
    return record && structuredClone(record);
  }

  async newestFirst(username: string, limit: number): Promise<Import[]> {
    return [...this.records.values()]
      .filter((record) => record.username === username)
      .sort((a, b) => b.import_id.localeCompare(a.import_id))
      .slice(0, limit)
      .map((record) => structuredClone(record));
  }

  async advance(next: Import, previous: Pick<Import, 'status' | 'checkpoint'>): Promise<boolean> {
    const key = `${next.username}/${next.import_id}`;
    const current = this.records.get(key);
    if (!current || current.status !== previous.status || current.checkpoint !== previous.checkpoint)
      return false;
    this.records.set(key, structuredClone(next));
    return true;
  }
}

/** Uploaded files in memory; the upload URL names the key. */
export class InMemoryUploadedFiles implements UploadedFiles {
  readonly objects = new Map<string, Uint8Array>();

  async uploadUrl(key: string, expiresInSeconds: number): Promise<string> {
    return `https://uploads.test/${key}?expires=${expiresInSeconds}`;
  }

  async read(key: string, maxBytes: number): Promise<Uint8Array | 'tooLarge' | undefined> {
    const object = this.objects.get(key);
    if (!object) return undefined;
    return object.byteLength > maxBytes ? 'tooLarge' : object;
  }

  async delete(key: string): Promise<void> {
    this.objects.delete(key);
  }
}

/**
 * The links context's import side in memory: the user's links by normalized URL, never overwritten, and the
 * per-user limit. `failAfterCalls` makes the call after that many throw once its links are written, as a worker
 * that crashes between the links and its checkpoint.
 */
export class InMemoryLinksForImport implements LinksForImportPort {
  readonly links = new Map<string, Link>();
  calls = 0;
  failAfterCalls: number | undefined;

  constructor(existing: Link[] = []) {
    for (const link of existing) this.links.set(this.keyOf(link), structuredClone(link));
  }

  async addAll(links: Link[], maxLinks: number): Promise<ImportedLinkOutcome[]> {
    const outcomes = links.map((link): ImportedLinkOutcome => {
      const existing = this.links.get(this.keyOf(link));
      if (existing) return existing.imported_by === link.imported_by ? 'imported' : 'existing';
      if (this.countOf(link.username) >= maxLinks) return 'limit';
      this.links.set(this.keyOf(link), structuredClone(link));
      return 'imported';
    });
    this.calls += 1;
    if (this.failAfterCalls !== undefined && this.calls > this.failAfterCalls) {
      this.failAfterCalls = undefined;
      throw new Error('the worker crashed');
    }
    return outcomes;
  }

  private keyOf(link: Link): string {
    return `${link.username} ${normalizeUrl(link.url)}`;
  }

  private countOf(username: string): number {
    return [...this.links.values()].filter((link) => link.username === username).length;
  }
}

export class RecordedContinuations implements ImportContinuations {
  readonly sent: string[] = [];

  async continueLater(body: string): Promise<void> {
    this.sent.push(body);
  }
}
