import { Parser } from 'htmlparser2';
import { MAX_DESCRIPTION_LENGTH, MAX_TAGS, MAX_TITLE_LENGTH } from '../links/model.ts';
import { dateFromEpoch, EntryChecker, tagOf, type RawBookmark } from './entry.ts';
import { LineCounter } from './lines.ts';
import type { ParsedItem } from './model.ts';

/**
 * The Netscape bookmark file, as browsers (Chrome, Firefox, Safari, Edge) and bookmark services (linkding,
 * Pinboard, Raindrop, Pocket) write it:
 *
 *     <!DOCTYPE NETSCAPE-Bookmark-file-1>
 *     <DL><p>
 *       <DT><H3 ADD_DATE="...">Folder</H3>
 *       <DL><p>
 *         <DT><A HREF="..." ADD_DATE="..." LAST_MODIFIED="..." PRIVATE="1" TAGS="a,b">Title</A>
 *         <DD>Description
 *       </DL><p>
 *     </DL>
 *
 * It is HTML that nobody closes properly (`<DT>`, `<DD>` and `<p>` never are), so it is read with htmlparser2's
 * streaming, forgiving parser: tags in any case, unclosed ones closed where HTML would, entities decoded (the
 * named and numeric ones of HTML only: no file can define its own, so there is nothing to expand into a bomb).
 *
 * - Each folder (`<H3>` followed by its `<DL>`) gives its name as a tag (lower-cased, spaces to hyphens) to every
 *   bookmark inside it, at any depth, except the browsers' own roots, which say nothing about the bookmark:
 *   folders marked `PERSONAL_TOOLBAR_FOLDER` or `UNFILED_BOOKMARKS_FOLDER`, and top-level folders named as
 *   browsers name their roots (`BROWSER_ROOT_FOLDERS`: "Bookmarks bar", "Other bookmarks", "Favorites", ...).
 * - `TAGS` is split on commas; Pocket's `<a time_added=... tags=...>` in a `<ul>` list reads the same way.
 * - `ADD_DATE` / `LAST_MODIFIED` (Pocket: `time_added`) are epoch seconds (see `dateFromEpoch` for others).
 * - `PRIVATE="1"` is private, `PRIVATE="0"` public; a file that does not say (a browser's) is private: the
 *   owner's own bookmarks should not appear on their public profile unless they said so.
 * - A `<DD>` right after a bookmark is its description; one after a folder is the folder's and is ignored.
 */
export function* parseNetscape(text: string): Generator<ParsedItem> {
  const reader = new NetscapeReader(text);
  for (let offset = 0; offset < text.length; offset += CHUNK_LENGTH) {
    reader.write(text.slice(offset, offset + CHUNK_LENGTH));
    yield* reader.drain();
    if (reader.tooDeep) return;
  }
  reader.end();
  yield* reader.drain();
}

/** The text is fed to the parser in chunks, so that items come out while the file is read. */
const CHUNK_LENGTH = 64 * 1024;

/**
 * Open elements past which the rest of the file is not read: the parser's own stack of open elements costs
 * time in proportion to its depth at each tag, so a file of nothing but `<DL>` would take quadratic time.
 * Real files nest folders a few levels deep; 10,000 folders nested still read.
 */
export const MAX_OPEN_ELEMENTS = 40_000;

/** The names browsers give their own top-level folders, lower-cased (Chrome, Edge, Firefox, Safari). */
export const BROWSER_ROOT_FOLDERS: ReadonlySet<string> = new Set([
  'bookmarks bar',
  'bookmarks toolbar',
  'bookmarks menu',
  'other bookmarks',
  'mobile bookmarks',
  'favorites',
  'favourites',
  'favorites bar',
  'favourites bar',
  'other favorites',
  'other favourites',
  'mobile favorites',
  'bookmarksbar',
  'bookmarksmenu',
]);

interface Folder {
  /** Tags of this folder and its ancestors, at most the API's limit. */
  tags: readonly string[];
}

/** The text of an element being read, cut a little past the longest that could be kept. */
class TextCapture {
  private text = '';
  constructor(private readonly max: number) {}
  add(data: string): void {
    if (this.text.length <= this.max) this.text += data.slice(0, this.max + 1 - this.text.length);
  }
  get value(): string {
    return this.text;
  }
}

class NetscapeReader {
  private readonly items: ParsedItem[] = [];
  private readonly checker = new EntryChecker();
  private readonly lines: LineCounter;
  private readonly parser: Parser;
  private readonly folders: Folder[] = [];
  /** The open elements, as the parser reports them (each opened one is closed exactly once). */
  private openElements = 0;
  tooDeep = false;

