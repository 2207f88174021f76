/** One record (CSV) or line (JSON Lines) of an upload, as read: its raw cells and where it ends. */
export interface RawRecord {
  /** 1-based line number in the file where the record ends. */
  line: number;
  cells: string[];
  /**
   * The record as written in the file, without its record delimiter, when the fast reader
   * (plain-csv.ts) read it: RFC 4180 CSV with the file's delimiter that reads back as `cells`
   * (quoted fields unquoted, `""` a quote). It holds the record's UTF-8 bytes, one character per
   * byte ({@link utf8Of} makes text of it). The load sends such a record to `COPY … (FORMAT csv)`
   * as it is when every cell is already what would be stored (pass-through.ts).
   */
  text?: string;
  /** With `text`, when the record has quoted fields: its cells as bytes, one character per byte. */
  fields?: string[];
}

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * The text whose UTF-8 bytes `bytes` holds one per character (as `Buffer#toString('latin1')` reads
 * them). ASCII is the same either way, so most strings are answered as they are.
 */
export function utf8Of(bytes: string): string {
  return NON_ASCII.test(bytes) ? Buffer.from(bytes, 'latin1').toString('utf8') : bytes;
}

/**
 * A record without quotes, kept as its line: most records of most files are loaded as written,
 * so the line is decoded and split into cells only when something asks for them.
 */
export class LineRecord implements RawRecord {
  private split: string[] | undefined;
  constructor(
    readonly line: number,
    readonly text: string,
    private readonly delimiter: string,
  ) {}

  get cells(): string[] {
    return (this.split ??= utf8Of(this.text).split(this.delimiter));
  }
}

/** A record with quoted fields, read by the fast reader: its fields are decoded when asked for. */
export class QuotedRecord implements RawRecord {
  private decoded: string[] | undefined;
  constructor(
    readonly line: number,
    readonly text: string,
    readonly fields: string[],
  ) {}

  get cells(): string[] {
    return (this.decoded ??= this.fields.map(utf8Of));
  }
}
