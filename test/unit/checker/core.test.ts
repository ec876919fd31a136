import { describe, expect, it } from 'vitest';
import {
  LinkChecker,
  LinkCheckService,
  Rechecker,
  interleaveByUser,
  planForChange,
  type ProbePolicy,
} from '../../../shared/checker/core.ts';
import { parseCheckMessage, toCheckMessage, type CheckRequest } from '../../../shared/checker/model.ts';
import type { FetchOutcome } from '../../../shared/checker/ports.ts';
import { aLink } from '../../support/builders.ts';
import {
  FakeClock,
  MemoryCheckedLinks,
  MemoryQueue,
  MemorySnapshots,
  ScriptedFetcher,
  TIMEOUT,
  page,
} from './fakes.ts';

const POLICY: ProbePolicy = { attempts: 3, baseDelayMs: 1000, maxDelayMs: 8000 };
const HTML = '<html><head><title>The Go Programming Language</title></head><body>Go</body></html>';

function checkerWith(fetcher: ScriptedFetcher, clock = new FakeClock()) {
  return { checker: new LinkChecker(fetcher, POLICY, clock), clock };
}

describe('the verdict: HEAD first, GET on a first check or when HEAD is not supported', () => {
  it("given a link's first check, when the page answers 200 with HTML, then GET only, valid, with the page and its title", async () => {
    const fetcher = new ScriptedFetcher().on('GET', page(HTML));
    const { checker } = checkerWith(fetcher);

    const verdict = await checker.check('https://go.dev/', { firstCheck: true });

    expect(fetcher.calls).toEqual([{ url: 'https://go.dev/', method: 'GET' }]);
    expect(verdict).toMatchObject({ status: 'valid', httpStatus: 200, reason: 'HTTP 200', attempts: 1 });
    expect(verdict.title).toBe('The Go Programming Language');
    expect(verdict.page).toMatchObject({
      httpStatus: 200,
      contentType: 'text/html; charset=utf-8',
      truncated: false,
    });
    expect(verdict.page!.fetchedAt).toBe(verdict.checkedAt);
  });

  it('given a later check, when HEAD answers 200, then HEAD only, valid, and no page', async () => {
    const fetcher = new ScriptedFetcher().on('HEAD', 200);

    const verdict = await checkerWith(fetcher).checker.check('https://go.dev/', { firstCheck: false });

    expect(fetcher.calls.map((call) => call.method)).toEqual(['HEAD']);
    expect(verdict).toMatchObject({ status: 'valid', httpStatus: 200 });
    expect(verdict.page).toBeUndefined();
  });

  it.each([405, 501])(
    'given a site whose HEAD answers %i, when GET answers 200, then it is valid through GET',
    async (status) => {
      const fetcher = new ScriptedFetcher().on('HEAD', status).on('GET', page(HTML));

      const verdict = await checkerWith(fetcher).checker.check('https://head-less.example/', {
        firstCheck: false,
      });

      expect(fetcher.calls.map((call) => call.method)).toEqual(['HEAD', 'GET']);
      expect(verdict).toMatchObject({ status: 'valid', httpStatus: 200 });
    },
  );

  it.each([404, 410, 500, 403])(
    'given a final %i, then invalid at once, with the status and no retry',
    async (status) => {
      const fetcher = new ScriptedFetcher().on('HEAD', status);

      const verdict = await checkerWith(fetcher).checker.check('https://gone.example/', {
        firstCheck: false,
      });

      expect(verdict).toMatchObject({
        status: 'invalid',
        httpStatus: status,
        reason: `HTTP ${status}`,
        attempts: 1,
      });
      expect(fetcher.calls).toHaveLength(1);
    },
  );

  it('given a GET that answers 200 with something other than HTML, then valid with no page', async () => {
    const fetcher = new ScriptedFetcher().on('GET', page('{"a":1}', 200, 'application/json'));

    const verdict = await checkerWith(fetcher).checker.check('https://api.example/', { firstCheck: true });

    expect(verdict.status).toBe('valid');
    expect(verdict.page).toBeUndefined();
    expect(verdict.title).toBeUndefined();
    expect(verdict.text).toBeUndefined();
  });

  it('given a refusal by the SSRF guard, then invalid with the reason, never retried', async () => {
    const refused: FetchOutcome = { kind: 'refused', reason: '10.0.0.7 is a private address' };
    const fetcher = new ScriptedFetcher().on('GET', refused);

    const verdict = await checkerWith(fetcher).checker.check('http://10.0.0.7/', { firstCheck: true });

    expect(verdict).toEqual(
      expect.objectContaining({
        status: 'invalid',
        httpStatus: null,
        reason: 'refused: 10.0.0.7 is a private address',
      }),
    );
    expect(fetcher.calls).toHaveLength(1);
  });

  it('given a name that does not resolve, then invalid at once', async () => {
    const fetcher = new ScriptedFetcher().on('HEAD', {
      kind: 'failed',
      reason: 'dns: no such host',
      transient: false,
    });

    const verdict = await checkerWith(fetcher).checker.check('https://nowhere.example/', {
      firstCheck: false,
    });

    expect(verdict).toMatchObject({
      status: 'invalid',
      httpStatus: null,
      reason: 'dns: no such host',
      attempts: 1,
    });
  });
});

