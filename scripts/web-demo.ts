import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { startRuntime, type Runtime } from '../local/runtime.ts';
import { ensureWebClientBuilt, WEB_CLIENT_BUILD } from '../local/web-client.ts';

/**
 * What `npm run bench:web` and `npm run docs:screenshots` share: the local runtime in memory serving the built
 * web client, demo data that looks like real use, Debian's Chromium, and signing in as a person does.
 */

/** Debian's Chromium (`apt-get install chromium`); CHROMIUM_PATH names another. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** How long the client may take to show a screen; generous for a busy machine. */
const SCREEN_TIMEOUT_MS = 30_000;
/** How long the news fan-out (asynchronous, through the links stream) may take to reach the demo's reader. */
const NEWS_TIMEOUT_MS = 60_000;

/** The runtime in memory on free ports, the client built first when its build is stale. */
export async function startDemoRuntime(): Promise<Runtime> {
  // Quiet functions: no log or metric lines between the figures (set before the first handler module loads).
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  // The demo's links point at real sites: nothing is fetched from them, their checks are recorded by hand.
  process.env.LINK_CHECKS_ENABLED = 'false';
  await ensureWebClientBuilt();
  return startRuntime({
    port: 0,
    dynamoDbPort: 0,
    queuesPort: 0,
    prefix: 'demo-',
    webClientBuild: WEB_CLIENT_BUILD,
  });
}

interface DemoLink {
  url: string;
  title: string;
  description?: string;
  tags: string[];
  private?: boolean;
  /** The recorded check: an HTTP status (valid under 400), or none for a link not checked yet. */
  checked?: number;
}

interface DemoPerson {
  username: string;
  follows: string[];
}

/** Who reads the demo: their links, news and people are what the screenshots and Lighthouse look at. */
export const DEMO_READER = 'alice';
/** Whose public profile the demo shows. */
export const DEMO_PROFILE = 'bob';

const PEOPLE: DemoPerson[] = [
  { username: 'alice', follows: ['bob', 'carol'] },
  { username: 'bob', follows: ['alice'] },
  { username: 'carol', follows: ['alice', 'bob'] },
  { username: 'dave', follows: ['alice'] },
];

/** Added after everyone follows, so that each public one is news to its owner's followers. */
const LINKS: Record<string, DemoLink[]> = {
  alice: [
    {
      url: 'https://go.dev/',
      title: 'The Go Programming Language',
      description: 'Build simple, secure, scalable systems with Go',
      tags: ['go', 'programming'],
      checked: 200,
    },
    {
      url: 'https://kubernetes.io/docs/concepts/',
      title: 'Kubernetes concepts',
      description: 'Pods, services, deployments and the control plane',
      tags: ['k8s', 'ops'],
      checked: 200,
    },
    {
      url: 'https://www.postgresql.org/docs/current/indexes.html',
      title: 'PostgreSQL: Indexes',
      tags: ['databases', 'sql'],
      checked: 200,
    },
    {
      url: 'https://example.com/talks/2019/serverless-patterns',
      title: 'Serverless patterns (conference talk)',
      tags: ['serverless', 'talks'],
      checked: 404,
    },
    {
      url: 'https://www.theperfectloaf.com/beginners-sourdough-bread/',
      title: 'Beginner sourdough bread',
      description: 'Timeline, starter and shaping, step by step',
      tags: ['baking'],
      private: true,
    },
    {
      url: 'https://developer.mozilla.org/en-US/docs/Web/Accessibility',
      title: 'Accessibility on MDN',
      tags: ['web', 'a11y'],
    },
  ],
  bob: [
    {
      url: 'https://doc.rust-lang.org/book/',
      title: 'The Rust Programming Language',
      description: 'The book, free online',
      tags: ['rust', 'programming'],
      checked: 200,
    },
    {
      url: 'https://www.typescriptlang.org/docs/handbook/2/narrowing.html',
      title: 'TypeScript handbook: Narrowing',
      tags: ['typescript', 'web'],
      checked: 200,
    },
    {
      url: 'https://aws.amazon.com/dynamodb/',
      title: 'Amazon DynamoDB',
      tags: ['aws', 'databases'],
    },
    { url: 'https://bob.example/diary', title: 'My diary', tags: ['personal'], private: true },
  ],
  carol: [
    {
      url: 'https://martinfowler.com/bliki/BoundedContext.html',
      title: 'Bounded Context',
      description: 'A central pattern in Domain-Driven Design',
      tags: ['ddd', 'architecture'],
      checked: 200,
    },
    {
      url: 'https://alistair.cockburn.us/hexagonal-architecture/',
      title: 'Hexagonal architecture',
      tags: ['architecture'],
    },
  ],
  dave: [],
};

export interface DemoData {
  origin: string;
  /** The public links that the reader's news should show, once the fan-out has delivered them. */
  expectedNews: number;
}

