import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { toLinkResponse } from '../../shared/links/schemas.ts';
import { aLink } from '../support/builders.ts';
import {
  devLoginToken,
  expectNoSeriousAccessibilityViolations,
  expectNoSidewaysScroll,
  screenTitle,
  signInWithForm,
  tokenOf,
  useBrowserRuntime,
} from './helpers.ts';

/** The web client's link flows in Chromium, against the local runtime that serves it. */

const client = useBrowserRuntime();

/** The listed links' titles, top to bottom. */
async function listedTitles(page: Page): Promise<string[]> {
  return page.locator('.links .link h2').allTextContents();
}

async function addLink(page: Page, fields: { url: string; title: string; tags?: string }): Promise<void> {
  await page.getByRole('link', { name: 'Add', exact: true }).click();
  await screenTitle(page, 'Add a link');
  await page.getByLabel('URL').fill(fields.url);
  await page.getByLabel('Title').fill(fields.title);
  if (fields.tags) await page.getByLabel('Tags').fill(fields.tags);
  await page.getByRole('button', { name: 'Save link' }).click();
  await screenTitle(page, 'My links');
  await page.getByRole('heading', { level: 2, name: fields.title }).waitFor();
}

describe('signing in', () => {
  it('given no session, when the client opens, then it asks to sign in, and the dev form signs in to an empty list', async () => {
    const page = await client.open('/');

    await screenTitle(page, 'Sign in');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
    expect(await page.getByRole('link', { name: 'Sign in with GitHub' }).getAttribute('href')).toBe('/login');
    await expectNoSeriousAccessibilityViolations(page);
    await expectNoSidewaysScroll(page);

    await signInWithForm(page, 'first');

    expect(new URL(page.url()).pathname).toBe('/');
    await page.getByText('No links yet.').waitFor();
    await expectNoSeriousAccessibilityViolations(page);
  });

  it('given the dev form, when it signs in, then the session is an HttpOnly cookie: no token in sessionStorage, a reload stays signed in, and Sign out ends it', async () => {
    const page = await client.open('/');
    const username = await signInWithForm(page, 'cookie');

    const [cookie] = (await page.context().cookies()).filter((c) => c.name === 'delinkcious_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax', path: '/' });
    expect(await page.evaluate(() => JSON.stringify(sessionStorage))).toBe('{}');
    expect(await page.evaluate('document.cookie')).toBe('');

    await page.reload();
    await screenTitle(page, 'My links');
    const token = await tokenOf(page);

    await page.getByRole('button', { name: `Sign out ${username}` }).click();
    await screenTitle(page, 'Sign in');
    expect((await page.context().cookies()).map((c) => c.name)).not.toContain('delinkcious_session');
    const afterSignOut = await fetch(`${client.url()}/v1/me`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(afterSignOut.status).toBe(401);
    await page.goto(`${client.url()}/`);
    await screenTitle(page, 'Sign in');
  });

  it('given a service without the local sign-in (a deployed stack: /dev/login is 404), then the sign-in screen offers no username form', async () => {
    const page = await client.open('/sign-in');
    await page.route('**/dev/login', (route) =>
      route.fulfill({
        status: 404,
        contentType: 'application/json',
        body: '{"error":{"code":"not_found","message":"No route."}}',
      }),
    );
    await page.reload();

    await screenTitle(page, 'Sign in');
    await page.getByLabel('Access token').waitFor();
    expect(await page.getByLabel('Username').count()).toBe(0);
  });

  it('given a personal token, when pasted, then the reader is signed in as its owner, for this tab', async () => {
    const token = await devLoginToken(client.url(), 'pasted');
    const page = await client.open('/');
    await screenTitle(page, 'Sign in');

    await page.getByLabel('Access token').fill(token);
    await page.getByRole('button', { name: 'Use token' }).click();

    await screenTitle(page, 'My links');
    await page.getByRole('button', { name: 'Sign out pasted' }).waitFor();
  });

  it('given a signed-in reader whose token is revoked, when the client next calls the API (401), then it goes back to sign in', async () => {
    const page = await client.open('/');
    await signInWithForm(page, 'revoked');
    const token = await tokenOf(page);
    const logout = await fetch(`${client.url()}/logout`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(logout.status).toBe(204);

    await page.getByRole('link', { name: 'Add', exact: true }).click();
    await screenTitle(page, 'Add a link');
    await page.getByLabel('URL').fill('https://example.com/after-revocation');
    await page.getByRole('button', { name: 'Save link' }).click();

    await screenTitle(page, 'Sign in');
    expect(new URL(page.url()).pathname).toBe('/sign-in');
  });
});

describe('my links', () => {
  it('given a signed-in reader, when a link is added with the form, then it is listed, pending its check, with its tags', async () => {
    const page = await client.open('/');
    await signInWithForm(page, 'adder');
    await page.getByRole('link', { name: 'Add', exact: true }).click();
    await screenTitle(page, 'Add a link');
    await expectNoSeriousAccessibilityViolations(page);
    await expectNoSidewaysScroll(page);

    await page.getByLabel('URL').fill('https://example.com/go-tour');
    await page.getByLabel('Title').fill('A tour of Go');
    await page.getByLabel('Description').fill('Learn Go in the browser');
    await page.getByLabel('Tags').fill('Go learning');
    await page.getByRole('button', { name: 'Save link' }).click();

    await screenTitle(page, 'My links');
    const item = page.locator('.link', { hasText: 'A tour of Go' });
    await item.waitFor();
    expect(await item.locator('.badge').first().textContent()).toBe('pending');
    expect(await item.locator('.tag').allTextContents()).toEqual(['tag go', 'tag learning']);
    expect(await item.getByRole('link', { name: 'A tour of Go', exact: true }).getAttribute('href')).toBe(
      'https://example.com/go-tour',
    );
    await expectNoSeriousAccessibilityViolations(page);
    await expectNoSidewaysScroll(page);
  });

  it('given the answer of an add is lost on its way back, when the client sends it again, then the link is added once and shown, not refused as a duplicate', async () => {
    const page = await client.open('/');
    await signInWithForm(page, 'flaky');
    const sent: { key: string | null; status?: number; replayed?: string | null }[] = [];
    await page.route('**/v1/links', async (route) => {
      if (route.request().method() !== 'POST') return route.continue();
      const key = route.request().headers()['idempotency-key'] ?? null;
      // The service does the work and answers; the connection then breaks before the answer reaches the page.
      const response = await route.fetch();
      sent.push({ key, status: response.status(), replayed: response.headers()['idempotent-replayed'] });
      if (sent.length === 1) return route.abort('connectionreset');
      return route.fulfill({ response });
    });

    await addLink(page, { url: 'https://example.com/flaky', title: 'Flaky network' });

    expect(sent).toEqual([
      { key: expect.stringMatching(/^[0-9a-f-]{36}$/), status: 201, replayed: undefined },
      { key: sent[0]!.key, status: 201, replayed: 'true' },
    ]);
    expect(await listedTitles(page)).toEqual(['Flaky network']);
    await expect(page.getByRole('alert').count()).resolves.toBe(0);
  });

  it('given a listed link, when its title is edited, then the list shows the new title', async () => {
    const page = await client.open('/');
    await signInWithForm(page, 'editor');
    await addLink(page, { url: 'https://example.com/draft', title: 'Draft title', tags: 'one two' });

    await page.getByRole('link', { name: 'Edit Draft title' }).click();
    await screenTitle(page, 'Edit link');
    expect(await page.getByLabel('URL').inputValue()).toBe('https://example.com/draft');
    expect(await page.getByLabel('Tags').inputValue()).toBe('one two');
    await expectNoSeriousAccessibilityViolations(page);
    await page.getByLabel('Title').fill('Final title');
    await page.getByLabel('Tags').fill('two three');
    await page.getByRole('button', { name: 'Save changes' }).click();

    await screenTitle(page, 'My links');
    const item = page.locator('.link', { hasText: 'Final title' });
    await item.waitFor();
    expect(await listedTitles(page)).toEqual(['Final title']);
    expect(await item.locator('.tag').allTextContents()).toEqual(['tag three', 'tag two']);
  });

  it('given a link beyond the first filtered page, when it is edited, then the client follows next_token to find it', async () => {
    const page = await client.open('/');
    await signInWithForm(page, 'far');
    const far = toLinkResponse(aLink({ url: 'https://example.com/far', title: 'Far away', tags: ['old'] }));
    // A filtered listing examines a bounded number of links per request: it may answer an empty page that goes on.
    await page.route('**/v1/links?*', (route) => {
      const startToken = new URL(route.request().url()).searchParams.get('start_token');
      return route.fulfill({
        json:
          startToken === 'further'
            ? { links: [far], next_token: null }
            : { links: [], next_token: 'further' },
      });
    });

    await page.goto(`${client.url()}/edit?url=${encodeURIComponent(far.url)}`);

    await screenTitle(page, 'Edit link');
    await page.getByLabel('Title').waitFor();
    expect(await page.getByLabel('Title').inputValue()).toBe('Far away');
  });

  it('given a listed link, when it is deleted, then it leaves the list, and Undo (which takes the focus) brings it back', async () => {
    const page = await client.open('/');
    await signInWithForm(page, 'deleter');
    await addLink(page, { url: 'https://example.com/older', title: 'Older' });
    await addLink(page, { url: 'https://example.com/doomed', title: 'Doomed', tags: 'keep' });

    await page.getByRole('button', { name: 'Delete Doomed' }).click();

    await page.getByText('Deleted “Doomed”.').waitFor();
    expect(await listedTitles(page)).toEqual(['Older']);
    expect(await page.evaluate('document.activeElement?.textContent'), 'the focused element').toBe('Undo');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { level: 2, name: 'Doomed' }).waitFor();
    expect(await listedTitles(page)).toEqual(['Doomed', 'Older']);
    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Doomed' }).waitFor();
    expect(await page.locator('.link', { hasText: 'Doomed' }).locator('.tag').allTextContents()).toEqual([
      'tag keep',
    ]);
  });

  it('given more links than a page, when More is pressed, then the next page follows; a tag shows only its links', async () => {
    const page = await client.open('/');
    const username = await signInWithForm(page, 'pager');
    const token = await tokenOf(page);
    for (let n = 1; n <= 23; n++) {
      const response = await fetch(`${client.url()}/v1/links`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          url: `https://example.com/${username}/${n}`,
          title: `Link ${n}`,
          tags: n % 2 ? 'odd' : 'even',
        }),
      });
      expect(response.status).toBe(201);
    }
    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Link 23' }).waitFor();
    expect(await listedTitles(page)).toHaveLength(20);

    await page.getByRole('button', { name: 'More links' }).click();
    await page.getByRole('heading', { level: 2, name: 'Link 1', exact: true }).waitFor();
    expect(await listedTitles(page)).toHaveLength(23);
    expect(await page.getByRole('button', { name: 'More links' }).count()).toBe(0);

    await page.getByLabel('Tag').fill('even');
    await page.getByRole('button', { name: 'Filter' }).click();
    await screenTitle(page, 'My links tagged even');
    await page.getByRole('heading', { level: 2, name: 'Link 23' }).waitFor({ state: 'detached' });
    await page.getByRole('heading', { level: 2, name: 'Link 22' }).waitFor();
    expect(await listedTitles(page)).toEqual(Array.from({ length: 11 }, (_, i) => `Link ${22 - 2 * i}`));
  });

  it('given the API answers 429, when the list loads, then the reader is told to wait the Retry-After seconds and retry', async () => {
    const page = await client.open('/');
    await signInWithForm(page, 'limited');
    await page.route('**/v1/links?*', (route) =>
      route.fulfill({
        status: 429,
        headers: { 'retry-after': '7', 'content-type': 'application/json; charset=utf-8' },
        body: JSON.stringify({ error: { code: 'rate_limited', message: 'Too many requests' } }),
      }),
    );

    await page.reload();

    await page.getByRole('alert').getByText('Too many requests: wait 7 seconds and retry.').waitFor();
    expect(await page.getByRole('button', { name: 'Retry' }).isDisabled()).toBe(true);
  });
});