describe('retries: transient failures are tried again, with backoff, before the verdict', () => {
  it('given a timeout every time, then 3 attempts with growing, jittered backoff, and then invalid', async () => {
    const fetcher = new ScriptedFetcher().on('HEAD', TIMEOUT);
    const { checker, clock } = checkerWith(fetcher);

    const verdict = await checker.check('https://slow.example/', { firstCheck: false });

    expect(fetcher.calls).toHaveLength(3);
    // 1 s then 2 s, half fixed and half random (the fake's random is 0.5).
    expect(clock.sleeps).toEqual([750, 1500]);
    expect(verdict).toMatchObject({
      status: 'invalid',
      httpStatus: null,
      reason: 'timeout after 10 s after 3 attempts',
      attempts: 3,
    });
  });

  it('given a 503 and then a 200, then valid on the second attempt', async () => {
    const fetcher = new ScriptedFetcher().on('HEAD', 503, 200);

    const verdict = await checkerWith(fetcher).checker.check('https://busy.example/', { firstCheck: false });

    expect(verdict).toMatchObject({ status: 'valid', httpStatus: 200, attempts: 2 });
  });

  it('given 429 with Retry-After, then the wait is what the server asked, within the cap', async () => {
    const fetcher = new ScriptedFetcher().on(
      'HEAD',
      { kind: 'response', method: 'HEAD', status: 429, url: '', contentType: null, retryAfterSeconds: 3 },
      { kind: 'response', method: 'HEAD', status: 429, url: '', contentType: null, retryAfterSeconds: 3600 },
      200,
    );
    const { checker, clock } = checkerWith(fetcher);

    await checker.check('https://limited.example/', { firstCheck: false });

    expect(clock.sleeps).toEqual([3000, 8000]);
  });

  it('given 503 every time, then invalid with the last status, after 3 attempts', async () => {
    const fetcher = new ScriptedFetcher().on('HEAD', 503);

    const verdict = await checkerWith(fetcher).checker.check('https://down.example/', { firstCheck: false });

    expect(verdict).toMatchObject({
      status: 'invalid',
      httpStatus: 503,
      reason: 'HTTP 503 after 3 attempts',
    });
  });
});

