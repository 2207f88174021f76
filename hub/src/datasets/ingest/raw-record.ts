/** One record (CSV) or line (JSON Lines) of an upload, as read: its raw cells and where it ends. */
export interface RawRecord {
  /** 1-based line number in the file where the record ends. */
  line: number;
  cells: string[];
  /**
   * The record as written in the file, without its record delimiter, when the fast reader
   * (plain-csv.ts) read it: RFC 4180 CSV with the file's delimiter that reads back as `cells`
   * (quoted fields unquoted, `""` a quote). The load sends such a record to `COPY … (FORMAT csv)`
   * as it is when every cell is already what would be stored (pass-through.ts).
   */
  text?: string;
}

/**
 * A record without quotes, kept as its line: most records of most files are loaded as written,
 * so the line is split into cells only when something asks for them.
 */
export class LineRecord implements RawRecord {
  private split: string[] | undefined;
  constructor(
    readonly line: number,
    readonly text: string,
    private readonly delimiter: string,
  ) {}

  get cells(): string[] {
    return (this.split ??= this.text.split(this.delimiter));
  }
}
