import { Parser } from 'htmlparser2';
import { cutText } from '../text.ts';

/** The readable text kept of a page (its first 100 KB), which search indexes beside the link's own words. */
export const MAX_PAGE_TEXT_LENGTH = 100 * 1024;

/** Elements whose content is no text a reader sees. */
const HIDDEN = new Set(['script', 'style', 'noscript', 'template', 'svg', 'math', 'head']);
/** Elements that end a line of text: their words must not run into the next element's. */
const BREAKS = new Set([
  'p',
  'div',
  'br',
  'li',
  'ul',
  'ol',
  'tr',
  'td',
  'th',
  'table',
  'section',
  'article',
  'header',
  'footer',
  'nav',
  'aside',
  'main',
  'h1',
  'h2',
  'h3',
  'h4',
  'h5',
  'h6',
  'pre',
  'blockquote',
  'dd',
  'dt',
  'hr',
  'title',
]);

/**
 * The readable text of an HTML document, with a real HTML parser (htmlparser2): entities decoded, scripts,
 * styles and other hidden elements skipped, block elements kept apart, whitespace collapsed, cut at
 * MAX_PAGE_TEXT_LENGTH. The `<title>` is left out: the link has it already.
 */
export function extractText(html: string): string {
  const pieces: string[] = [];
  let length = 0;
  let hiddenDepth = 0;
  const parser = new Parser(
    {
      onopentag(name) {
        if (HIDDEN.has(name)) hiddenDepth++;
        else if (BREAKS.has(name)) pieces.push(' ');
      },
      ontext(data) {
        if (hiddenDepth > 0 || length > MAX_PAGE_TEXT_LENGTH) return;
        pieces.push(data);
        length += data.length;
      },
      onclosetag(name) {
        if (HIDDEN.has(name)) hiddenDepth = Math.max(0, hiddenDepth - 1);
        else if (BREAKS.has(name)) pieces.push(' ');
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  return cutText(pieces.join('').replace(/\s+/gu, ' ').trim(), MAX_PAGE_TEXT_LENGTH);
}
