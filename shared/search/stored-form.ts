import MiniSearch, { type AsPlainObject, type Options } from 'minisearch';
import type SearchableMap from 'minisearch/SearchableMap';

/**
 * The stored form of a MiniSearch index, made to load in milliseconds rather than seconds.
 *
 * MiniSearch's own JSON (toJSON, loadJS) writes each term's postings as objects of `"docId": frequency` and
 * rebuilds them all as Maps when it loads: for 10,000 pages of 10 KB that is 12 million postings, 108 MB of JSON
 * and about 10 s of JSON.parse and Map building before the first search, most of it for terms that search never
 * looks at. Here the documents' side (ids, field lengths, stored fields) stays MiniSearch's JSON, and the
 * postings are one binary block, each term's bytes at an offset; loading inserts every term into MiniSearch's
 * radix tree with a placeholder (`LazyPostings`) that decodes that term's postings the first time MiniSearch
 * reads them. A search decodes only its own terms.
 *
 * Layout, little-endian: `DLSI`, the format (uint32), the header's length (uint32), the header (JSON, UTF-8:
 * the format, MiniSearch's plain object without its index, and the terms in order), one uint32 offset per term
 * plus the end, then the postings. A term's postings: its number of fields, and per field the field's id, its
 * number of documents, then each document as the gap from the previous document's short id and the term's
 * frequency there, all unsigned LEB128 varints.
 *
 * Writing drops the postings of removed documents (what MiniSearch's vacuum does), so a stored index carries no
 * dead terms: MiniSearch would otherwise sweep them while searching, changing scores from one search to the next.
 *
 * This reads one private field of MiniSearch, its inverted index (`_index`, a SearchableMap of term to field id
 * to document id to frequency); the version of minisearch is pinned in package.json, and the round-trip tests
 * (test/unit/search/index-properties.test.ts, index.test.ts) fail if that shape changes.
 */

const MAGIC = [0x44, 0x4c, 0x53, 0x49]; // "DLSI"
const PREAMBLE_BYTES = 12;

/** A term's postings as MiniSearch keeps them: field id to document short id to term frequency. */
type TermPostings = Map<number, Map<number, number>>;

interface Header {
  format: number;
  documents: AsPlainObject;
  terms: string[];
}

/** The part of MiniSearch that is not in its public API. */
interface EngineInternals {
  _index: SearchableMap<TermPostings>;
}

const internalsOf = <T>(engine: MiniSearch<T>) => engine as unknown as EngineInternals;

/** The bytes are not the stored form of the expected format: another format, or not this stored form at all. */
export class StoredFormMismatch extends Error {
  constructor(readonly found: number | undefined) {
    super(`stored index format ${String(found)}`);
    this.name = 'StoredFormMismatch';
  }
}