/** A JSON request to the runtime's API, as `username` when a token is given; fails on any error answer. */
async function call(origin: string, method: string, path: string, body?: unknown, token?: string) {
  const response = await fetch(`${origin}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
  return JSON.parse(text) as Record<string, unknown>;
}

/**
 * A few people who follow each other, their links (tagged, some private, some checked valid or invalid) and the
 * news that follows from them; returns once the reader's news has arrived (or its wait ran out, said on stderr).
 */
export async function seedDemoData(runtime: Runtime): Promise<DemoData> {
  const origin = runtime.url;
  const tokens = new Map<string, string>();
  for (const person of PEOPLE) {
    const login = await call(origin, 'POST', '/dev/login', { username: person.username });
    tokens.set(person.username, login.access_token as string);
  }
  for (const person of PEOPLE)
    for (const followee of person.follows)
      await call(origin, 'POST', '/v1/following', { username: followee }, tokens.get(person.username));

  // Loaded here, after startDemoRuntime has set the functions' environment: the adapter's modules read it.
  const { LinksForChecker } = await import('../shared/links/for-checker.ts');
  const checks = new LinksForChecker(runtime.tableNames.links);
  let expectedNews = 0;
  for (const person of PEOPLE) {
    const readerFollows = PEOPLE.find((p) => p.username === DEMO_READER)?.follows.includes(person.username);
    for (const link of LINKS[person.username] ?? []) {
      const { checked, ...fields } = link;
      const { link: added } = await call(origin, 'POST', '/v1/links', fields, tokens.get(person.username));
      if (readerFollows && !link.private) expectedNews++;
      if (checked === undefined) continue;
      await checks.recordCheck(person.username, (added as { url: string }).url, {
        status: checked < 400 ? 'valid' : 'invalid',
        httpStatus: checked,
        checkedAt: new Date().toISOString(),
        reason: `HTTP ${checked}`,
      });
    }
  }
  await waitForNews(origin, tokens.get(DEMO_READER), expectedNews);
  return { origin, expectedNews };
}

async function waitForNews(origin: string, token: string | undefined, expected: number): Promise<void> {
  const deadline = Date.now() + NEWS_TIMEOUT_MS;
  let arrived = 0;
  while (Date.now() < deadline) {
    const news = await call(origin, 'GET', '/v1/news?limit=50', undefined, token);
    arrived = (news.events as unknown[] | undefined)?.length ?? 0;
    if (arrived >= expected) return;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  console.error(`Only ${arrived} of ${expected} news items arrived in ${NEWS_TIMEOUT_MS / 1000} s.`);
}

/** Chromium, headless, as root in a container needs it (no sandbox). */
export function launchChromium(): Promise<Browser> {
  return puppeteer.launch({
    executablePath: CHROMIUM,
    headless: true,
    defaultViewport: null,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
  });
}

/**
 * Signs `page` in as `username` the way a person does on the local runtime: the sign-in screen's form. So the
 * client keeps its session however it keeps it (sessionStorage, a cookie): the page's browser context holds it
 * afterwards, and any screen opened in that context is signed in. Change this function if sign-in changes.
 */
export async function signIn(page: Page, origin: string, username: string): Promise<void> {
  await page.goto(`${origin}/sign-in`);
  await page.locator('::-p-aria(Username)').setTimeout(SCREEN_TIMEOUT_MS).fill(username);
  await page.locator('::-p-aria([name="Sign in"][role="button"])').click();
  await waitForScreen(page, 'My links');
}

/** A screen of the client as the demo shows it; `lighthouse` marks the main pages that `npm run bench:web` audits. */
export interface DemoScreen {
  name: string;
  path: string;
  /** The screen's main heading, which says it has shown. */
  title: string;
  signedIn: boolean;
  lighthouse: boolean;
}

/** The client's main screens over the demo data, as the reader sees them. Add a screen here to have it shot. */
export const DEMO_SCREENS: DemoScreen[] = [
  { name: 'sign-in', path: '/sign-in', title: 'Sign in', signedIn: false, lighthouse: true },
  { name: 'my-links', path: '/', title: 'My links', signedIn: true, lighthouse: true },
  { name: 'add', path: '/add', title: 'Add a link', signedIn: true, lighthouse: false },
  { name: 'news', path: '/news', title: 'News', signedIn: true, lighthouse: true },
  { name: 'people', path: '/people', title: 'People', signedIn: true, lighthouse: false },
  {
    name: 'profile',
    path: `/people/${DEMO_PROFILE}`,
    title: `${DEMO_PROFILE}'s links`,
    signedIn: true,
    lighthouse: true,
  },
  { name: 'account', path: '/account', title: 'Account', signedIn: true, lighthouse: false },
  { name: 'import', path: '/account/import', title: 'Import', signedIn: true, lighthouse: false },
  {
    name: 'tokens',
    path: '/account/tokens',
    title: 'Tokens and sessions',
    signedIn: true,
    lighthouse: false,
  },
];

/** Waits until the client shows the screen whose main heading is `title`. */
export async function waitForScreen(page: Page, title: string): Promise<void> {
  await page.waitForFunction(`document.querySelector('h1')?.textContent === ${JSON.stringify(title)}`, {
    timeout: SCREEN_TIMEOUT_MS,
  });
}
