import type { Clock } from '../../../shared/checker/core.ts';
import type { CheckRequest, FetchedPage } from '../../../shared/checker/model.ts';
import type {
  CheckedLinks,
  CheckQueue,
  FetchMethod,
  FetchOutcome,
  PageFetcher,
  SnapshotStore,
  StaleLinks,
} from '../../../shared/checker/ports.ts';
import type {
  LinkCheckRecord,
  LinkRef,
  RecordCheckResult,
  StaleLinkQuery,
} from '../../../shared/links/checks.ts';
import type { Link } from '../../../shared/links/model.ts';

/** In-memory stand-ins for the checker's ports, with the adapters' semantics. */

export const page = (html: string, status = 200, contentType = 'text/html; charset=utf-8') =>
  ({ status, contentType, body: Buffer.from(html) }) as const;

/** Answers from a script, per method: a list is used up in order (its last entry then repeats). */
export class ScriptedFetcher implements PageFetcher {
  readonly calls: { url: string; method: FetchMethod }[] = [];
  private readonly scripts = new Map<FetchMethod, FetchOutcome[]>();

  on(method: FetchMethod, ...outcomes: (FetchOutcome | ReturnType<typeof page> | number)[]): this {
    this.scripts.set(
      method,
      outcomes.map((outcome) => {
        if (typeof outcome === 'number') return response(method, outcome);
        if (!('kind' in outcome))
          return { ...response(method, outcome.status), ...outcome, body: outcome.body };
        return outcome;
      }),
    );
    return this;
  }

  async fetch(url: string, method: FetchMethod): Promise<FetchOutcome> {
    this.calls.push({ url, method });
    const script = this.scripts.get(method);
    if (!script || script.length === 0) throw new Error(`no scripted answer for ${method}`);
    const outcome = script.length > 1 ? script.shift()! : script[0]!;
    return outcome.kind === 'response' ? { ...outcome, url } : outcome;
  }
}

export function response(method: FetchMethod, status: number): FetchOutcome {
  return { kind: 'response', method, status, url: '', contentType: 'text/plain' };
}

export const TIMEOUT: FetchOutcome = { kind: 'failed', reason: 'timeout after 10 s', transient: true };

/** A clock whose sleeps return at once and are recorded; time moves on by a second per reading. */
export class FakeClock implements Clock {
  readonly sleeps: number[] = [];
  private time: number;

  constructor(start = '2026-11-23T18:00:00.000Z') {
    this.time = Date.parse(start);
  }

  now(): Date {
    this.time += 1000;
    return new Date(this.time);
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
  }

  random(): number {
    return 0.5;
  }
}

/** Links in memory, recording checks with the DynamoDB adapter's conditions. */
export class MemoryCheckedLinks implements CheckedLinks, StaleLinks {
  readonly links = new Map<string, Link>();
  readonly records: LinkCheckRecord[] = [];

  private key = (username: string, url: string) => `${username}\n${url}`;

  put(link: Link): void {
    this.links.set(this.key(link.username, link.url), { ...link });
  }

  remove(username: string, url: string): void {
    this.links.delete(this.key(username, url));
  }

  async get(username: string, url: string): Promise<Link | undefined> {
    const link = this.links.get(this.key(username, url));
    return link && { ...link };
  }

  async recordCheck(username: string, url: string, record: LinkCheckRecord): Promise<RecordCheckResult> {
    this.records.push(record);
    const link = this.links.get(this.key(username, url));
    if (!link) return { written: false, why: 'gone' };
    if (link.checked_at !== null && link.checked_at >= record.checkedAt)
      return { written: false, why: 'superseded' };
    const titleFilled = Boolean(record.title) && link.title === '';
    Object.assign(link, {
      status: record.status,
      http_status: record.httpStatus,
      checked_at: record.checkedAt,
      check_reason: record.reason,
      version: link.version + 1,
      ...(titleFilled ? { title: record.title } : {}),
    });
    return { written: true, titleFilled };
  }

  async *staleLinks(query: StaleLinkQuery): AsyncIterable<LinkRef[]> {
    const due = [...this.links.values()].filter((link) =>
      link.checked_at === null
        ? link.created_at < query.uncheckedCreatedBefore
        : link.checked_at < query.checkedBefore,
    );
    // Pages of 3, in storage order, as a Scan would hand them out.
    for (let i = 0; i < due.length; i += 3) {
      yield due.slice(i, i + 3).map(({ username, url }) => ({ username, url }));
    }
  }
}

export class MemorySnapshots implements SnapshotStore {
  readonly objects = new Map<string, { link: LinkRef; page: FetchedPage; text: string | undefined }>();
  /** Calls of prune: each a listing of the link's snapshots in S3. */
  prunes = 0;
  private counter = 0;

  async save(link: LinkRef, page: FetchedPage, text: string | undefined): Promise<string> {
    const key = `snapshots/${link.username}/${link.url}/${String(++this.counter).padStart(4, '0')}`;
    this.objects.set(key, { link, page, text });
    return key;
  }

  keysOf(link: LinkRef): string[] {
    return [...this.objects.entries()]
      .filter(([, object]) => object.link.username === link.username && object.link.url === link.url)
      .map(([key]) => key)
      .sort();
  }

  async latest(link: LinkRef): Promise<string | undefined> {
    return this.keysOf(link).at(-1);
  }

  async downloadUrl(key: string, expiresInSeconds: number): Promise<string> {
    return `https://download.example/${key}?expires=${expiresInSeconds}`;
  }

  async remove(key: string): Promise<void> {
    this.objects.delete(key);
  }

  async removeAll(link: LinkRef): Promise<number> {
    const keys = this.keysOf(link);
    keys.forEach((key) => this.objects.delete(key));
    return keys.length;
  }

  async prune(link: LinkRef, keep: number): Promise<void> {
    this.prunes++;
    this.keysOf(link)
      .reverse()
      .slice(keep)
      .forEach((key) => this.objects.delete(key));
  }
}

export class MemoryQueue implements CheckQueue {
  readonly sent: CheckRequest[] = [];
  /** The size of each send call. */
  readonly sends: number[] = [];

  async send(requests: CheckRequest[]): Promise<void> {
    this.sent.push(...requests);
    this.sends.push(requests.length);
  }
}