/** The index in its stored form; `format` is the caller's version of what the index holds. */
export function writeStoredForm<T>(engine: MiniSearch<T>, format: number): Uint8Array {
  const index = internalsOf(engine)._index;
  // MiniSearch's JSON of everything but the postings: its index swapped out for an empty one for the call.
  internalsOf(engine)._index = new (index.constructor as new () => SearchableMap<TermPostings>)();
  let documents: AsPlainObject;
  try {
    documents = engine.toJSON();
  } finally {
    internalsOf(engine)._index = index;
  }
  documents.dirtCount = 0;
  const live = new Uint8Array(documents.nextId);
  for (const shortId of Object.keys(documents.documentIds)) live[Number(shortId)] = 1;

  const terms: string[] = [];
  const offsets: number[] = [];
  const postings = new ByteWriter();
  const field = new FieldPostings();
  for (const [term, fields] of index) {
    const start = postings.length;
    if (fields instanceof LazyPostings && fields.copyEncodedTo(postings, live)) {
      // Copied as it was: no document of this term was removed since it was read.
    } else {
      const kept: FieldPostings[] = [];
      for (const [fieldId, entries] of fields) {
        field.clear(fieldId);
        if (entries instanceof LazyFieldPostings) entries.gatherInto(field, live);
        else for (const [doc, freq] of entries) if (live[doc]) field.push(doc, freq);
        if (field.count > 0) kept.push(field.sortedCopy());
      }
      if (kept.length > 0) {
        postings.varint(kept.length);
        for (const fieldPostings of kept) fieldPostings.encodeTo(postings);
      }
    }
    if (postings.length === start) continue; // every document of the term was removed
    terms.push(term);
    offsets.push(start);
  }
  offsets.push(postings.length);

  const header = Buffer.from(JSON.stringify({ format, documents, terms } satisfies Header), 'utf8');
  const out = new Uint8Array(PREAMBLE_BYTES + header.length + offsets.length * 4 + postings.length);
  const view = new DataView(out.buffer);
  out.set(MAGIC, 0);
  view.setUint32(4, format, true);
  view.setUint32(8, header.length, true);
  out.set(header, PREAMBLE_BYTES);
  let at = PREAMBLE_BYTES + header.length;
  for (const offset of offsets) {
    view.setUint32(at, offset, true);
    at += 4;
  }
  out.set(postings.bytes(), at);
  return out;
}

/** Loads what writeStoredForm wrote, the postings left encoded until read; throws StoredFormMismatch. */
export function readStoredForm<T>(bytes: Uint8Array, format: number, options: Options<T>): MiniSearch<T> {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const found =
    bytes.length >= PREAMBLE_BYTES && MAGIC.every((byte, i) => bytes[i] === byte)
      ? view.getUint32(4, true)
      : undefined;
  if (found !== format) throw new StoredFormMismatch(found);
  const headerEnd = PREAMBLE_BYTES + view.getUint32(8, true);
  const header = JSON.parse(
    Buffer.from(bytes.buffer, bytes.byteOffset + PREAMBLE_BYTES, headerEnd - PREAMBLE_BYTES).toString('utf8'),
  ) as Header;
  const engine = MiniSearch.loadJS(header.documents, options);
  const postingsStart = headerEnd + (header.terms.length + 1) * 4;
  const index = internalsOf(engine)._index;
  let at = headerEnd;
  let start = view.getUint32(at, true);
  for (const term of header.terms) {
    at += 4;
    const end = view.getUint32(at, true);
    index.set(
      term,
      new LazyPostings({
        bytes,
        start: postingsStart + start,
        end: postingsStart + end,
        firstNewDoc: header.documents.nextId,
      }),
    );
    start = end;
  }
  return engine;
}

/** Where a term's (or a field's) postings lie in the stored bytes, and the first short id they cannot hold. */
interface Encoded {
  bytes: Uint8Array;
  start: number;
  end: number;
  /** The index's next short id when it was read: documents added since have this one or a later one. */
  firstNewDoc: number;
}

/**
 * A term's postings, still encoded: a Map of field id to postings (what MiniSearch expects of a term's data)
 * that splits itself into its fields on first use, each field's postings left encoded (LazyFieldPostings).
 * MiniSearch only reads a term's data through Map's methods.
 */
class LazyPostings extends Map<number, Map<number, number>> {
  private encoded: Encoded | undefined;

  constructor(encoded: Encoded) {
    super();
    this.encoded = encoded;
  }

  /**
   * Writes the postings as they were read, if they are still encoded and none of their documents was removed
   * since (else false: they are to be written field by field, as any other term's).
   */
  copyEncodedTo(writer: ByteWriter, live: Uint8Array): boolean {
    if (!this.encoded) return false;
    const { bytes, start, end } = this.encoded;
    const reader = new ByteReader(bytes, start);
    for (let fieldCount = reader.varint(); fieldCount > 0; fieldCount--) {
      reader.varint(); // the field's id
      let doc = 0;
      for (let count = reader.varint(); count > 0; count--) {
        doc += reader.varint();
        reader.skipVarint(); // the frequency
        if (!live[doc]) return false;
      }
    }
    writer.append(bytes.subarray(start, end));
    return true;
  }