  /** A folder's name, read from `<H3>`, waiting for the `<DL>` of its bookmarks. */
  private folderName: TextCapture | undefined;
  private pendingFolder: { tag: string } | undefined;
  private folderIsRoot = false;
  private folderIsTopLevel = false;

  /** The bookmark being read: its `<A>` text, then maybe a `<DD>`. */
  private bookmark: RawBookmark | undefined;
  private title: TextCapture | undefined;
  private description: TextCapture | undefined;

  constructor(text: string) {
    this.lines = new LineCounter(text);
    this.parser = new Parser(
      {
        onopentag: (name, attributes) => this.open(name, attributes),
        onclosetag: (name) => this.close(name),
        ontext: (data) => {
          this.title?.add(data);
          this.description?.add(data);
          this.folderName?.add(data);
        },
      },
      { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true },
    );
  }

  write(chunk: string): void {
    this.parser.write(chunk);
  }

  end(): void {
    this.parser.end();
    this.finishBookmark();
  }

  drain(): ParsedItem[] {
    return this.items.splice(0);
  }

  private open(name: string, attributes: Record<string, string>): void {
    this.openElements++;
    if (this.openElements > MAX_OPEN_ELEMENTS && !this.tooDeep) {
      this.tooDeep = true;
      this.finishBookmark();
      this.items.push({
        kind: 'error',
        error: {
          line: this.lines.lineAt(this.parser.startIndex),
          reason: `elements nested more than ${MAX_OPEN_ELEMENTS} deep: the rest of the file is not read`,
        },
      });
      this.parser.pause();
      return;
    }
    switch (name) {
      case 'a':
        this.finishBookmark();
        this.pendingFolder = undefined;
        this.startBookmark(attributes);
        break;
      case 'dd':
        // An <A> left open ends at the <DD>.
        this.commitTitle();
        if (this.bookmark && !this.description) this.description = new TextCapture(MAX_DESCRIPTION_LENGTH);
        break;
      case 'h3':
        this.finishBookmark();
        this.folderName = new TextCapture(MAX_TITLE_LENGTH);
        this.folderIsRoot =
          attributes.personal_toolbar_folder === 'true' || attributes.unfiled_bookmarks_folder === 'true';
        this.folderIsTopLevel = this.folders.length <= 1;
        break;
      case 'dl':
        this.finishBookmark();
        this.enterFolder();
        break;
      case 'dt':
        this.finishBookmark();
        break;
    }
  }

  private close(name: string): void {
    this.openElements--;
    switch (name) {
      case 'a':
        // The title is read; a <DD> may follow with the description.
        this.commitTitle();
        break;
      case 'dd':
        if (this.description) this.finishBookmark();
        break;
      case 'h3':
        if (this.folderName) {
          const name = this.folderName.value.trim().toLowerCase();
          const isRoot = this.folderIsRoot || (this.folderIsTopLevel && BROWSER_ROOT_FOLDERS.has(name));
          const tag = isRoot ? '' : tagOf(name);
          this.pendingFolder = { tag };
          this.folderName = undefined;
        }
        break;
      case 'dl':
        this.finishBookmark();
        this.folders.pop();
        break;
    }
  }

  private startBookmark(attributes: Record<string, string>): void {
    const privateFlag = attributes.private;
    this.bookmark = {
      line: this.lines.lineAt(this.parser.startIndex),
      href: attributes.href,
      title: '',
      description: '',
      tags: [...this.currentFolderTags(), ...(attributes.tags ?? '').split(',')],
      private: privateFlag === undefined ? true : privateFlag.trim() === '1',
      created: dateFromEpoch(attributes.add_date ?? attributes.time_added),
      updated: dateFromEpoch(attributes.last_modified),
    };
    this.title = new TextCapture(MAX_TITLE_LENGTH);
  }

  private finishBookmark(): void {
    const bookmark = this.bookmark;
    if (!bookmark) return;
    this.commitTitle();
    if (this.description) bookmark.description = this.description.value;
    this.bookmark = undefined;
    this.title = undefined;
    this.description = undefined;
    this.items.push(this.checker.check(bookmark));
  }

  private commitTitle(): void {
    if (this.bookmark && this.title) this.bookmark.title = this.title.value;
    this.title = undefined;
  }

  private enterFolder(): void {
    const parent = this.currentFolderTags();
    const tag = this.pendingFolder?.tag;
    this.pendingFolder = undefined;
    const tags = tag && parent.length < MAX_TAGS && !parent.includes(tag) ? [...parent, tag] : parent;
    this.folders.push({ tags });
  }

  private currentFolderTags(): readonly string[] {
    return this.folders.at(-1)?.tags ?? [];
  }
}