describe('a check request, start to finish', () => {
  const alice = (overrides: Parameters<typeof aLink>[0] = {}) =>
    aLink({
      username: 'alice',
      url: 'https://go.dev/',
      title: '',
      created_at: '2026-11-23T17:00:00.000Z',
      ...overrides,
    });

  function setup(fetcher: ScriptedFetcher, snapshotsKept = 2) {
    const links = new MemoryCheckedLinks();
    const snapshots = new MemorySnapshots();
    const clock = new FakeClock();
    const service = new LinkCheckService(links, new LinkChecker(fetcher, POLICY, clock), snapshots, {
      snapshotsKept,
    });
    const request = (cause: CheckRequest['cause'] = 'recheck', url = 'https://go.dev/'): CheckRequest => ({
      username: 'alice',
      url,
      cause,
      requestedAt: clock.now().toISOString(),
    });
    return { links, snapshots, service, request };
  }

  it("the original's status test: pending -> valid -> valid again -> invalid", async () => {
    const fetcher = new ScriptedFetcher().on('GET', page(HTML)).on('HEAD', 200);
    const { links, service, request } = setup(fetcher);
    links.put(alice());
    const statusNow = async () => (await links.get('alice', 'https://go.dev/'))!.status;
    const seen = [await statusNow()];

    await service.handle(request('added'));
    seen.push(await statusNow());
    await service.handle(request());
    seen.push(await statusNow());
    fetcher.on('HEAD', 404);
    await service.handle(request());
    seen.push(await statusNow());

    expect(seen).toEqual(['pending', 'valid', 'valid', 'invalid']);
    expect(await links.get('alice', 'https://go.dev/')).toMatchObject({
      http_status: 404,
      check_reason: 'HTTP 404',
    });
    expect(fetcher.calls.map((call) => call.method)).toEqual(['GET', 'HEAD', 'HEAD']);
  });

  it('given an empty title, when the page has one, then it fills the title; a title the user gave is kept', async () => {
    const fetcher = new ScriptedFetcher().on('GET', page(HTML));
    const { links, service, request } = setup(fetcher);
    links.put(alice());
    links.put(alice({ url: 'https://kept.example/', title: 'Mine' }));

    const filled = await service.handle(request('added'));
    await service.handle(request('added', 'https://kept.example/'));

    expect(filled).toMatchObject({ outcome: 'recorded', titleFilled: true });
    expect((await links.get('alice', 'https://go.dev/'))!.title).toBe('The Go Programming Language');
    expect((await links.get('alice', 'https://kept.example/'))!.title).toBe('Mine');
    expect(links.records[1]!.title).toBeUndefined();
  });

  it('given a first check of an HTML page, then its snapshot is kept; later HEAD checks take none', async () => {
    const fetcher = new ScriptedFetcher().on('GET', page(HTML)).on('HEAD', 200);
    const { links, snapshots, service, request } = setup(fetcher);
    links.put(alice());

    const first = await service.handle(request('added'));
    await service.handle(request());

    expect(first).toMatchObject({ outcome: 'recorded', snapshotKey: expect.any(String) });
    expect(snapshots.keysOf({ username: 'alice', url: 'https://go.dev/' })).toHaveLength(1);
    const [stored] = snapshots.objects.values();
    expect(Buffer.from(stored!.page.body).toString()).toBe(HTML);
  });

  it("given an HTML page, when checked, then its snapshot is kept with the page's readable text, scripts left out", async () => {
    const html =
      '<html><head><title>Go</title></head><body><p>Build simple</p><script>steal()</script></body></html>';
    const { links, snapshots, service, request } = setup(new ScriptedFetcher().on('GET', page(html)));
    links.put(alice());

    await service.handle(request('added'));

    const [stored] = snapshots.objects.values();
    expect(stored!.text).toContain('Build simple');
    expect(stored!.text).not.toContain('steal');
  });

  it('given a site that needs GET on every check, then snapshots pile up only to the number kept', async () => {
    const fetcher = new ScriptedFetcher().on('GET', page(HTML)).on('HEAD', 405);
    const { links, snapshots, service, request } = setup(fetcher, 2);
    links.put(alice());

    for (let i = 0; i < 4; i++) await service.handle(request(i === 0 ? 'added' : 'recheck'));

    expect(snapshots.keysOf({ username: 'alice', url: 'https://go.dev/' })).toEqual([
      'snapshots/alice/https://go.dev//0003',
      'snapshots/alice/https://go.dev//0004',
    ]);
    expect(snapshots.prunes).toBe(3);
  });

  it("given a link's first check, when it takes a snapshot, then nothing is pruned: there is nothing before it", async () => {
    const fetcher = new ScriptedFetcher().on('GET', page(HTML));
    const { links, snapshots, service, request } = setup(fetcher);
    links.put(alice({ checked_at: null }));

    await service.handle(request('added'));

    expect(snapshots.keysOf({ username: 'alice', url: 'https://go.dev/' })).toHaveLength(1);
    expect(snapshots.prunes).toBe(0);
  });

  it('given the link is gone when the request arrives, then nothing is fetched', async () => {
    const fetcher = new ScriptedFetcher().on('GET', page(HTML));
    const { service, request } = setup(fetcher);

    expect(await service.handle(request('added'))).toEqual({ outcome: 'skipped', why: 'link gone' });
    expect(fetcher.calls).toEqual([]);
  });

  it('given the link is deleted during its check, then nothing is recorded and its snapshot is deleted again', async () => {
    const { links, snapshots, request } = setup(new ScriptedFetcher());
    const fetcher = new ScriptedFetcher().on('GET', page(HTML));
    const deleting = {
      fetch: async (url: string, method: 'GET' | 'HEAD') => {
        links.remove('alice', 'https://go.dev/');
        return fetcher.fetch(url, method);
      },
    };
    const racing = new LinkCheckService(
      links,
      new LinkChecker(deleting, POLICY, new FakeClock()),
      snapshots,
      {
        snapshotsKept: 3,
      },
    );
    links.put(alice());

    const report = await racing.handle(request('added'));

    expect(report).toMatchObject({ outcome: 'discarded', why: 'gone' });
    expect(await links.get('alice', 'https://go.dev/')).toBeUndefined();
    expect(snapshots.objects.size).toBe(0);
  });

  it('given a later check was recorded meanwhile, then this one is discarded, with its snapshot', async () => {
    const fetcher = new ScriptedFetcher().on('GET', page(HTML));
    const { links, snapshots, service, request } = setup(fetcher);
    links.put(alice({ checked_at: null }));
    const req = request('added');
    // Another check lands first, dated in the future of this one.
    const original = links.recordCheck.bind(links);
    links.recordCheck = async (username, url, record) => {
      await original(username, url, { ...record, checkedAt: '2099-01-01T00:00:00.000Z' });
      return original(username, url, record);
    };

    expect(await service.handle(req)).toMatchObject({ outcome: 'discarded', why: 'superseded' });
    expect(snapshots.objects.size).toBe(0);
  });

  it('given a request that was already served (a redelivered message), then it is skipped without a fetch', async () => {
    const fetcher = new ScriptedFetcher().on('GET', page(HTML)).on('HEAD', 200);
    const { links, service, request } = setup(fetcher);
    links.put(alice());
    const once = request('added');

    await service.handle(once);
    const again = await service.handle(once);

    expect(again).toEqual({ outcome: 'skipped', why: 'checked since requested' });
    expect(fetcher.calls).toHaveLength(1);
  });
});

