import type { Locator } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { eventually } from '../support/eventually.ts';
import {
  expectNoSeriousAccessibilityViolations,
  expectNoSidewaysScroll,
  screenTitle,
  signInWithForm,
  tokenOf,
  useBrowserRuntime,
} from './helpers.ts';

/** The web client's people, news and public profile flows, and searching my links, in Chromium. */

const client = useBrowserRuntime();

async function saveLink(
  token: string,
  link: { url: string; title: string; private?: boolean },
): Promise<void> {
  const response = await fetch(`${client.url()}/v1/links`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(link),
  });
  expect(response.status).toBe(201);
}

/**
 * The pipeline behind news and search is asynchronous: `refresh` (a button, a reload) until `target` shows, for
 * 20 s at most; whether it showed is the caller's assertion.
 */
async function refreshUntilShown(target: Locator, refresh: () => Promise<void>): Promise<boolean> {
  return eventually(
    async () => {
      await refresh();
      await target.page().locator('[aria-busy="true"]').waitFor({ state: 'detached' });
      return (await target.count()) > 0;
    },
    (shown) => shown,
  );
}

describe('people, news and profiles', () => {
  it('given two users, when one follows the other who adds links, then the news shows the public one, linking to a profile that lists it, never the private one; unfollowing empties the list', async () => {
    const authorPage = await client.open('/');
    const author = await signInWithForm(authorPage, 'author');
    const readerPage = await client.open('/');
    const reader = await signInWithForm(readerPage, 'reader');

    await readerPage.getByRole('link', { name: 'People' }).click();
    await screenTitle(readerPage, 'People');
    await readerPage.getByText('You follow nobody yet.').waitFor();
    await expectNoSeriousAccessibilityViolations(readerPage);
    await expectNoSidewaysScroll(readerPage);
    await readerPage.getByLabel('Username', { exact: true }).fill(author);
    await readerPage.getByRole('button', { name: 'Follow', exact: true }).click();
    await readerPage.getByRole('status').getByText(`Following ${author}.`).waitFor();
    const following = readerPage.getByRole('list', { name: 'Following' });
    await following.getByRole('link', { name: author }).waitFor();

    // The author sees the new follower on their own People screen.
    await authorPage.getByRole('link', { name: 'People' }).click();
    await screenTitle(authorPage, 'People');
    await authorPage.getByRole('list', { name: 'Followers' }).getByRole('link', { name: reader }).waitFor();

    const authorToken = await tokenOf(authorPage);
    await saveLink(authorToken, { url: 'https://example.com/secret', title: 'Secret plans', private: true });
    await saveLink(authorToken, { url: 'https://example.com/shared', title: 'Shared reading' });

    await readerPage.getByRole('link', { name: 'News' }).click();
    await screenTitle(readerPage, 'News');
    const event = readerPage.locator('.news-event', { hasText: 'Shared reading' });
    const shown = await refreshUntilShown(event, () =>
      readerPage.getByRole('button', { name: 'Refresh' }).click(),
    );
    expect(shown, 'the public link in the news within 20 s').toBe(true);
    expect(await event.textContent()).toContain(`${author} added Shared reading`);
    expect(await readerPage.locator('.news-event', { hasText: 'Secret plans' }).count()).toBe(0);
    // Where a feed reader's address comes from.
    expect(await readerPage.getByRole('link', { name: 'Tokens and sessions' }).getAttribute('href')).toBe(
      '/account/tokens',
    );
    await expectNoSeriousAccessibilityViolations(readerPage);
    await expectNoSidewaysScroll(readerPage);

    await event.getByRole('link', { name: author }).click();
    await screenTitle(readerPage, `${author}'s links`);
    expect(new URL(readerPage.url()).pathname).toBe(`/people/${author}`);
    await readerPage.getByRole('heading', { level: 2, name: 'Shared reading' }).waitFor();
    expect(await readerPage.locator('.links .link h2').allTextContents()).toEqual(['Shared reading']);
    expect(await readerPage.getByRole('link', { name: 'Shareable page' }).getAttribute('href')).toBe(
      `/u/${author}`,
    );
    expect(await readerPage.getByRole('link', { name: 'Atom feed' }).getAttribute('href')).toBe(
      `/users/${author}/feed.atom`,
    );
    await expectNoSeriousAccessibilityViolations(readerPage);
    await expectNoSidewaysScroll(readerPage);

    await readerPage.getByRole('button', { name: `Unfollow ${author}` }).click();
    await readerPage.getByRole('button', { name: `Follow ${author}` }).waitFor();
    await readerPage.getByRole('link', { name: 'People' }).click();
    await screenTitle(readerPage, 'People');
    await readerPage.getByText('You follow nobody yet.').waitFor();
  });

  it('given a profile, when its links are searched, then only the matching public links are listed', async () => {
    const authorPage = await client.open('/');
    const author = await signInWithForm(authorPage, 'searched');
    const token = await tokenOf(authorPage);
    await saveLink(token, { url: 'https://example.com/rust', title: 'Rust ownership explained' });
    await saveLink(token, { url: 'https://example.com/go', title: 'Go concurrency patterns' });
    const page = await client.open(`/people/${author}`);
    await signInWithForm(page, 'visitor', `${author}'s links`);

    const match = page.getByRole('heading', { level: 2, name: 'Rust ownership explained' });
    await page.getByLabel('Search', { exact: true }).fill('ownership');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const shown = await refreshUntilShown(match, () => page.reload().then(() => undefined));

    expect(shown, 'the match within 20 s').toBe(true);
    expect(new URL(page.url()).searchParams.get('q')).toBe('ownership');
    expect(await page.locator('.links .link h2').allTextContents()).toEqual(['Rust ownership explained']);
  });

  it('given an unknown username, when followed, then the failure is said and the typed name stays to correct', async () => {
    const page = await client.open('/people');
    await signInWithForm(page, 'mistyped', 'People');

    await page.getByLabel('Username', { exact: true }).fill('nobody-by-this-name');
    await page.getByRole('button', { name: 'Follow', exact: true }).click();

    await page.getByRole('alert').waitFor();
    expect(await page.getByLabel('Username', { exact: true }).inputValue()).toBe('nobody-by-this-name');
    await page.getByText('You follow nobody yet.').waitFor();
  });

  it('given an unknown username, when its profile opens, then the client says there is no such user', async () => {
    const page = await client.open('/people/nobody-here-at-all');
    await signInWithForm(page, 'curious', 'No such user');

    await page.getByText('Nobody is called “nobody-here-at-all” here.').waitFor();
    await expectNoSeriousAccessibilityViolations(page);
  });
});

