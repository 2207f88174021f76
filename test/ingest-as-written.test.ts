/**
 * Records loaded as written (pass-through.ts) store what the general path stores. Each random
 * messy file is uploaded twice on PostgreSQL: as generated, where the records whose cells need no
 * change go to COPY as the file has them, and with a space before every record's first cell, which
 * the trim removes but which sends every record down the general path (trim, null tokens,
 * parsing, widening). Both tables and both ingest reports must be the same. (The check of a cell
 * taken as written reads its UTF-8 bytes: the white space of two and three bytes is among the cells.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset, upload } from './support/datasets.js';
import { startTestHub, type TestHub } from './support/hub.js';
import { signUp, uniqueName, type SignedUp } from './support/users.js';
import { seededRandom as prng } from '../hub/src/evaluation/metrics/seeded-random.js';

const ROWS = 1400;

/** Mostly cells that are stored as written, a sixth of them messy in the ways real files are. */
const CELLS: Record<string, { clean: (r: () => number) => string; messy: string[] }> = {
  int: {
    clean: (r) => String(Math.floor(r() * 2e6) - 1e6),
    messy: [' 42', '+7', '007', '-0', 'NA', 'n/a', '', '-', 'abc', '1234567890123456', '\u00a05', 'NULL', '0'],
  },
  float: {
    clean: (r) => (r() < 0.5 ? (r() * 1000 - 500).toFixed(Math.floor(r() * 4)) : ['0.5', '.5', '5.', '+1.5', '-3.25', '0'][Math.floor(r() * 6)]),
    messy: ['1e-3', '-0.0', '-0', 'NaN', 'inf', ' 2.5 ', '1,5', '0.10', '12345678901234567890.5', 'x', ''],
  },
  bool: { clean: (r) => (r() < 0.5 ? 'true' : 'false'), messy: ['TRUE', 'yes', 'n', 'T', 'maybe', 'NULL', ' false', 'False'] },
  date: {
    clean: (r) => `20${10 + Math.floor(r() * 20)}-0${1 + Math.floor(r() * 9)}-${10 + Math.floor(r() * 18)}`,
    messy: ['2023-02-29', '2024-02-29', ' 2024-01-01', '2024-1-1', '2024-13-01', '0000-01-01', 'N/A'],
  },
  ts: {
    clean: (r) => `2024-0${1 + Math.floor(r() * 9)}-1${Math.floor(r() * 9)}T${10 + Math.floor(r() * 14)}:${10 + Math.floor(r() * 50)}:0${Math.floor(r() * 10)}Z`,
    messy: ['2024-03-04 05:06:07', '2024-03-04T05:06:07.123+02:00', '2024-03-04', '2024-03-04t05:06:07z', '2024-13-01T00:00:00Z', '2024-03-04T24:00:00Z', 'soon'],
  },
  cat: { clean: (r) => ['red', 'Green', 'BLUE', 'amber'][Math.floor(r() * 4)], messy: ['na', 'N/A', ' red', 'red ', '', '\u3000blue', 'K', 'null'] },
  txt: {
    clean: (r) => ['plain words', 'café naïve', 'a, b', 'say "hi"', 'two\nlines', 'back\\slash', '\\.', '\\N', 'semi;colon', 'pipe|d'][Math.floor(r() * 10)],
    // White space of every width at either end (trimmed), and characters of two, three and four
    // bytes that are not (U+200B and U+0085 are not white space to String#trim).
    messy: ['  padded  ', '', 'NaN', '-', '\u2028x', 'x\u00a0', 'cr\r\nlf', '\u2000lead', 'trail\u205f', 'x\ufeff', '\u1680y', 'z\u3000', 'café', '日本語', 'ok 😀', '\u200bzero', 'nel\u0085', 'ß'],
  },
};
const TYPES = Object.keys(CELLS);

/** A cell written for the file: quoted when it must be (or at random, when it may), TSV never quoted. */
function written(value: string, delimiter: string, r: () => number): string {
  if (delimiter === '\t') return value;
  const must = value.includes(delimiter) || value.includes('"') || value.includes('\n') || value.includes('\r');
  return must || r() < 0.05 ? `"${value.replaceAll('"', '""')}"` : value;
}

function messyFile(seed: number, delimiter: string, lineEnd: string): { plain: string; padded: string } {
  const r = prng(seed);
  const header = ['id', ...TYPES].join(delimiter);
  const plain = [header];
  const padded = [header];
  for (let i = 1; i <= ROWS; i++) {
    const cells = TYPES.map((type) => {
      const kind = CELLS[type];
      let value = r() < 1 / 6 ? kind.messy[Math.floor(r() * kind.messy.length)] : kind.clean(r);
      // A float far past the sample widens the integer column (and its line is reported).
      if (type === 'int' && i === 1200) value = '2.5';
      // TSV cannot hold a tab or a line break in a cell.
      if (delimiter === '\t') value = value.replace(/[\t\r\n]/g, ' ');
      return written(value, delimiter, r);
    });
    plain.push([String(i), ...cells].join(delimiter));
    padded.push([` ${i}`, ...cells].join(delimiter));
  }
  return { plain: plain.join(lineEnd) + lineEnd, padded: padded.join(lineEnd) + lineEnd };
}

describe('Ingest: records loaded as written store what the general path stores', () => {
  let hub: TestHub;
  let alice: SignedUp;

  beforeAll(async () => {
    hub = await startTestHub({ backend: 'postgres' });
    alice = await signUp(hub);
  });
  afterAll(() => hub?.close());

  const load = async (body: string, query: Record<string, string>) => {
    const name = (await createDataset(hub, alice.token, { name: uniqueName('as-written'), visibility: 'PRIVATE' })).name;
    const res = await upload(hub, alice.token, alice.username, name, body, query);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const rows = await hub.sql(`SELECT to_jsonb(t) - '_row' AS row FROM datasets.v_${res.body.id.replace(/-/g, '')} t ORDER BY _row`);
    return { rows: rows.map((r) => r.row), report: { ...res.body.ingestReport, bytes: undefined }, columns: res.body.columns };
  };

  it.each([
    [1, ',', '\n', {}],
    [2, ';', '\r\n', {}],
    [3, '\t', '\n', { format: 'tsv' }],
    [4, '|', '\n', { nullTokens: 'k,n/a,-,NULL' }],
  ] as [number, string, string, Record<string, string>][])('file %i (delimiter %j): the same table, types and report either way', async (seed, delimiter, lineEnd, query) => {
    const { plain, padded } = messyFile(seed, delimiter, lineEnd);
    const options = { ...query, ...(query.format ? {} : { delimiter: delimiter === '\t' ? 'tab' : delimiter }) };
    const asWritten = await load(plain, options);
    const general = await load(padded, options);
    expect(asWritten.rows).toHaveLength(ROWS);
    expect(asWritten.columns).toEqual(general.columns);
    expect(asWritten.report).toEqual(general.report);
    expect(asWritten.report.columns[1]).toMatchObject({ type: 'float', widenedFrom: 'integer' });
    for (let i = 0; i < ROWS; i++) expect(asWritten.rows[i], `row ${i + 1}`).toEqual(general.rows[i]);
  });
});