  private split(): void {
    if (!this.encoded) return;
    const { bytes, start, end, firstNewDoc } = this.encoded;
    this.encoded = undefined;
    const reader = new ByteReader(bytes, start);
    for (let fieldCount = reader.varint(); fieldCount > 0; fieldCount--) {
      const fieldId = reader.varint();
      const fieldStart = reader.at;
      for (let varints = reader.varint() * 2; varints > 0; varints--) reader.skipVarint();
      super.set(fieldId, new LazyFieldPostings({ bytes, start: fieldStart, end: reader.at, firstNewDoc }));
    }
    if (reader.at !== end) throw new Error('search index postings are corrupt');
  }

  override get size(): number {
    this.split();
    return super.size;
  }
  override get(fieldId: number): Map<number, number> | undefined {
    this.split();
    return super.get(fieldId);
  }
  override has(fieldId: number): boolean {
    this.split();
    return super.has(fieldId);
  }
  override set(fieldId: number, entries: Map<number, number>): this {
    this.split();
    return super.set(fieldId, entries);
  }
  override delete(fieldId: number): boolean {
    this.split();
    return super.delete(fieldId);
  }
  override clear(): void {
    this.encoded = undefined;
    super.clear();
  }
  override forEach(
    callback: (value: Map<number, number>, key: number, map: Map<number, Map<number, number>>) => void,
    thisArg?: unknown,
  ): void {
    this.split();
    super.forEach(callback, thisArg);
  }
  override keys(): MapIterator<number> {
    this.split();
    return super.keys();
  }
  override values(): MapIterator<Map<number, number>> {
    this.split();
    return super.values();
  }
  override entries(): MapIterator<[number, Map<number, number>]> {
    this.split();
    return super.entries();
  }
  override [Symbol.iterator](): MapIterator<[number, Map<number, number>]> {
    this.split();
    return super[Symbol.iterator]();
  }
}

/**
 * One field's postings of a term (document short id to frequency), decoded on first read. A document added
 * after the index was read (MiniSearch's add: a get, then a set, of its own short id) is kept beside the
 * encoded postings without decoding them, so that indexing a page of common words does not decode the index.
 */
class LazyFieldPostings extends Map<number, number> {
  private encoded: Encoded | undefined;

  constructor(encoded: Encoded) {
    super();
    this.encoded = encoded;
  }

  /** Adds the live documents to what is gathered to be written, decoding into no Map. */
  gatherInto(field: FieldPostings, live: Uint8Array): void {
    if (this.encoded) {
      const reader = new ByteReader(this.encoded.bytes, this.encoded.start);
      let doc = 0;
      for (let count = reader.varint(); count > 0; count--) {
        doc += reader.varint();
        const freq = reader.varint();
        if (live[doc]) field.push(doc, freq);
      }
    }
    for (const [doc, freq] of super.entries()) if (live[doc]) field.push(doc, freq);
  }

  private decode(): void {
    if (!this.encoded) return;
    const { bytes, start, end } = this.encoded;
    this.encoded = undefined;
    const added = [...super.entries()];
    super.clear();
    const reader = new ByteReader(bytes, start);
    let doc = 0;
    for (let count = reader.varint(); count > 0; count--) {
      doc += reader.varint();
      super.set(doc, reader.varint());
    }
    if (reader.at !== end) throw new Error('search index postings are corrupt');
    for (const [addedDoc, freq] of added) super.set(addedDoc, freq);
  }

  /** Whether this document's entry cannot be among the encoded ones. */
  private isNew(doc: number): boolean {
    return this.encoded !== undefined && doc >= this.encoded.firstNewDoc;
  }

