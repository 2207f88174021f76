/** One record (CSV) or line (JSON Lines) of an upload, as read: its raw cells and where it ends. */
export interface RawRecord {
  /** 1-based line number in the file where the record ends. */
  line: number;
  cells: string[];
}
