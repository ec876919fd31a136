import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseDocument, DomUtils } from 'htmlparser2';
import lighthouse, { desktopConfig, generateReport, type Config, type Result } from 'lighthouse';
import { computeMedianRun } from 'lighthouse/core/lib/median-run.js';
import type { Browser, Page } from 'puppeteer-core';
import { ensureWebClientBuilt, WEB_CLIENT_BUILD } from '../local/web-client.ts';
import { ASSETS_PREFIX } from '../web/src/paths.ts';
import {
  DEMO_READER,
  DEMO_SCREENS,
  launchChromium,
  seedDemoData,
  signIn,
  startDemoRuntime,
} from '../scripts/web-demo.ts';

/**
 * `npm run bench:web`: the web client's production build and Lighthouse on it.
 *
 * 1. The first load: the JavaScript and CSS that build/web/index.html references (scripts, stylesheets and
 *    module preloads), each gzipped (zlib's default level, as a server compresses), and their total against
 *    FIRST_LOAD_TARGET_KB; the build's other assets (chunks loaded lazily) are listed apart.
 * 2. Lighthouse (performance and accessibility) on the main screens over demo data (scripts/web-demo.ts), served by
 *    the local runtime in memory and loaded by Debian's Chromium (CHROMIUM_PATH overrides), with its mobile
 *    preset and its desktop preset (FORM_FACTORS=mobile or desktop runs one). Signed-in screens are signed in
 *    through the sign-in form first; Lighthouse clears the cache, not the session, before it loads the page.
 *    RUNS (1) audits each screen that many times and shows the median run (Lighthouse's own pick: the run
 *    closest to the median FCP and interactive time); a first load, not measured, warms the browser up. The
 *    HTML reports go to build/lighthouse/.
 *
 * Lighthouse's performance score is measured on this machine's CPU (its mobile preset multiplies that by 4), so
 * the load average is printed beside each score: read a score on a busy machine as a lower bound, and run again
 * on a quiet one. Prints numbers and whether each target holds; never part of `npm test`.
 */
const FIRST_LOAD_TARGET_KB = 100;
const PERFORMANCE_TARGET = 90;
const ACCESSIBILITY_TARGET = 95;
const FORM_FACTORS = (process.env.FORM_FACTORS ?? 'mobile,desktop').split(',') as FormFactor[];
const RUNS = Number(process.env.RUNS ?? 1);
const REPORTS = join(WEB_CLIENT_BUILD, '..', 'lighthouse');

type FormFactor = 'mobile' | 'desktop';
const CONFIGS: Record<FormFactor, Config | undefined> = { mobile: undefined, desktop: desktopConfig };

interface Asset {
  file: string;
  bytes: number;
  gzipped: number;
}

function asset(path: string): Asset {
  const body = readFileSync(join(WEB_CLIENT_BUILD, path));
  return { file: path, bytes: body.length, gzipped: gzipSync(body).length };
}