  override get size(): number {
    this.decode();
    return super.size;
  }
  override get(doc: number): number | undefined {
    if (!this.isNew(doc)) this.decode();
    return super.get(doc);
  }
  override has(doc: number): boolean {
    if (!this.isNew(doc)) this.decode();
    return super.has(doc);
  }
  override set(doc: number, freq: number): this {
    if (!this.isNew(doc)) this.decode();
    return super.set(doc, freq);
  }
  override delete(doc: number): boolean {
    this.decode();
    return super.delete(doc);
  }
  override clear(): void {
    this.encoded = undefined;
    super.clear();
  }
  override forEach(
    callback: (value: number, key: number, map: Map<number, number>) => void,
    thisArg?: unknown,
  ): void {
    this.decode();
    super.forEach(callback, thisArg);
  }
  override keys(): MapIterator<number> {
    this.decode();
    return super.keys();
  }
  override values(): MapIterator<number> {
    this.decode();
    return super.values();
  }
  override entries(): MapIterator<[number, number]> {
    this.decode();
    return super.entries();
  }
  override [Symbol.iterator](): MapIterator<[number, number]> {
    this.decode();
    return super[Symbol.iterator]();
  }
}

/** One field's postings of a term, gathered to be written: documents ascending, as the gaps need. */
class FieldPostings {
  fieldId = 0;
  docs: number[] = [];
  freqs: number[] = [];

  get count(): number {
    return this.docs.length;
  }

  clear(fieldId: number): void {
    this.fieldId = fieldId;
    this.docs.length = 0;
    this.freqs.length = 0;
  }

  push(doc: number, freq: number): void {
    this.docs.push(doc);
    this.freqs.push(freq);
  }

  /** A copy, its documents ascending (MiniSearch adds them so, but a gap must never be negative). */
  sortedCopy(): FieldPostings {
    const copy = new FieldPostings();
    copy.fieldId = this.fieldId;
    let sorted = true;
    for (let i = 1; i < this.docs.length && sorted; i++) sorted = this.docs[i - 1]! < this.docs[i]!;
    const order = this.docs.map((_, i) => i);
    if (!sorted) order.sort((a, b) => this.docs[a]! - this.docs[b]!);
    copy.docs = order.map((i) => this.docs[i]!);
    copy.freqs = order.map((i) => this.freqs[i]!);
    return copy;
  }

  encodeTo(writer: ByteWriter): void {
    writer.varint(this.fieldId);
    writer.varint(this.docs.length);
    let previous = 0;
    for (let i = 0; i < this.docs.length; i++) {
      writer.varint(this.docs[i]! - previous);
      writer.varint(this.freqs[i]!);
      previous = this.docs[i]!;
    }
  }
}

class ByteWriter {
  private buffer = new Uint8Array(1 << 16);
  length = 0;

  varint(value: number): void {
    this.reserve(5);
    let rest = value;
    while (rest >= 0x80) {
      this.buffer[this.length++] = (rest & 0x7f) | 0x80;
      rest >>>= 7;
    }
    this.buffer[this.length++] = rest;
  }

  append(bytes: Uint8Array): void {
    this.reserve(bytes.length);
    this.buffer.set(bytes, this.length);
    this.length += bytes.length;
  }

  bytes(): Uint8Array {
    return this.buffer.subarray(0, this.length);
  }

  private reserve(bytes: number): void {
    if (this.length + bytes <= this.buffer.length) return;
    const grown = new Uint8Array(Math.max(this.buffer.length * 2, this.length + bytes));
    grown.set(this.buffer.subarray(0, this.length));
    this.buffer = grown;
  }
}

class ByteReader {
  constructor(
    private readonly bytes: Uint8Array,
    public at: number,
  ) {}

  varint(): number {
    let value = 0;
    let shift = 0;
    let byte: number;
    do {
      byte = this.bytes[this.at++]!;
      value |= (byte & 0x7f) << shift;
      shift += 7;
    } while (byte >= 0x80);
    return value >>> 0;
  }

  skipVarint(): void {
    while (this.bytes[this.at++]! >= 0x80);
  }
}