describe("links' health and snapshots", () => {
  it('given checked links, when listed, then each shows its health in words, and a snapshot opens as a download', async () => {
    const page = await client.open('/');
    await signInWithForm(page, 'checked');
    const listing = {
      links: [
        aLink({ url: 'https://example.com/fine', title: 'Fine', status: 'valid', http_status: 200 }),
        aLink({ url: 'https://example.com/gone', title: 'Gone', status: 'invalid', http_status: 404 }),
        aLink({ url: 'https://example.com/new', title: 'New' }),
      ].map(toLinkResponse),
      next_token: null,
    };
    // The checker is off in tests: the listing and the snapshot's download URL are the API's answers, as given.
    await page.route('**/v1/links?*', (route) => route.fulfill({ json: listing }));
    await page.route('**/v1/links/snapshot?*', (route) =>
      route.fulfill({ json: { download_url: `${client.url()}/healthz?snapshot`, expires_in_seconds: 300 } }),
    );
    await page.reload();
    await page.getByRole('heading', { level: 2, name: 'Fine' }).waitFor();

    const health = (title: string) =>
      page.locator('.link', { hasText: title }).locator('.badge').first().textContent();
    expect(await health('Fine')).toBe('valid');
    expect(await health('Gone')).toBe('invalid (HTTP 404)');
    expect(await health('New')).toBe('pending');
    expect(await page.getByRole('button', { name: 'Snapshot of New' }).count()).toBe(0);
    await expectNoSeriousAccessibilityViolations(page);

    await page.getByRole('button', { name: 'Snapshot of Fine' }).click();
    await page.waitForURL(`${client.url()}/healthz?snapshot`);
  });
});

