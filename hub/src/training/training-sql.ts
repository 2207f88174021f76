/**
 * What training needs from the SQL surface (sql/SqlService provides it): the columns of a resolved
 * SELECT, and running SQL built around one in the sandbox (counts before the job; the rows, in
 * chunks, for the agent). Kept as an interface so the domains meet in one place.
 */
import type { PreparedStatement, ResolvedSelect } from '../sql/index.js';

export type SourceText = PreparedStatement['source'];

export interface SandboxRows {
  columns: { name: string; type: string }[];
  rows: unknown[][];
}

export interface TrainingSql {
  /** The columns (name, PostgreSQL type) the SELECT returns, without reading a row. */
  columnsOf(source: SourceText, select: ResolvedSelect): Promise<{ name: string; type: string }[]>;
  /**
   * Runs `wrap(select.sql)` — which must use the SQL only as a subquery — in the sandbox (read-only
   * transaction, restricted role, time and cost limits), returning at most `first` rows; more than
   * `maxRows` is refused. PostgreSQL errors are explained against `source` when given.
   */
  runWrapped(select: ResolvedSelect, wrap: (sql: string) => string, options: { first: number; maxRows: number; source?: SourceText }): Promise<SandboxRows>;
}

/** What the agent's training rows are read with (training-agent-door.ts). */
export interface TrainingRowsSql extends TrainingSql {
  /** runWrapped for at most `first` rows, as each row's JSON array text, comma-separated (written by PostgreSQL, not parsed on the way). */
  runWrappedJson(select: ResolvedSelect, wrap: (sql: string) => string, first: number): Promise<{ columns: string[]; rowsJson: string }>;
}

/** A PostgreSQL identifier, quoted (column names come from the query's own output). */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}
