/**
 * Line numbers of offsets in a text, for offsets asked in increasing order (as a parser reports them): each
 * character is scanned once, however many times it is asked.
 */
export class LineCounter {
  private offset = 0;
  private line = 1;

  constructor(private readonly text: string) {}

  /** The 1-based line of the character at `offset`; an offset before the last one asked gives that one's line. */
  lineAt(offset: number): number {
    const end = Math.min(offset, this.text.length);
    for (; this.offset < end; this.offset++) {
      if (this.text.charCodeAt(this.offset) === 10) this.line++;
    }
    return this.line;
  }
}
