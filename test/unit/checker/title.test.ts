import { describe, expect, it } from 'vitest';
import { charsetOf, decodePage, extractTitle, isHtml } from '../../../shared/checker/title.ts';

describe('the page title, from a real HTML parser', () => {
  it('given a plain title, then it is the title, trimmed', () => {
    expect(extractTitle('<html><head><title>  Golang  </title></head></html>')).toBe('Golang');
  });

  it('given entities, named and numeric, then they are decoded', () => {
    expect(extractTitle('<title>Tom &amp; Jerry &#8211; &quot;the&quot; &eacute;t&#xE9; &lt;3</title>')).toBe(
      'Tom & Jerry – "the" été <3',
    );
  });

  it('given line breaks and runs of spaces, then they collapse to single spaces', () => {
    expect(extractTitle('<title>\n   The\tGo\n\n  Programming   Language\n</title>')).toBe(
      'The Go Programming Language',
    );
  });

  it('given markup-looking text inside the title, then it is text (RCDATA), not tags', () => {
    expect(extractTitle('<title>a <b>bold</b> claim</title>')).toBe('a <b>bold</b> claim');
  });

  it('given an inline SVG with its own title before the document title, then the SVG title is ignored', () => {
    const html = '<body><svg><title>icon</title></svg><title>The page</title></body>';

    expect(extractTitle(html)).toBe('The page');
  });

  it('given two titles, then the first counts', () => {
    expect(extractTitle('<title>First</title><title>Second</title>')).toBe('First');
  });

  it('given no title, an empty one or one of whitespace, then there is none', () => {
    expect(extractTitle('<html><body>no title</body></html>')).toBeUndefined();
    expect(extractTitle('<title></title>')).toBeUndefined();
    expect(extractTitle('<title> \n </title>')).toBeUndefined();
  });

  it('given an unclosed title, then the text up to the end counts', () => {
    expect(extractTitle('<title>Broken page')).toBe('Broken page');
  });

  it('given a title longer than a link title may be, then it is cut to 512 characters', () => {
    const title = extractTitle(`<title>${'x'.repeat(600)}</title>`);

    expect(title).toHaveLength(512);
  });

  it('given a long title of emoji, then the cut never splits a character', () => {
    const title = extractTitle(`<title>${'😀'.repeat(300)}</title>`)!;

    expect(title.length).toBeLessThanOrEqual(512);
    expect(title).toBe('😀'.repeat(256));
  });
});

describe('the page text, in its character set', () => {
  /** The title of a page given as bytes, as the check reads it: decoded, then parsed. */
  const titleOf = (body: Uint8Array, contentType: string | null) =>
    extractTitle(decodePage(body, contentType));
  const latin1 = Buffer.from('<title>Caf\xe9 cr\xe8me</title>', 'latin1');

  it('given a charset in the Content-Type, then the bytes are read in it', () => {
    expect(titleOf(latin1, 'text/html; charset=ISO-8859-1')).toBe('Café crème');
  });

  it('given a <meta charset>, then it is used when the header names none', () => {
    const page = Buffer.concat([Buffer.from('<meta charset="windows-1252">'), latin1]);

    expect(charsetOf(page, 'text/html')).toBe('windows-1252');
    expect(titleOf(page, 'text/html')).toBe('Café crème');
  });

  it('given an http-equiv Content-Type meta, then its charset is used', () => {
    const page = Buffer.concat([
      Buffer.from('<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">'),
      latin1,
    ]);

    expect(titleOf(page, null)).toBe('Café crème');
  });

  it('given nothing declared, then UTF-8; given an unknown charset, then UTF-8 too', () => {
    expect(decodePage(Buffer.from('<title>日本語</title>'), 'text/html')).toContain('日本語');
    expect(titleOf(Buffer.from('<title>ok ✓</title>'), 'text/html; charset=x-no-such')).toBe('ok ✓');
  });

  it('given a UTF-8 byte order mark, then it wins over the header', () => {
    const page = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('<title>Ünïcödé</title>')]);

    expect(titleOf(page, 'text/html; charset=iso-8859-1')).toBe('Ünïcödé');
  });

  it('knows HTML from other content types', () => {
    expect(isHtml('text/html')).toBe(true);
    expect(isHtml('TEXT/HTML; charset=utf-8')).toBe(true);
    expect(isHtml('application/xhtml+xml')).toBe(true);
    expect(isHtml('application/json')).toBe(false);
    expect(isHtml('text/plain')).toBe(false);
    expect(isHtml(null)).toBe(false);
  });
});