describe('what a link change means for the checker', () => {
  const at = '2026-11-23T18:00:05.000Z';
  const link = aLink({ username: 'bob', url: 'https://go.dev/', title: 'Go' });

  it('given a new link, then a check is requested', () => {
    expect(planForChange({ after: link, at })).toEqual({
      check: { username: 'bob', url: 'https://go.dev/', cause: 'added', requestedAt: at },
    });
  });

  it('given a title-only edit, then no check: a check is not repeated for it', () => {
    expect(planForChange({ before: link, after: { ...link, title: 'Go!', version: 2 }, at })).toEqual({});
  });

  it("given the checker's own status write (and title fill), then no check: it cannot trigger itself", () => {
    const checked = {
      ...link,
      title: 'Filled',
      status: 'valid' as const,
      httpStatus: 200,
      checkedAt: at,
      version: 2,
    };

    expect(planForChange({ before: link, after: checked, at })).toEqual({});
  });

  it('given a changed URL, then a check is requested', () => {
    expect(
      planForChange({ before: link, after: { ...link, url: 'https://go.dev/doc/' }, at }).check,
    ).toMatchObject({
      url: 'https://go.dev/doc/',
      cause: 'changed',
    });
  });

  it('given a deleted link, then its snapshots go', () => {
    expect(planForChange({ before: link, at })).toEqual({
      purgeSnapshots: { username: 'bob', url: 'https://go.dev/' },
    });
  });
});