/** The scripts, stylesheets and module preloads that index.html makes the browser fetch before it can start. */
function firstLoadFiles(): string[] {
  const document = parseDocument(readFileSync(join(WEB_CLIENT_BUILD, 'index.html'), 'utf8'));
  const scripts = DomUtils.getElementsByTagName('script', document)
    .map((script) => script.attribs.src)
    .filter((src): src is string => !!src);
  const links = DomUtils.getElementsByTagName('link', document)
    .filter((link) => ['stylesheet', 'modulepreload'].includes(link.attribs.rel ?? ''))
    .map((link) => link.attribs.href)
    .filter((href): href is string => !!href);
  return [...new Set([...scripts, ...links])].map((path) => path.replace(/^\//, ''));
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
const holds = (ok: boolean) => (ok ? 'holds' : 'MISSED');
const load = () =>
  loadavg()
    .map((n) => n.toFixed(1))
    .join(' ');

function printFirstLoad(): void {
  const firstLoad = firstLoadFiles().map(asset);
  const firstLoadNames = new Set(firstLoad.map((a) => a.file));
  const assetsFolder = ASSETS_PREFIX.replace(/^\/|\/$/g, '');
  const lazy = readdirSync(join(WEB_CLIENT_BUILD, assetsFolder))
    .map((name) => `${assetsFolder}/${name}`)
    .filter((file) => !firstLoadNames.has(file))
    .map(asset);
  const row = (a: Asset) =>
    `  ${a.file.padEnd(40)} ${kb(a.bytes).padStart(10)} ${kb(a.gzipped).padStart(10)}`;
  console.log(
    `\nFirst load (index.html's scripts, styles and preloads)   ${'raw'.padStart(10)} ${'gzipped'.padStart(10)}`,
  );
  firstLoad.forEach((a) => console.log(row(a)));
  const total = firstLoad.reduce((sum, a) => sum + a.gzipped, 0);
  console.log(
    `  total ${kb(total)} gzipped: target under ${FIRST_LOAD_TARGET_KB} KB ${holds(total < FIRST_LOAD_TARGET_KB * 1024)}`,
  );
  console.log(`  index.html itself: ${kb(asset('index.html').gzipped)} gzipped`);
  console.log(`Loaded later (lazy chunks and other assets)`);
  if (lazy.length === 0) console.log('  none');
  lazy.forEach((a) => console.log(row(a)));
}

interface Audit {
  screen: string;
  formFactor: FormFactor;
  lhr: Result;
  loadAverage: string;
}

const score = (lhr: Result, category: string) => Math.round((lhr.categories[category]?.score ?? 0) * 100);
const metric = (lhr: Result, id: string) => lhr.audits[id]?.numericValue ?? NaN;

function printAudits(audits: Audit[]): void {
  const header = [
    'screen',
    'device',
    'perf',
    'a11y',
    'FCP ms',
    'LCP ms',
    'TBT ms',
    'CLS',
    'load avg (1 5 15)',
  ];
  const widths = [10, 8, 5, 5, 7, 7, 7, 6, 18];
  const line = (cells: string[]) => '  ' + cells.map((c, n) => c.padEnd(widths[n]!)).join(' ');
  console.log(
    `\nLighthouse (targets: performance ${PERFORMANCE_TARGET}, accessibility ${ACCESSIBILITY_TARGET})`,
  );
  console.log(line(header));
  for (const { screen, formFactor, lhr, loadAverage } of audits) {
    console.log(
      line([
        screen,
        formFactor,
        String(score(lhr, 'performance')),
        String(score(lhr, 'accessibility')),
        metric(lhr, 'first-contentful-paint').toFixed(0),
        metric(lhr, 'largest-contentful-paint').toFixed(0),
        metric(lhr, 'total-blocking-time').toFixed(0),
        metric(lhr, 'cumulative-layout-shift').toFixed(3),
        loadAverage,
      ]),
    );
  }
  const lowest = (category: string) => Math.min(...audits.map((a) => score(a.lhr, category)));
  console.log(
    `  lowest performance ${lowest('performance')}: target ${PERFORMANCE_TARGET} ${holds(lowest('performance') >= PERFORMANCE_TARGET)}` +
      `; lowest accessibility ${lowest('accessibility')}: target ${ACCESSIBILITY_TARGET} ${holds(lowest('accessibility') >= ACCESSIBILITY_TARGET)}`,
  );
  for (const { screen, formFactor, lhr } of audits) {
    const failing = Object.values(lhr.audits).filter(
      (audit) => audit.scoreDisplayMode !== 'informative' && audit.score !== null && audit.score < 0.9,
    );
    const warnings = [lhr.runtimeError?.message, ...lhr.runWarnings].filter(Boolean);
    if (failing.length || warnings.length)
      console.log(
        `  ${screen} (${formFactor}): ${[...failing.map((a) => `${a.id} ${a.displayValue ?? a.score}`), ...warnings].join('; ')}`,
      );
  }
  console.log(`  reports: ${REPORTS}/`);
}

/** One Lighthouse run of `url` in a browser context of its own: its own session and cache, nothing carried over. */
async function audit(
  browser: Browser,
  url: string,
  formFactor: FormFactor,
  before: (page: Page) => Promise<void>,
): Promise<Result> {
  const context = await browser.createBrowserContext();
  try {
    const page = await context.newPage();
    await before(page);
    const result = await lighthouse(
      url,
      { logLevel: 'error', onlyCategories: ['performance', 'accessibility'] },
      CONFIGS[formFactor],
      page,
    );
    if (!result) throw new Error(`Lighthouse returned nothing for ${url}`);
    return result.lhr;
  } finally {
    await context.close();
  }
}

async function runLighthouse(): Promise<Audit[]> {
  const runtime = await startDemoRuntime();
  const browser = await launchChromium();
  const audits: Audit[] = [];
  try {
    const { origin } = await seedDemoData(runtime);
    mkdirSync(REPORTS, { recursive: true });
    // The browser's first page pays for starting its renderer and compiling its own code: not the client's cost.
    await audit(browser, `${origin}/sign-in`, 'desktop', async () => {});
    for (const formFactor of FORM_FACTORS)
      for (const screen of DEMO_SCREENS.filter((s) => s.lighthouse)) {
        const runs: Result[] = [];
        for (let run = 0; run < RUNS; run++)
          runs.push(
            await audit(browser, `${origin}${screen.path}`, formFactor, async (page) => {
              if (screen.signedIn) await signIn(page, origin, DEMO_READER);
            }),
          );
        const lhr = RUNS > 1 ? computeMedianRun(runs) : runs[0]!;
        writeFileSync(join(REPORTS, `${screen.name}-${formFactor}.html`), generateReport(lhr, 'html'));
        audits.push({ screen: screen.name, formFactor, lhr, loadAverage: load() });
        console.log(`  audited ${screen.name} (${formFactor}), load average ${load()}`);
      }
  } finally {
    await browser.close();
    await runtime.stop();
  }
  return audits;
}

console.log(`Delinkcious web client: first load and Lighthouse (load average ${load()} on this machine)`);
await ensureWebClientBuilt();
printFirstLoad();
printAudits(await runLighthouse());
