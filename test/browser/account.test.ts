import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import {
  expectNoSeriousAccessibilityViolations,
  expectNoSidewaysScroll,
  screenTitle,
  signInWithForm,
  tokenOf,
  useBrowserRuntime,
} from './helpers.ts';

/** The web client's account area in Chromium: importing a file, exporting, and personal tokens. */

const client = useBrowserRuntime();

const PINBOARD_JSON = fileURLToPath(new URL('../fixtures/bookmarks/pinboard.json', import.meta.url));

/** Opens the account area from the header, then one of its screens from its own navigation. */
async function openAccountScreen(page: Page, name: string, title = name): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();
  await screenTitle(page, 'Account');
  await page.getByRole('navigation', { name: 'Account' }).getByRole('link', { name, exact: true }).click();
  await screenTitle(page, title);
}

/** Fills the new token form of the Tokens and sessions screen and creates the token. */
async function createToken(page: Page, token: { name: string; scope: string; days?: string }): Promise<void> {
  await page.getByLabel('Name').fill(token.name);
  await page.getByLabel('Scope').selectOption(token.scope);
  if (token.days !== undefined) await page.getByLabel('Expires after (days)').fill(token.days);
  await page.getByRole('button', { name: 'Create token' }).click();
}

async function saveLink(token: string, link: { url: string; title: string; tags?: string[] }): Promise<void> {
  const response = await fetch(`${client.url()}/v1/links`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(link),
  });
  expect(response.status).toBe(201);
}

/**
 * The texts the import's status line shows, in order, from now on: recorded in the page as they change (a script
 * in the page's terms, as a string: the tests have no DOM types).
 */
async function recordImportStatuses(page: Page): Promise<() => Promise<string[]>> {
  await page.evaluate(`(() => {
    const seen = (window.importStatuses = []);
    new MutationObserver(() => {
      const text = document.querySelector('.import-status')?.textContent ?? '';
      if (text && seen.at(-1) !== text) seen.push(text);
    }).observe(document.body, { subtree: true, childList: true, characterData: true });
  })()`);
  return async () => (await page.evaluate('window.importStatuses')) as string[];
}

/** Chooses a file of `bytes` bytes in the file field, made in the page (sending 10 MiB over CDP takes long). */
async function chooseGeneratedFile(page: Page, name: string, bytes: number): Promise<void> {
  await page.evaluate(`(() => {
    const input = document.getElementById('import-file');
    const chosen = new DataTransfer();
    chosen.items.add(new File([new Uint8Array(${bytes})], ${JSON.stringify(name)}, { type: 'text/html' }));
    input.files = chosen.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
  })()`);
}

describe('the account area', () => {
  it('given a signed-in reader, when the account area opens, then it links its screens, accessibly, at phone width', async () => {
    const page = await client.open('/');
    await signInWithForm(page, 'account');

    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Account' }).click();

    await screenTitle(page, 'Account');
    const screens = page.getByRole('main').getByRole('listitem').getByRole('link');
    expect(await screens.allTextContents()).toEqual(['Import', 'Export', 'Tokens and sessions']);
    await expectNoSeriousAccessibilityViolations(page);
    await expectNoSidewaysScroll(page);
  });
});