describe('the daily re-check, fair across users', () => {
  const NOW = '2026-11-23T18:00:00.000Z';
  const daysAgo = (days: number) => new Date(Date.parse(NOW) - days * 86_400_000).toISOString();

  function storeWith(counts: Record<string, number>, checkedAt: string | null = daysAgo(8)) {
    const links = new MemoryCheckedLinks();
    for (const [username, count] of Object.entries(counts)) {
      for (let i = 0; i < count; i++) {
        links.put(
          aLink({
            username,
            url: `https://${username}.example/${i}`,
            checked_at: checkedAt,
            created_at: daysAgo(30),
          }),
        );
      }
    }
    return links;
  }
  const rechecker = (links: MemoryCheckedLinks, queue: MemoryQueue) =>
    new Rechecker(links, queue, { now: () => new Date(NOW) });

  it('given links checked 8 days ago and 6 days ago, then only the older ones are queued', async () => {
    const links = storeWith({ alice: 2 });
    links.put(aLink({ username: 'alice', url: 'https://fresh.example/', checked_at: daysAgo(6) }));
    const queue = new MemoryQueue();

    const report = await rechecker(links, queue).run({ staleAfterMs: 7 * 86_400_000, perUser: 100 });

    expect(queue.sent.map((r) => r.url).sort()).toEqual([
      'https://alice.example/0',
      'https://alice.example/1',
    ]);
    expect(queue.sent.every((r) => r.cause === 'recheck' && r.requestedAt === NOW)).toBe(true);
    expect(report).toEqual({ queued: 2, deferred: 0, users: 1, stoppedEarly: false });
  });

  it('given a link never checked, then it is due only once it is an hour old (its first check got lost)', async () => {
    const links = new MemoryCheckedLinks();
    links.put(
      aLink({ username: 'a', url: 'https://lost.example/', checked_at: null, created_at: daysAgo(1) }),
    );
    links.put(aLink({ username: 'a', url: 'https://new.example/', checked_at: null, created_at: NOW }));
    const queue = new MemoryQueue();

    await rechecker(links, queue).run({ staleAfterMs: 7 * 86_400_000, perUser: 100 });

    expect(queue.sent.map((r) => r.url)).toEqual(['https://lost.example/']);
  });

  it('given one user with many stale links and two with few, then the many are capped and everyone is interleaved', async () => {
    const links = storeWith({ hoarder: 50, bob: 2, carol: 2 });
    const queue = new MemoryQueue();

    const report = await rechecker(links, queue).run({ staleAfterMs: 7 * 86_400_000, perUser: 5 });

    expect(report).toEqual({ queued: 9, deferred: 45, users: 3, stoppedEarly: false });
    expect(queue.sent.map((r) => r.username)).toEqual([
      'hoarder',
      'bob',
      'carol',
      'hoarder',
      'bob',
      'carol',
      'hoarder',
      'hoarder',
      'hoarder',
    ]);
  });

  it('given more than a window of requests, then they are sent window by window', async () => {
    const links = storeWith({ a: 7, b: 7 });
    const queue = new MemoryQueue();

    await rechecker(links, queue).run({ staleAfterMs: 7 * 86_400_000, perUser: 100, window: 5 });

    expect(queue.sent).toHaveLength(14);
    expect(queue.sends.length).toBeGreaterThan(1);
  });

  it('given the time runs out, then the run stops early, having queued what it found', async () => {
    const links = storeWith({ a: 9 });
    const queue = new MemoryQueue();
    let pages = 0;

    const report = await rechecker(links, queue).run({
      staleAfterMs: 7 * 86_400_000,
      perUser: 100,
      shouldStop: () => ++pages >= 2,
    });

    expect(report).toMatchObject({ queued: 6, stoppedEarly: true });
  });

  it('interleaves round-robin, keeping each user in order', () => {
    const items = ['a1', 'a2', 'a3', 'b1', 'c1', 'c2'].map((id) => ({ username: id[0]!, id }));

    expect(interleaveByUser(items).map((item) => item.id)).toEqual(['a1', 'b1', 'c1', 'a2', 'c2', 'a3']);
  });
});

describe('the link-check queue message', () => {
  it('round-trips a request', () => {
    const request: CheckRequest = {
      username: 'alice',
      url: 'https://go.dev/',
      cause: 'recheck',
      requestedAt: '2026-11-23T18:00:00.000Z',
    };

    expect(parseCheckMessage(toCheckMessage(request))).toEqual(request);
  });

  it('rejects what is not a request, so that it ends in the dead-letter queue', () => {
    expect(() => parseCheckMessage('nope')).toThrow(/not JSON/);
    expect(() => parseCheckMessage('{"username":"a"}')).toThrow(/Malformed link check message/);
  });
});
