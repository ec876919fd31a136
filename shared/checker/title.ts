import { Parser } from 'htmlparser2';
import { TextDecoder } from 'node:util';
import { MAX_TITLE_LENGTH } from '../links/model.ts';
import { cutText } from '../text.ts';

/**
 * Reading an HTML page: its text in the right character set, and its `<title>`.
 * The title comes from a real HTML parser (htmlparser2): entities decoded, `<title>` elements inside inline
 * SVG or MathML ignored (those name a drawing, not the page), whitespace collapsed and trimmed, cut to the
 * longest title a link may have.
 */

const HTML_TYPES = new Set(['text/html', 'application/xhtml+xml']);

/** The media type without parameters, lower-cased: `text/html; charset=utf-8` -> `text/html`. */
function mediaType(contentType: string | null | undefined): string | undefined {
  const type = contentType?.split(';')[0]?.trim().toLowerCase();
  return type || undefined;
}

export function isHtml(contentType: string | null | undefined): boolean {
  const type = mediaType(contentType);
  return type !== undefined && HTML_TYPES.has(type);
}

const charsetParameter = (value: string) => /charset\s*=\s*["']?([\w.:-]+)/i.exec(value)?.[1];

/**
 * The page's character set: a byte order mark, else the Content-Type header's, else a `<meta>` declaration
 * within the first 1,024 bytes (the HTML standard's prescan, simplified), else UTF-8.
 */
export function charsetOf(body: Uint8Array, contentType: string | null | undefined): string {
  if (body[0] === 0xef && body[1] === 0xbb && body[2] === 0xbf) return 'utf-8';
  if (body[0] === 0xfe && body[1] === 0xff) return 'utf-16be';
  if (body[0] === 0xff && body[1] === 0xfe) return 'utf-16le';
  const declared = contentType ? charsetParameter(contentType) : undefined;
  if (declared) return declared.toLowerCase();
  const head = Buffer.from(body.subarray(0, 1024)).toString('latin1');
  const meta =
    /<meta[^>]+charset\s*=\s*["']?([\w.:-]+)/i.exec(head)?.[1] ??
    /<meta[^>]+content\s*=\s*["'][^"']*charset\s*=\s*([\w.:-]+)/i.exec(head)?.[1];
  return meta?.toLowerCase() ?? 'utf-8';
}

/** The page as text; an unknown character set is read as UTF-8, and bad bytes become U+FFFD. */
export function decodePage(body: Uint8Array, contentType: string | null | undefined): string {
  let decoder: TextDecoder;
  try {
    decoder = new TextDecoder(charsetOf(body, contentType));
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(body);
}

/** The document's title, or undefined when it has none (or only whitespace). */
export function extractTitle(html: string): string | undefined {
  let foreignDepth = 0;
  let capturing = false;
  let done = false;
  let text = '';
  const parser = new Parser(
    {
      onopentag(name) {
        if (done) return;
        if (name === 'svg' || name === 'math') foreignDepth++;
        else if (name === 'title' && foreignDepth === 0) capturing = true;
      },
      ontext(data) {
        if (capturing) text += data;
      },
      onclosetag(name) {
        if (done) return;
        if (name === 'svg' || name === 'math') foreignDepth = Math.max(0, foreignDepth - 1);
        else if (name === 'title' && capturing) {
          capturing = false;
          done = true;
        }
      },
    },
    { decodeEntities: true },
  );
  parser.end(html);
  const title = text.replace(/\s+/g, ' ').trim();
  if (!title) return undefined;
  return cutText(title, MAX_TITLE_LENGTH).trim();
}
