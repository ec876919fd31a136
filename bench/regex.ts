import { RE2JS } from 're2js';
import { LinkService, REGEX_TIME_BUDGET_MS } from '../shared/links/core.ts';
import { LinkFilter } from '../shared/links/filter.ts';
import type { Link } from '../shared/links/model.ts';
import { PageTokens } from '../shared/pagination.ts';
import { aLink } from '../test/support/builders.ts';
import { InMemoryLinkStore } from '../test/unit/support/memory-link-store.ts';
import { percentile } from './stats.ts';

const LINKS = 1000;
const DESCRIPTION_LENGTH = 4096;
/** Links scanned without a budget to estimate the cost of a whole unbudgeted scan. */
const UNBUDGETED_SAMPLE = 25;

interface Attack {
  pattern: string;
  /** The 4 KB description that makes the pattern work hardest. */
  description: string;
}

const letters = 'é'.repeat(DESCRIPTION_LENGTH);
const as = 'a'.repeat(DESCRIPTION_LENGTH);
const prose = 'lorem ipsum dolor sit amet, consectetur adipiscing elit. '
  .repeat(Math.ceil(DESCRIPTION_LENGTH / 57))
  .slice(0, DESCRIPTION_LENGTH);

/** A catastrophic pattern, rejected now: before the caps, one 4 KB description took it up to a second. */
const BEFORE_THE_CAPS: Attack = { pattern: '(?:a{0,50}){0,20}$', description: as };

/**
 * The costliest patterns we found that the caps still accept (about 290 instructions each). The first two
 * never match, so a listing has to scan every link; the others match every link.
 */
const WORST_ACCEPTED: Attack[] = [
  { pattern: '(?:\\pL?){100}(?:\\pL?){44}\\d', description: as },
  { pattern: '(?s)(?:(?:.?){10}){10}(?:a?){44}\\d', description: prose },
  { pattern: '(?:\\pL?){100}(?:\\pL?){45}$', description: letters },
  { pattern: '(?s)(?:.{0,10}){0,10}(?:.{0,10}){0,4}$', description: as },
];

/**
 * The regex budget, measured on the links core with the in-memory store of the unit tests: the scan is what
 * is measured here (HTTP and DynamoDB are in the links benchmark). One user with 1,000 links whose
 * descriptions are 4 KB; each request is a `description_regex` listing with limit=100, walking next_token.
 * Prints, per pattern, p50 and p99 of a request's wall time, its regex time (the budget's own clock) and its
 * CPU time (process.cpuUsage, the whole request), and the cost of the same scan without the budget.
 */
export async function benchRegexBudget(requests: number): Promise<void> {
  console.log(
    `\nRegex budget: ${LINKS} links with ${DESCRIPTION_LENGTH / 1024} KB descriptions, description_regex, limit=100,` +
      ` ${requests} requests walking next_token (budget ${REGEX_TIME_BUDGET_MS} ms, core + in-memory store)`,
  );
  await printBeforeTheCaps();
  for (const attack of WORST_ACCEPTED) await benchAttack(attack, requests);
}

async function printBeforeTheCaps(): Promise<void> {
  const rejection = await LinkFilter.compile({ descriptionRegex: BEFORE_THE_CAPS.pattern }).then(
    () => 'accepted',
    (error: { details?: Record<string, string> }) => `rejected: ${error.details?.['description_regex']}`,
  );
  const regex = RE2JS.compile(BEFORE_THE_CAPS.pattern);
  const cpu = cpuMs(() => {
    for (let i = 0; i < 5; i++) regex.matcher(BEFORE_THE_CAPS.description).find();
  });
  console.log(`  ${BEFORE_THE_CAPS.pattern}  (${rejection})`);
  console.log(
    `    before the caps: ${(cpu / 5).toFixed(1)} ms CPU per description; it matches, so a limit=100 page ` +
      `scanned 100 links: ${((cpu / 5) * 100).toFixed(0)} ms, with no budget`,
  );
}