describe('searching my links', () => {
  it('given saved links, when a word of one title is searched, then that link is listed', async () => {
    const page = await client.open('/');
    await signInWithForm(page, 'seeker');
    const token = await tokenOf(page);
    await saveLink(token, { url: 'https://example.com/bread', title: 'Sourdough bread at home' });
    await saveLink(token, { url: 'https://example.com/bikes', title: 'Fixing bicycles' });

    await page.getByLabel('Search', { exact: true }).fill('sourdough');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const match = page.getByRole('heading', { level: 2, name: 'Sourdough bread at home' });
    const shown = await refreshUntilShown(match, () => page.reload().then(() => undefined));

    expect(shown, 'the match within 20 s').toBe(true);
    expect(await page.locator('.links .link h2').allTextContents()).toEqual(['Sourdough bread at home']);
    await expectNoSeriousAccessibilityViolations(page);
  });

  it('given a malformed query, when searched, then the problem and its position show next to the box', async () => {
    const page = await client.open('/');
    await signInWithForm(page, 'typo');

    await page.getByLabel('Search', { exact: true }).fill('"unclosed');
    await page.getByRole('button', { name: 'Search', exact: true }).click();

    const problem = page.locator('#search-problem');
    await problem.waitFor();
    expect(await problem.textContent()).toBe('Invalid search: unclosed quote (at offset 0)');
    expect(await page.getByLabel('Search', { exact: true }).getAttribute('aria-describedby')).toBe(
      'search-problem',
    );
    await expectNoSeriousAccessibilityViolations(page);
  });
});
