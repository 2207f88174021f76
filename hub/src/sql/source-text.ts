/**
 * Positions in a query as people read them: 1-based line and column (columns count characters,
 * i.e. Unicode code points, not UTF-16 units), and the mapping from a rewritten text (the one
 * handed to node-sql-parser) back to the query the user wrote.
 */

export interface Position {
  /** 0-based UTF-16 offset into the original query. */
  offset: number;
  line: number;
  column: number;
}

export class SourceText {
  private readonly lineStarts: number[] = [0];

  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }

  position(offset: number): Position {
    const at = Math.max(0, Math.min(offset, this.text.length));
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid] <= at) lo = mid;
      else hi = mid - 1;
    }
    const start = this.lineStarts[lo];
    // Code points, so an emoji before the mistake counts as one column.
    const column = [...this.text.slice(start, at)].length + 1;
    return { offset: at, line: lo + 1, column };
  }
}

/** One replacement made while building a derived text: `[from, to)` of the original became `length` characters. */
interface Edit {
  derivedStart: number;
  derivedEnd: number;
  originalStart: number;
  originalEnd: number;
}

/**
 * Builds a derived text from pieces of the original (copied, or replaced) and maps offsets in it
 * back. An offset inside a replaced piece maps to the start of what it replaced.
 */
export class DerivedText {
  private readonly parts: string[] = [];
  private readonly edits: Edit[] = [];
  /** Length of the derived text so far. */
  private length = 0;
  /** How much of the original (from `base`) has been consumed. */
  private cursor = 0;

  /** `base`: the original offset where the derived text starts (a sub-query starts mid-statement). */
  constructor(private readonly base: number) {}

  /** Copies the next piece of the original unchanged. */
  copy(text: string): void {
    this.parts.push(text);
    this.length += text.length;
    this.cursor += text.length;
  }

  /** Puts `replacement` where `originalLength` characters of the original were. */
  replace(replacement: string, originalLength: number): void {
    this.edits.push({
      derivedStart: this.length,
      derivedEnd: this.length + replacement.length,
      originalStart: this.base + this.cursor,
      originalEnd: this.base + this.cursor + originalLength,
    });
    this.parts.push(replacement);
    this.length += replacement.length;
    this.cursor += originalLength;
  }

  get text(): string {
    return this.parts.join('');
  }

  /** A derived offset → the absolute offset in the original query. */
  toOriginal(offset: number): number {
    let delta = this.base;
    for (const edit of this.edits) {
      if (offset < edit.derivedStart) break;
      if (offset < edit.derivedEnd) return edit.originalStart;
      delta = edit.originalEnd - edit.derivedEnd;
    }
    return offset + delta;
  }
}