describe('the bookmarklet', () => {
  it('given the bookmarklet address /add?url=&title= before signing in, when the reader signs in, then the add form is filled in, and one click saves it', async () => {
    const addForm = `/add?url=${encodeURIComponent('https://example.com/read-later')}&title=${encodeURIComponent('Read later')}`;
    const page = await client.open(addForm);

    // GitHub's sign-in would bring the browser back to the same form.
    await screenTitle(page, 'Sign in');
    const gitHub = await page.getByRole('link', { name: 'Sign in with GitHub' }).getAttribute('href');
    expect(new URL(gitHub!, client.url()).searchParams.get('next')).toBe(addForm);
    await signInWithForm(page, 'bookmarker', 'Add a link');

    expect(await page.getByLabel('URL').inputValue()).toBe('https://example.com/read-later');
    expect(await page.getByLabel('Title').inputValue()).toBe('Read later');
    await page.getByRole('button', { name: 'Save link' }).click();
    await screenTitle(page, 'My links');
    await page.getByRole('heading', { level: 2, name: 'Read later' }).waitFor();
    expect(await listedTitles(page)).toEqual(['Read later']);
  });

  it("given the help screen, when read, then it offers the bookmarklet, a javascript: link to this origin's add form", async () => {
    const page = await client.open('/');
    await signInWithForm(page, 'helper');

    await page.getByRole('link', { name: 'Help' }).click();
    await screenTitle(page, 'Help');

    const href = await page.getByRole('link', { name: 'Save to Delinkcious' }).getAttribute('href');
    expect(href).toMatch(/^javascript:/);
    expect(href).toContain(`${client.url()}/add?url=`);
    await expectNoSeriousAccessibilityViolations(page);
    await expectNoSidewaysScroll(page);
  });
});
