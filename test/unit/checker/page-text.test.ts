import { describe, expect, it } from 'vitest';
import { extractText, MAX_PAGE_TEXT_LENGTH } from '../../../shared/checker/page-text.ts';
import { decodePage } from '../../../shared/checker/title.ts';

describe('extractText: the readable text of a page', () => {
  it('given scripts, styles and a head, when extracted, then only the visible words remain, whitespace collapsed', () => {
    const html = `<html><head><title>Title</title><style>p { color: red }</style></head>
      <body><script>var secret = 1;</script><p>Hello   &amp;
      welcome</p><noscript>enable js</noscript><div>Second</div></body></html>`;

    expect(extractText(html)).toBe('Hello & welcome Second');
  });

  it('given adjacent block elements, when extracted, then their words stay apart', () => {
    expect(extractText('<ul><li>one</li><li>two</li></ul><p>three</p>')).toBe('one two three');
  });

  it('given a page longer than the bound, when extracted, then the text is cut at it', () => {
    const text = extractText(`<p>${'word '.repeat(MAX_PAGE_TEXT_LENGTH)}</p>`);

    expect(text.length).toBe(MAX_PAGE_TEXT_LENGTH);
  });

  it('given the bytes of a page in its character set, when decoded and extracted, then the text reads right', () => {
    expect(extractText(decodePage(Buffer.from('<p>Grüße</p>'), 'text/html; charset=utf-8'))).toBe('Grüße');
  });
});
