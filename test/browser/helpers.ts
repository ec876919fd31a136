import { AxeBuilder } from '@axe-core/playwright';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { WEB_CLIENT_BUILD } from '../../local/web-client.ts';
import type { Runtime } from '../../local/runtime.ts';
import { aUsername } from '../e2e/helpers.ts';
import { startTestRuntime } from '../support/runtime.ts';

/** Debian's Chromium (`apt-get install chromium`); Playwright's own browser download cannot work here. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
/** A phone-sized screen: every screen must work at this width. */
export const PHONE = { width: 375, height: 740 };
/** How long a step may wait for the page; generous for a loaded machine, well under the test's own timeout. */
const STEP_TIMEOUT_MS = 15_000;

/** The test file's runtime, serving the built web client beside the API; its URL once it has started. */
export function useClientRuntime(): { url: () => string } {
  let runtime: Runtime | undefined;
  beforeAll(async () => {
    runtime = await startTestRuntime({ webClientBuild: WEB_CLIENT_BUILD });
  });
  afterAll(async () => {
    await runtime?.stop();
  });
  return {
    url: () => {
      if (!runtime) throw new Error('The runtime starts before the first test.');
      return runtime.url;
    },
  };
}

/**
 * The test file's runtime (useClientRuntime) and one Chromium; each test gets a fresh browser context (its own
 * sessionStorage) on a phone-sized screen. A missing Chromium fails the file: a browser test that skipped would
 * prove nothing, and CI installs it (.ci/run).
 */
export function useBrowserRuntime() {
  const { url } = useClientRuntime();
  let browser: Browser | undefined;
  const contexts: BrowserContext[] = [];
  beforeAll(async () => {
    if (!existsSync(CHROMIUM))
      throw new Error(`Chromium is missing at ${CHROMIUM}: install it with apt-get install -y chromium.`);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterEach(async () => {
    await Promise.all(contexts.splice(0).map((context) => context.close()));
  });
  afterAll(async () => {
    await browser?.close();
  });
  return {
    url,
    /** A new page in a context of its own, at `path` of the client. */
    async open(path: string): Promise<Page> {
      if (!browser) throw new Error('The browser starts before the first test.');
      const context = await browser.newContext({ viewport: PHONE });
      contexts.push(context);
      context.setDefaultTimeout(STEP_TIMEOUT_MS);
      const page = await context.newPage();
      await page.goto(`${url()}${path}`);
      return page;
    },
  };
}

/** A login token for `username` from the local runtime's dev login, without the browser. */
export async function devLoginToken(base: string, username: string): Promise<string> {
  const login = await fetch(`${base}/dev/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username }),
  });
  return ((await login.json()) as { access_token: string }).access_token;
}

/**
 * The token of the page's browser session, read from its HttpOnly cookie as only the browser itself can (no script
 * of the page sees it): to prepare data or call the API directly as the reader, or end the session behind its back.
 */
export async function tokenOf(page: Page): Promise<string> {
  const cookies = await page.context().cookies();
  const session = cookies.find((cookie) => cookie.name === 'delinkcious_session');
  if (!session) throw new Error('not signed in: no session cookie');
  return decodeURIComponent(session.value);
}

/** The screen's main heading, once it shows. */
export async function screenTitle(page: Page, name: string): Promise<void> {
  await page.getByRole('heading', { level: 1, name, exact: true }).waitFor();
}

/** Signs in on the sign-in screen with the local form; the client then shows `landing` (by its heading). */
export async function signInWithForm(page: Page, base: string, landing = 'My links'): Promise<string> {
  const username = aUsername(base);
  await screenTitle(page, 'Sign in');
  await page.getByLabel('Username').fill(username);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
  await screenTitle(page, landing);
  return username;
}

/** axe on the page as it is now: no serious or critical violation (the bar). */
export async function expectNoSeriousAccessibilityViolations(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.id}: ${violation.help} (${violation.nodes.map((n) => n.target).join(', ')})`,
    );
  expect(serious, `axe on ${page.url()}`).toEqual([]);
}

/** The page fits a phone's width: nothing makes the reader scroll sideways. */
export async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const width = Number(await page.evaluate('document.documentElement.scrollWidth'));
  expect(width, `page width on ${page.url()}`).toBeLessThanOrEqual(PHONE.width);
}
