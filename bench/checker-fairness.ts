import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Runtime } from '../local/runtime.ts';
import { documentClient } from '../shared/aws/dynamodb.ts';
import { SqsCheckQueue } from '../shared/checker/sqs.ts';
import { LinksForChecker } from '../shared/links/for-checker.ts';
import { linkToItem } from '../shared/links/table.ts';
import type { Link } from '../shared/links/model.ts';
import { aLink } from '../test/support/builders.ts';
import { aCheckQueue, checkRequests, pollChecks } from '../test/support/check-backlog.ts';
import { TestSite } from '../test/support/test-site.ts';

/**
 * The link checker's fairness on the local runtime: one user's 2,000 checks are queued, then one link of another
 * user, and the clock runs from that link's check being queued until its verdict is in the links table. Once
 * with the fair queue's local pollers, once (on a queue of its own, in the same run) with pollers that take
 * the queue oldest first, as the emulator alone serves it. The checks are real: the real checkLink function
 * fetches each page from a site on 127.0.0.1 that answers after a fixed delay, and records its verdict. The
 * pollers run throughout, as they would in production while an import is being queued.
 */

/** How long the site takes to answer each page: a quick web site. */
const PAGE_DELAY_MS = 20;
const POLL_MS = 10;

interface Outcome {
  seconds: number;
  /** The backlog's checks that started before the other user's. */
  checkedAhead: number;
}

export async function benchCheckerFairness(runtime: Runtime, backlog: number): Promise<void> {
  const site = await TestSite.start();
  try {
    console.log(
      `\nLink checks: ${backlog} queued for one user, then one for another; seconds until that one is checked`,
    );
    console.log(`  (real checks of pages that answer in ${PAGE_DELAY_MS} ms; checkLink polled as declared)`);
    for (const fair of [true, false]) {
      const outcome = await measure(runtime, site, backlog, fair);
      console.log(
        `  fairness ${fair ? 'on ' : 'off'}  ${outcome.seconds.toFixed(2).padStart(7)} s   ` +
          `${outcome.checkedAhead} of the ${backlog} checked ahead of it`,
      );
    }
  } finally {
    await site.stop();
  }
}

async function measure(runtime: Runtime, site: TestSite, backlog: number, fair: boolean): Promise<Outcome> {
  const mode = fair ? 'fair' : 'oldest-first';
  const heavy = `heavy-${mode}`;
  const light = `light-${mode}`;
  const queueUrl = await aCheckQueue(runtime, `bench-${mode}-`);
  const queue = new SqsCheckQueue(queueUrl);
  const heavyChecks = checkRequests(heavy, backlog, (n) => page(site, heavy, n));
  const lightCheck = checkRequests(light, 1, (n) => page(site, light, n));
  await insertLinks(runtime, [...heavyChecks, ...lightCheck]);

  const pollers = pollChecks(runtime, queueUrl, { fair });
  try {
    await queue.send(heavyChecks);
    const started = performance.now();
    await queue.send(lightCheck);
    const links = new LinksForChecker(runtime.tableNames.links);
    while ((await links.get(light, lightCheck[0]!.url))?.checked_at == null) await sleep(POLL_MS);
    const seconds = (performance.now() - started) / 1000;
    const lightPath = new URL(lightCheck[0]!.url).pathname;
    const ahead = site.requests.slice(
      0,
      site.requests.findIndex((r) => r.path === lightPath),
    );
    return { seconds, checkedAhead: ahead.filter((r) => r.path.startsWith(`/${heavy}/`)).length };
  } finally {
    await pollers.stop();
  }
}

/** A plain-text page (no snapshot to keep) that answers after PAGE_DELAY_MS; returns its URL. */
function page(site: TestSite, username: string, n: number): string {
  const path = `/${username}/${n}`;
  site.on(path, (request, response) => {
    setTimeout(() => {
      response.writeHead(200, { 'content-type': 'text/plain' });
      response.end(request.method === 'HEAD' ? undefined : 'ok');
    }, PAGE_DELAY_MS);
  });
  return site.url(path);
}

/** The links the checks are for, written straight into the links table, 25 per call: setup, not measured. */
async function insertLinks(runtime: Runtime, checks: { username: string; url: string }[]): Promise<void> {
  const links: Link[] = checks.map(({ username, url }) => aLink({ username, url, title: '' }));
  for (let i = 0; i < links.length; i += 25) {
    await documentClient().send(
      new BatchWriteCommand({
        RequestItems: {
          [runtime.tableNames.links]: links
            .slice(i, i + 25)
            .map((link) => ({ PutRequest: { Item: linkToItem(link) } })),
        },
      }),
    );
  }
}
