import { describe, expect, it } from 'vitest';
import { readPage, type Page } from '../../../web/src/page-reading.ts';

/** A listing of pages by token: `pages[i]` answers the token `t<i>` (the first page, no token). */
function listing(pages: string[][]) {
  const asked: (string | undefined)[] = [];
  const fetchPage = async (token: string | undefined): Promise<Page<string>> => {
    asked.push(token);
    const at = token === undefined ? 0 : Number(token.slice(1));
    return { items: pages[at]!, nextToken: at + 1 < pages.length ? `t${at + 1}` : null };
  };
  return { asked, fetchPage };
}

describe('reading a page in the web client', () => {
  it('given empty pages that still go on, when the first page is read, then the pages after them are read until one holds something', async () => {
    const { asked, fetchPage } = listing([[], [], ['a'], ['b']]);

    expect(await readPage(fetchPage, undefined)).toEqual({ items: ['a'], nextToken: 't3' });
    expect(asked).toEqual([undefined, 't1', 't2']);
  });

  it('given a list that ends empty, when read, then the empty end with no token', async () => {
    const { fetchPage } = listing([[], []]);

    expect(await readPage(fetchPage, undefined)).toEqual({ items: [], nextToken: null });
  });

  it('given more empty pages than it reads past, when read, then it stops with the token to go on from', async () => {
    const { asked, fetchPage } = listing(Array.from({ length: 20 }, () => []));

    const page = await readPage(fetchPage, 't2');

    expect(page.items).toEqual([]);
    expect(page.nextToken).toBe('t8');
    expect(asked).toEqual(['t2', 't3', 't4', 't5', 't6', 't7']);
  });
});
