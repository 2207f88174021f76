/**
 * The hidden test split of each benchmark: one table `aimass_private.benchmark_<hex>` per
 * benchmark, in the hub's own schema. Nobody but the hub's database user has any privilege on
 * that schema (migration SqlSandbox revokes everything from PUBLIC and the sandbox role gets
 * nothing there), so the SQL sandbox cannot read it even if a query named it, and no dataset,
 * export or GraphQL field points at it. Only this file reads it.
 *
 * Columns: `__key` (1…n in an order drawn from a seeded hash, so a key tells nothing about a row's
 * position in the source file or its part), `__row` (the row's position in its source dataset
 * version, for the record), `__part` (`public` or `private`), the feature columns under their
 * dataset names, and the label under its name.
 */
import type { DataSource } from 'typeorm';
import type { Queryable } from '../db/rows.js';
import { SQL_TYPES, type DatasetColumn } from '../datasets/index.js';

/** The hidden table's own columns; a dataset column of one of these names cannot be in a benchmark. */
export const INTERNAL_COLUMNS: readonly string[] = ['__key', '__row', '__part'];

const TABLE = /^aimass_private\.benchmark_[0-9a-f]{32}$/;

/** The hidden table of the benchmark with this id (generated, never from input). */
export function hiddenTableName(benchmarkId: string): string {
  return `aimass_private.benchmark_${benchmarkId.replace(/-/g, '')}`;
}

function checked(table: string): string {
  if (!TABLE.test(table)) throw new Error(`not a hidden benchmark table: ${table}`);
  return table;
}

const q = (name: string) => `"${name}"`;

/** Which part of the hidden split a row is scored in: the public leaderboard, or the final (private) ranking. */
export type HiddenPart = 'public' | 'private';

/** A chunk of the hidden features, in key order. `values` follow `columns`; no label, no part. */
export interface HiddenFeaturesChunk {
  columns: string[];
  rows: { key: number; values: unknown[] }[];
  /** The key to pass as `after` for the next chunk; null after the last. */
  next: number | null;
}

/** A chunk of the hidden labels, in key order, for the hub's own scorer. */
export interface HiddenLabelsChunk {
  rows: { key: number; label: unknown; part: HiddenPart }[];
  next: number | null;
}

/** What a benchmark's hidden split needs to know about its benchmark. */
export interface HiddenSplitShape {
  hiddenTable: string;
  label: string;
  featureColumns: readonly { name: string }[];
}

export const MAX_HIDDEN_CHUNK = 10_000;

export class HiddenSplits {
  constructor(private readonly db: DataSource) {}

  /** Creates the (empty) table, in the benchmark's creation transaction. */
  async create(qr: Queryable, table: string, columns: readonly DatasetColumn[]): Promise<void> {
    await qr.query(
      `CREATE TABLE ${checked(table)} (__key bigint PRIMARY KEY, __row bigint NOT NULL, __part text NOT NULL CHECK (__part IN ('public', 'private')), ${columns
        .map((c) => `${q(c.name)} ${SQL_TYPES[c.type]}`)
        .join(', ')})`,
    );
  }

  async drop(qr: Queryable, table: string): Promise<void> {
    await qr.query(`DROP TABLE IF EXISTS ${checked(table)}`);
  }

  /**
   * Up to `limit` rows of hidden features after key `after` (0: from the start). Only the feature
   * columns are selected in SQL: the label and the part never leave the database on this path.
   * Values are JSON: numbers, strings, booleans, dates as `YYYY-MM-DD`, timestamps in ISO 8601.
   */
  async features(benchmark: HiddenSplitShape, after = 0, limit = 1000): Promise<HiddenFeaturesChunk> {
    const size = chunkSize(limit);
    const columns = benchmark.featureColumns.map((c) => c.name);
    const rows: { key: string; v: Record<string, unknown> }[] = await this.db.query(
      `SELECT f.__key::text AS key, to_jsonb(f) - '__key' AS v
         FROM (SELECT __key, ${columns.map(q).join(', ')} FROM ${checked(benchmark.hiddenTable)} WHERE __key > $1 ORDER BY __key LIMIT $2) f
        ORDER BY f.__key`,
      [Math.max(0, Math.floor(after)), size],
    );
    const out = rows.map((r) => ({ key: Number(r.key), values: columns.map((c) => r.v[c] ?? null) }));
    return { columns, rows: out, next: out.length === size ? out[out.length - 1].key : null };
  }

  /** Up to `limit` hidden labels with their part after key `after`: for the hub's scorer only, never for a client or an agent. */
  async labels(benchmark: HiddenSplitShape, after = 0, limit = 1000): Promise<HiddenLabelsChunk> {
    const size = chunkSize(limit);
    const rows: { key: string; label: unknown; part: HiddenPart }[] = await this.db.query(
      `SELECT __key::text AS key, to_jsonb(${q(benchmark.label)}) AS label, __part AS part FROM ${checked(benchmark.hiddenTable)}
        WHERE __key > $1 ORDER BY __key LIMIT $2`,
      [Math.max(0, Math.floor(after)), size],
    );
    const out = rows.map((r) => ({ key: Number(r.key), label: r.label, part: r.part }));
    return { rows: out, next: out.length === size ? out[out.length - 1].key : null };
  }
}

function chunkSize(limit: number): number {
  return Math.min(MAX_HIDDEN_CHUNK, Math.max(1, Math.floor(Number.isFinite(limit) ? limit : 1)));
}
