import { DomUtils, parseDocument } from 'htmlparser2';
import type { Element } from 'domhandler';

/** An Atom document as a test reads it back: parsed as XML (htmlparser2 in XML mode), text decoded. */
export interface ParsedAtom {
  id: string | undefined;
  title: string | undefined;
  updated: string | undefined;
  links: { rel: string; href: string }[];
  authors: string[];
  entries: ParsedEntry[];
}

export interface ParsedEntry {
  id: string | undefined;
  title: string | undefined;
  /** The title as a feed reader shows it: the `type="html"` text decoded once more. */
  shownTitle: string | undefined;
  updated: string | undefined;
  published: string | undefined;
  links: { rel: string; href: string }[];
  summary: string | undefined;
  /** The summary as a feed reader shows it. */
  shownSummary: string | undefined;
  categories: string[];
  authors: string[];
}

const children = (parent: Element, name: string) =>
  parent.children.filter((node): node is Element => node.type === 'tag' && node.name === name);
const textOf = (parent: Element, name: string) => {
  const [element] = children(parent, name);
  return element ? DomUtils.textContent(element) : undefined;
};
const linksOf = (parent: Element) =>
  children(parent, 'link').map((link) => ({
    rel: link.attribs['rel'] ?? 'alternate',
    href: link.attribs['href'] ?? '',
  }));
const authorsOf = (parent: Element) =>
  children(parent, 'author').map((author) => textOf(author, 'name') ?? '');

/** Decodes the entities of `type="html"` text, as a feed reader does before it renders it as HTML. */
function decodeHtmlText(html: string): string {
  const document = parseDocument(`<p>${html}</p>`, { decodeEntities: true });
  return DomUtils.textContent(document);
}

export function parseAtom(xml: string): ParsedAtom {
  const document = parseDocument(xml, { xmlMode: true, decodeEntities: true });
  const feed = DomUtils.findOne((node) => node.name === 'feed', document.children, false);
  if (!feed) throw new Error('no <feed> element');
  if (feed.attribs['xmlns'] !== 'http://www.w3.org/2005/Atom') throw new Error('not in the Atom namespace');
  return {
    id: textOf(feed, 'id'),
    title: textOf(feed, 'title'),
    updated: textOf(feed, 'updated'),
    links: linksOf(feed),
    authors: authorsOf(feed),
    entries: children(feed, 'entry').map((entry) => {
      const title = textOf(entry, 'title');
      const titleType = children(entry, 'title')[0]?.attribs['type'];
      const summary = textOf(entry, 'summary');
      const summaryType = children(entry, 'summary')[0]?.attribs['type'];
      return {
        id: textOf(entry, 'id'),
        title,
        shownTitle: title !== undefined && titleType === 'html' ? decodeHtmlText(title) : title,
        updated: textOf(entry, 'updated'),
        published: textOf(entry, 'published'),
        links: linksOf(entry),
        summary,
        shownSummary: summary !== undefined && summaryType === 'html' ? decodeHtmlText(summary) : summary,
        categories: children(entry, 'category').map((category) => category.attribs['term'] ?? ''),
        authors: authorsOf(entry),
      };
    }),
  };
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;
const isIri = (value: string | undefined) => value !== undefined && /^[a-z][a-z0-9+.-]*:\S+$/i.test(value);

/**
 * What the Atom RFC (4287, section 4.1) requires and the feed lacks: on the feed, exactly one id (an IRI), title
 * and updated (a date-time), an author unless every entry has one, and (as the contract adds) links rel="self"
 * and rel="alternate"; on each entry, id, title, updated and a link. Empty when the feed is valid.
 */
export function atomProblems(feed: ParsedAtom): string[] {
  const problems: string[] = [];
  if (!isIri(feed.id)) problems.push(`feed id ${feed.id} is not an IRI`);
  if (!feed.title) problems.push('feed has no title');
  if (!feed.updated || !RFC3339.test(feed.updated))
    problems.push(`feed updated ${feed.updated} is not a date`);
  for (const rel of ['self', 'alternate']) {
    if (!feed.links.some((link) => link.rel === rel && isIri(link.href)))
      problems.push(`no link rel="${rel}"`);
  }
  if (feed.authors.length === 0 && !feed.entries.every((entry) => entry.authors.length > 0)) {
    problems.push('no author on the feed nor on every entry');
  }
  const ids = new Set<string>();
  for (const [i, entry] of feed.entries.entries()) {
    if (!isIri(entry.id)) problems.push(`entry ${i} id ${entry.id} is not an IRI`);
    if (entry.id && ids.has(entry.id)) problems.push(`entry ${i} repeats id ${entry.id}`);
    if (entry.id) ids.add(entry.id);
    if (entry.title === undefined) problems.push(`entry ${i} has no title`);
    if (!entry.updated || !RFC3339.test(entry.updated)) problems.push(`entry ${i} updated is not a date`);
    if (entry.published !== undefined && !RFC3339.test(entry.published)) {
      problems.push(`entry ${i} published is not a date`);
    }
    if (!entry.links.some((link) => link.rel === 'alternate' && link.href))
      problems.push(`entry ${i} has no link`);
  }
  return problems;
}

/** What no XML 1.0 document may hold, escaped or not. */
const NOT_XML_CHARACTER = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;

/** Text as a feed can show it: each character XML 1.0 cannot carry as U+FFFD. */
export const asXmlText = (text: string) => text.replace(new RegExp(NOT_XML_CHARACTER.source, 'gu'), '\ufffd');

/**
 * The characters of a document that XML 1.0 forbids, as code points: a strict parser (libxml2, a browser's, most
 * feed readers') refuses the whole document for one of them, where htmlparser2 above reads on.
 */
export function notXmlCharacters(xml: string): string[] {
  return [...xml].filter((c) => NOT_XML_CHARACTER.test(c)).map((c) => `U+${c.codePointAt(0)!.toString(16)}`);
}