describe('import', () => {
  it('given a Pinboard JSON file, when imported, then its progress shows until done with the counts and the error with its line, and the links are in My links', async () => {
    const page = await client.open('/');
    await signInWithForm(page, 'importer');
    await openAccountScreen(page, 'Import');
    await page.getByText('No imports yet.').waitFor();
    await expectNoSeriousAccessibilityViolations(page);
    await expectNoSidewaysScroll(page);

    const statuses = await recordImportStatuses(page);
    await page.getByLabel('Bookmark file').setInputFiles(PINBOARD_JSON);
    await page.getByRole('button', { name: 'Import', exact: true }).click();

    // The import runs asynchronously (bucket notification, queue, function): longer than one step of the page.
    // The import's own status, not the past imports' list, which may show the same words once it refreshes.
    await page
      .getByRole('status')
      .getByText(/^Done: /)
      .waitFor({ timeout: 60_000 });
    const seen = await statuses();
    expect(seen[0], 'the first state shown is progress, not the end').toMatch(
      /^(Waiting for the file|Importing)/,
    );
    expect(seen.at(-1)).toBe('Done: 4 entries read; 3 links imported, 0 duplicates skipped, 1 error.');
    const error = page.getByRole('list', { name: 'Errors' }).getByRole('listitem');
    expect(await error.textContent()).toMatch(/^Line 3: javascript:void\(0\)/);
    await page.getByRole('list', { name: 'Past imports' }).getByText('done', { exact: true }).waitFor();
    await expectNoSeriousAccessibilityViolations(page);
    await expectNoSidewaysScroll(page);

    await page.getByRole('link', { name: 'See them in My links' }).click();
    await screenTitle(page, 'My links');
    await page.getByRole('heading', { level: 2, name: 'Beating the Averages' }).waitFor();
    expect(await page.locator('.links .link h2').allTextContents()).toEqual(
      expect.arrayContaining(['Pinboard: how to', 'The Website Obesity Crisis', 'Beating the Averages']),
    );
  });

  it('given a file over 10 MiB, when chosen, then the reader is told before anything is uploaded, and no import starts', async () => {
    const page = await client.open('/');
    await signInWithForm(page, 'big-file');
    await openAccountScreen(page, 'Import');
    const started: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/v1/imports')) started.push(request.url());
    });

    await chooseGeneratedFile(page, 'huge.html', 10 * 1024 * 1024 + 1);
    await page.getByRole('button', { name: 'Import', exact: true }).click();

    const problem = page.getByRole('alert');
    await problem.waitFor();
    expect(await problem.textContent()).toBe(
      'huge.html is 10.0 MiB; an import takes at most 10 MiB. Split it, or export fewer bookmarks.',
    );
    expect(await page.getByLabel('Bookmark file').getAttribute('aria-invalid')).toBe('true');
    expect(started).toEqual([]);
  });
});

describe('export', () => {
  it.each([
    ['Download JSON', /^delinkcious-exporter-.*\.json$/],
    ['Download bookmark file (HTML)', /^delinkcious-exporter-.*\.html$/],
  ])('given links, when "%s" is pressed, then the file downloads with every link', async (button, name) => {
    const page = await client.open('/');
    await signInWithForm(page, 'exporter');
    const token = await tokenOf(page);
    await saveLink(token, { url: 'https://go.dev/', title: 'Go', tags: ['lang'] });
    await saveLink(token, { url: 'https://www.rust-lang.org/', title: 'Rust & co' });
    await openAccountScreen(page, 'Export');
    await expectNoSeriousAccessibilityViolations(page);
    await expectNoSidewaysScroll(page);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: button }).click(),
    ]);

    expect(download.suggestedFilename()).toMatch(name);
    const content = await readFile(await download.path(), 'utf8');
    if (button === 'Download JSON') {
      const file = JSON.parse(content) as { links: { url: string; title: string; tags: string[] }[] };
      expect(file.links.map(({ url, title, tags }) => ({ url, title, tags }))).toEqual([
        { url: 'https://www.rust-lang.org/', title: 'Rust & co', tags: [] },
        { url: 'https://go.dev/', title: 'Go', tags: ['lang'] },
      ]);
    } else {
      expect(content).toMatch(/^<!DOCTYPE NETSCAPE-Bookmark-file-1>/);
      expect(content).toContain('<DT><A HREF="https://go.dev/"');
      expect(content).toContain('TAGS="lang">Go</A>');
      expect(content).toContain('>Rust &amp; co</A>');
    }
    await page.getByText('The download has started.').waitFor();
    expect(new URL(page.url()).pathname, 'the page stays').toBe('/account/export');
  });
});

