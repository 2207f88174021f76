/**
 * The benchmark's split, made once at creation inside its transaction, deterministic: a row's side
 * is decided by an md5 hash of the seed and its position in the source version (`_row`), never by
 * a random generator, so the same dataset version and seed give the same rows on every hub.
 *
 * - Held out: the `round(n × testFraction)` labelled rows whose `md5(seed:_row)` sort first (ties,
 *   impossible in practice, by `_row`); the rest are the dev split. Sizes therefore match the
 *   fraction within rounding, exactly, rather than only on average.
 * - Public part: among the hidden rows, the `round(m × publicFraction)` whose `md5(part:seed:_row)`
 *   sort first; the others are private.
 * - Keys: hidden rows are numbered 1…m in `md5(key:seed:_row)` order, so a key says nothing about
 *   where the row was in the file or which part it is in.
 *
 * Rows whose label is NULL cannot be scored or learnt from: they are on neither side.
 */
import type { Queryable } from '../db/rows.js';
import type { DatasetColumn } from '../datasets/index.js';

const q = (name: string) => `"${name}"`;

export interface SplitSizes {
  /** Rows with a label. */
  labelled: number;
  /** Rows without one (on neither side). */
  unlabeled: number;
}

/** Rows of a dataset table with and without a label. */
export async function labelledRows(qr: Queryable, table: string, label: string): Promise<SplitSizes> {
  const [row] = await qr.query(`SELECT count(*)::int AS total, count(${q(label)})::int AS labelled FROM ${table}`);
  return { labelled: Number(row.labelled), unlabeled: Number(row.total) - Number(row.labelled) };
}

export const testRowsFor = (labelled: number, testFraction: number) => Math.round(labelled * testFraction);
export const publicRowsFor = (testRows: number, publicFraction: number) => Math.round(testRows * publicFraction);

interface Tables {
  /** The source version's table (`datasets.v_<hex>`). */
  source: string;
  dev: string;
  hidden: string;
  columns: readonly DatasetColumn[];
  label: string;
  seed: number;
}

/** The hidden rows of `from` (all its labelled rows, or the first `limit` in hash order), numbered and split into parts. */
async function fillHidden(qr: Queryable, t: Tables, from: string, limit: number | null, publicRows: number): Promise<void> {
  const cols = t.columns.map((c) => q(c.name));
  await qr.query(
    `INSERT INTO ${t.hidden} (__key, __row, __part, ${cols.join(', ')})
     SELECT row_number() OVER (ORDER BY md5('key:' || $1 || ':' || h._row::text), h._row),
            h._row,
            CASE WHEN row_number() OVER (ORDER BY md5('part:' || $1 || ':' || h._row::text), h._row) <= $2 THEN 'public' ELSE 'private' END,
            ${cols.map((c) => `h.${c}`).join(', ')}
       FROM (SELECT s.* FROM ${from} s WHERE s.${q(t.label)} IS NOT NULL
              ORDER BY md5($1 || ':' || s._row::text), s._row ${limit === null ? '' : `LIMIT ${Math.floor(limit)}`}) h`,
    [String(t.seed), publicRows],
  );
}

/** Split one version: the hidden rows first, then every other labelled row into the dev table (renumbered 1…, in file order). */
export async function splitVersion(qr: Queryable, t: Tables, testRows: number, publicRows: number): Promise<void> {
  await fillHidden(qr, t, t.source, testRows, publicRows);
  const cols = t.columns.map((c) => q(c.name));
  await qr.query(
    `INSERT INTO ${t.dev} (_row, ${cols.join(', ')})
     SELECT row_number() OVER (ORDER BY s._row), ${cols.map((c) => `s.${c}`).join(', ')}
       FROM ${t.source} s
      WHERE s.${q(t.label)} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${t.hidden} h WHERE h.__row = s._row)`,
  );
}

/** A separate test version: every labelled row of the source is dev, every labelled row of `test` is hidden. */
export async function splitSeparate(qr: Queryable, t: Tables, test: string, publicRows: number): Promise<void> {
  await fillHidden(qr, t, test, null, publicRows);
  const cols = t.columns.map((c) => q(c.name));
  await qr.query(
    `INSERT INTO ${t.dev} (_row, ${cols.join(', ')})
     SELECT row_number() OVER (ORDER BY s._row), ${cols.map((c) => `s.${c}`).join(', ')}
       FROM ${t.source} s WHERE s.${q(t.label)} IS NOT NULL`,
  );
}
