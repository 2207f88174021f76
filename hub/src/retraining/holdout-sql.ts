/**
 * The holdout of a retraining and the rows the challenger trains on, as SQL over pinned dataset
 * versions (docs/retraining.md#the-holdout).
 *
 * New rows are the rows of the new query (the statement re-resolved to the newest versions) that
 * the champion's query (the same statement on the versions the champion trained on) does not give.
 * A row belongs to the holdout when it is new and the md5 of its values starts with 0 or 1 (one in
 * eight, the same row always), so neither the champion nor the challenger has trained on it; the
 * challenger trains on every other row of the new query. Rows are compared by value: a row equal
 * in every column to a row the champion read is not new.
 */
import { quoteIdent } from '../training/index.js';

/** md5 digits a holdout row's hash starts with: 2 of 16, 12.5 % of the new rows. */
const HOLDOUT_DIGITS = ['0', '1'];

export interface HoldoutQueries {
  holdout: string;
  training: string;
}

/** `newSelect` and `championSelect` are SELECTs in the SQL surface's dialect returning `columns` (at least). */
export function holdoutQueries(newSelect: string, championSelect: string, columns: readonly string[]): HoldoutQueries {
  const key = (alias: string) => `md5(CAST(json_build_array(${columns.map((c) => `${alias}.${quoteIdent(c)}`).join(', ')}) AS TEXT))`;
  const sampled = `left(${key('aimass_new')}, 1) IN (${HOLDOUT_DIGITS.map((d) => `'${d}'`).join(', ')})`;
  const unseen = `${key('aimass_new')} NOT IN (SELECT ${key('aimass_old')} FROM (${championSelect}) AS aimass_old)`;
  return {
    holdout: `SELECT * FROM (${newSelect}) AS aimass_new WHERE ${sampled} AND ${unseen}`,
    training: `SELECT * FROM (${newSelect}) AS aimass_new WHERE NOT (${sampled} AND ${unseen})`,
  };
}