async function benchAttack(attack: Attack, requests: number): Promise<void> {
  const sample = linksWith(attack.description, UNBUDGETED_SAMPLE);
  const matchesAll = (await LinkFilter.compile({ descriptionRegex: attack.pattern })).matches(sample[0]!);
  // Without a budget a request stops at 100 matches, or else at the scan cap of 1,000 links.
  const scannedUnbudgeted = matchesAll ? 100 : LINKS;
  const unbudgeted = serviceOver(sample, Infinity).service;
  const perLink =
    (await cpuMsAsync(() => unbudgeted.list('bench', { limit: 100, descriptionRegex: attack.pattern }))) /
    UNBUDGETED_SAMPLE;
  const unbudgetedRequest = perLink * scannedUnbudgeted;

  const { service, clock } = serviceOver(linksWith(attack.description, LINKS), REGEX_TIME_BUDGET_MS);
  const wall: number[] = [];
  const regex: number[] = [];
  const cpu: number[] = [];
  let examined = 0;
  let startToken: string | undefined;
  for (let i = 0; i < requests; i++) {
    clock.reset();
    const started = performance.now();
    const usage = process.cpuUsage();
    const page = await service.list('bench', { limit: 100, descriptionRegex: attack.pattern, startToken });
    const used = process.cpuUsage(usage);
    wall.push(performance.now() - started);
    cpu.push((used.user + used.system) / 1000);
    regex.push(clock.measuredMs);
    examined += clock.intervals;
    // Walk the pages; start over at the end.
    startToken = page.nextToken ?? undefined;
  }
  const worstCpu = percentile(cpu, 100);
  console.log(`  ${attack.pattern}  (${RE2JS.compile(attack.pattern).programSize()} instructions, accepted)`);
  console.log(
    `    without the budget: ${perLink.toFixed(1)} ms CPU per link; one request scans ${scannedUnbudgeted} links ` +
      `(${matchesAll ? 'every link matches' : 'none matches'}): ${(unbudgetedRequest / 1000).toFixed(1)} s CPU`,
  );
  console.log(
    `    with the budget:    wall p50 ${fmt(wall, 50)} p99 ${fmt(wall, 99)} ms | regex p50 ${fmt(regex, 50)} ` +
      `p99 ${fmt(regex, 99)} max ${fmt(regex, 100)} ms | CPU p50 ${fmt(cpu, 50)} p99 ${fmt(cpu, 99)} ` +
      `max ${fmt(cpu, 100)} ms | ${(examined / requests).toFixed(1)} links per request`,
  );
  console.log(
    `    worst request: ${worstCpu.toFixed(0)} ms CPU, ${(unbudgetedRequest / worstCpu).toFixed(0)}x less than unbudgeted`,
  );
}

/** A clock for the budget that also sums the intervals it measured: each regex reads it twice. */
class MeasuringClock {
  private reads = 0;
  private lastStart = 0;
  measuredMs = 0;

  get intervals(): number {
    return Math.floor(this.reads / 2);
  }

  reset(): void {
    this.reads = 0;
    this.measuredMs = 0;
  }

  read = (): number => {
    const now = performance.now();
    if (this.reads++ % 2 === 0) this.lastStart = now;
    else this.measuredMs += now - this.lastStart;
    return now;
  };
}

function serviceOver(links: Link[], budgetMs: number): { service: LinkService; clock: MeasuringClock } {
  const clock = new MeasuringClock();
  const pageTokens = new PageTokens(async () => Buffer.alloc(32, 7));
  const service = new LinkService(new InMemoryLinkStore(links), pageTokens, LINKS, undefined, undefined, {
    budgetMs,
    clock: clock.read,
  });
  return { service, clock };
}

function linksWith(description: string, count: number): Link[] {
  const start = Date.parse('2026-12-01T00:00:00.000Z');
  return Array.from({ length: count }, (_, i) =>
    aLink({
      username: 'bench',
      url: `https://example.com/${i}`,
      description,
      created_at: new Date(start + i * 1000).toISOString(),
    }),
  );
}

function cpuMs(work: () => void): number {
  const usage = process.cpuUsage();
  work();
  const used = process.cpuUsage(usage);
  return (used.user + used.system) / 1000;
}

async function cpuMsAsync(work: () => Promise<unknown>): Promise<number> {
  const usage = process.cpuUsage();
  await work();
  const used = process.cpuUsage(usage);
  return (used.user + used.system) / 1000;
}

const fmt = (samples: number[], p: number) => `${percentile(samples, p).toFixed(1)}`;