describe('personal tokens', () => {
  it('given a reader, when a read token is created, then its secret shows once, reads links, cannot write, and once revoked is refused', async () => {
    const page = await client.open('/');
    await signInWithForm(page, 'scripter');
    await saveLink(await tokenOf(page), { url: 'https://example.com/kept', title: 'Kept' });
    await openAccountScreen(page, 'Tokens and sessions');
    await page.getByText('No personal tokens yet.').waitFor();
    await expectNoSeriousAccessibilityViolations(page);
    await expectNoSidewaysScroll(page);

    await createToken(page, { name: 'backup script', scope: 'read', days: '30' });

    const secretField = page.getByRole('textbox', { name: 'Token', exact: true });
    await secretField.waitFor();
    await page.getByText('Shown only now:').waitFor();
    const secret = await secretField.inputValue();
    expect(secret).toMatch(/^dlk_/);
    expect(await page.evaluate('document.activeElement?.id'), 'the secret has the focus').toBe(
      'token-secret',
    );
    await expectNoSeriousAccessibilityViolations(page);
    await expectNoSidewaysScroll(page);
    const listed = page.getByRole('list', { name: 'Personal tokens' }).getByRole('listitem');
    await listed.getByRole('heading', { name: 'backup script' }).waitFor();
    expect(await listed.locator('dd').allTextContents()).toEqual([
      'read',
      expect.any(String),
      expect.any(String),
      'never',
    ]);

    const asScript = (init: RequestInit = {}) =>
      fetch(`${client.url()}/v1/links`, {
        ...init,
        headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' },
      });
    const read = await asScript();
    expect(read.status).toBe(200);
    expect(((await read.json()) as { links: { title: string }[] }).links.map((link) => link.title)).toEqual([
      'Kept',
    ]);
    const write = await asScript({ method: 'POST', body: JSON.stringify({ url: 'https://example.com/no' }) });
    expect(write.status).toBe(403);

    await page.getByRole('button', { name: 'Done, hide it' }).click();
    expect(await secretField.count()).toBe(0);
    await page.getByRole('button', { name: 'Revoke backup script' }).click();
    await page.getByRole('button', { name: 'Yes, revoke backup script' }).click();
    await page.getByText('No personal tokens yet.').waitFor();

    expect((await asScript()).status).toBe(401);
    await page.reload();
    await screenTitle(page, 'Tokens and sessions');
    await page.getByRole('list', { name: 'Login sessions' }).getByText('this one').waitFor();
    expect(await secretField.count(), 'the secret is never shown again').toBe(0);
  });

  it("given a reader, when a feed token is created, then the notice also gives the news feed's address, which a feed reader can read", async () => {
    const page = await client.open('/');
    await signInWithForm(page, 'subscriber');
    await openAccountScreen(page, 'Tokens and sessions');

    await createToken(page, { name: 'feed reader', scope: 'feed' });

    const feedField = page.getByRole('textbox', { name: 'Your news feed, for a feed reader' });
    await feedField.waitFor();
    const secret = await page.getByRole('textbox', { name: 'Token', exact: true }).inputValue();
    const address = await feedField.inputValue();
    expect(address).toBe(`${client.url()}/feeds/news/${secret}.atom`);
    await page.getByRole('button', { name: 'Copy feed address' }).waitFor();
    await expectNoSeriousAccessibilityViolations(page);
    await expectNoSidewaysScroll(page);
    // As a feed reader would: no headers, no cookie.
    const feed = await fetch(address);
    expect(feed.status).toBe(200);
    expect(feed.headers.get('content-type')).toBe('application/atom+xml; charset=utf-8');
  });

  it('given a read token, when created, then the notice gives no feed address: a feed takes only a feed token', async () => {
    const page = await client.open('/');
    await signInWithForm(page, 'no-feed');
    await openAccountScreen(page, 'Tokens and sessions');

    await createToken(page, { name: 'reader script', scope: 'read' });

    await page.getByRole('textbox', { name: 'Token', exact: true }).waitFor();
    expect(await page.getByRole('textbox', { name: 'Your news feed, for a feed reader' }).count()).toBe(0);
  });

  it('given a signed-in reader, when logging out everywhere, then the session ends and the client asks to sign in', async () => {
    const page = await client.open('/');
    await signInWithForm(page, 'everywhere');
    const token = await tokenOf(page);
    await openAccountScreen(page, 'Tokens and sessions');

    await page.getByRole('button', { name: 'Log out everywhere' }).click();

    await screenTitle(page, 'Sign in');
    const after = await fetch(`${client.url()}/v1/links`, { headers: { authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
  });
});
