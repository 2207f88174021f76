/**
 * `npm run bench` (after the compute benchmark), or `npm run bench:ingest` alone: the data-market
 * ingest benchmark, all figures from one run on one machine:
 *
 *  1. raw COPY: the already-clean version of the generated data (no dirty cells) loaded with
 *     `COPY … FROM STDIN (FORMAT csv, HEADER)` into a plain table with the same column types on the
 *     same server;
 *  2. upload: the generated CSV (BENCH_INGEST_ROWS rows, default 1,000,000, × 12 columns of mixed
 *     types, ~1 % dirty cells) streamed as the body of POST /api/datasets/:owner/:name/versions to
 *     the built hub on PostgreSQL; rows per second, and the hub's peak RSS (VmRSS every 100 ms).
 *     1 and 2 take turns BENCH_INGEST_ROUNDS times (default 2), and the ratio upload / COPY is of
 *     each side's best round; 2b. the same file sent at BENCH_INGEST_PACED_MBPS (40 MB/s) like a
 *     network upload: how long the 201 comes after the last byte;
 *  3. row-by-row INSERT: BENCH_INGEST_INSERT_ROWS (20,000) rows, one autocommitted INSERT each,
 *     scaled to the full row count; ratio;
 *  4. profile vs one aggregate pass: the hub's computeProfile run again over the loaded version's
 *     table, against one `SELECT count(*), min(c), max(c), avg(c), …` over every column.
 *
 * Needs PostgreSQL (DATABASE_URL as an admin connection, else a throwaway server from
 * test/support/postgres.sh). Every hub, database, server and temporary file it starts or writes
 * is removed before it exits, on failure and on Ctrl-C too.
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import { once } from 'node:events';
import { createReadStream, createWriteStream, existsSync, mkdtempSync, rmSync, statSync, type WriteStream } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import type { QueryRunner } from 'typeorm';
import { ColumnType, NUMERIC_TYPES, type DatasetColumn } from '../../hub/src/datasets/dataset-version.entity.js';
import { computeProfile } from '../../hub/src/datasets/profile.js';
import { connect, fmt, graphql, HUB_ENTRY, intEnv, onCleanup, postgresCpu, ratio, runBenchmark, setUpDatabase, signUp, startHub, table } from './harness.js';
import { hubSteps } from './ingest-hub-steps.js';
import { upload, type UploadResult } from './ingest-upload.js';
import { rssMb } from './proc-stats.js';

const SETTINGS = {
  rows: intEnv('BENCH_INGEST_ROWS', 1_000_000),
  insertRows: intEnv('BENCH_INGEST_INSERT_ROWS', 20_000),
  /** Dirty cells per 10,000 (100: about 1 %). */
  dirtyPer10k: intEnv('BENCH_INGEST_DIRTY_PER_10K', 100),
  rssIntervalMs: intEnv('BENCH_INGEST_RSS_INTERVAL_MS', 100),
  aggregateRounds: intEnv('BENCH_INGEST_AGGREGATE_ROUNDS', 3),
  /** The pace of the network-like upload (section 2b), MB/s; 0 leaves it out. */
  pacedMBps: intEnv('BENCH_INGEST_PACED_MBPS', 40),
  /** Rounds of raw COPY then upload, taking turns; the ratio is of each side's best round. */
  rounds: Math.max(1, intEnv('BENCH_INGEST_ROUNDS', 2)),
};

// ---- the data ---------------------------------------------------------------------------------

/** The 12 columns: header, the type the hub should infer, the SQL type of the raw COPY table. */
const COLUMNS: { name: string; type: ColumnType; sql: string }[] = [
  { name: 'id', type: ColumnType.INTEGER, sql: 'bigint' },
  { name: 'quantity', type: ColumnType.INTEGER, sql: 'bigint' },
  { name: 'price', type: ColumnType.FLOAT, sql: 'double precision' },
  { name: 'score', type: ColumnType.FLOAT, sql: 'double precision' },
  { name: 'active', type: ColumnType.BOOLEAN, sql: 'boolean' },
  { name: 'signup_date', type: ColumnType.DATE, sql: 'date' },
  { name: 'event_at', type: ColumnType.TIMESTAMP, sql: 'timestamptz' },
  { name: 'category', type: ColumnType.CATEGORICAL, sql: 'text' },
  { name: 'country', type: ColumnType.CATEGORICAL, sql: 'text' },
  { name: 'comment', type: ColumnType.TEXT, sql: 'text' },
  { name: 'rating', type: ColumnType.INTEGER, sql: 'bigint' },
  { name: 'weight', type: ColumnType.FLOAT, sql: 'double precision' },
];

const CATEGORIES = ['red', 'green', 'blue', 'yellow', 'black', 'white', 'orange', 'purple'];
const COUNTRIES = ['NO', 'SE', 'DK', 'FI', 'DE', 'FR', 'ES', 'IT', 'PT', 'NL', 'BE', 'PL', 'CZ', 'AT', 'CH', 'GB', 'IE', 'US', 'CA', 'JP'];
const WORDS = ['alpha', 'beta', 'gamma', 'delta', 'quick', 'brown', 'fox', 'lazy', 'dog', 'rain', 'snow', 'sun', 'wind', 'Oslo', 'café', 'naïve', '"quoted"', 'a, b', 'data', 'market'];
/** Null tokens (default list, and the empty cell) and cells that do not parse as the column's type. */
const NULLS = ['n/a', 'NA', 'null', '', '-'];
const INVALID: Record<ColumnType, string[]> = {
  [ColumnType.INTEGER]: ['abc', '12.5x', '1e'],
  [ColumnType.FLOAT]: ['abc', '1,5', '--3'],
  [ColumnType.BOOLEAN]: ['maybe', '2'],
  [ColumnType.DATE]: ['2026-13-45', '31/12/2025'],
  [ColumnType.TIMESTAMP]: ['yesterday', '2026-02-30T10:00:00Z'],
  [ColumnType.CATEGORICAL]: [],
  [ColumnType.TEXT]: [],
};

/** mulberry32: a small seeded PRNG, so every run (and the INSERT pass) sees the same data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** Rows as [clean cells, cells with dirt]; the clean cells are what PostgreSQL's COPY accepts as is. */
function* generateRows(count: number): Generator<[string[], string[]]> {
  const r = prng(20261128);
  const pick = <T>(xs: T[]) => xs[Math.floor(r() * xs.length)];
  const dirty = SETTINGS.dirtyPer10k / 10_000;
  const day0 = Date.UTC(2015, 0, 1);
  for (let i = 1; i <= count; i++) {
    const signup = new Date(day0 + Math.floor(r() * 4000) * 86_400_000);
    const event = new Date(day0 + Math.floor(r() * 4000 * 86_400) * 1000);
    const words = 2 + Math.floor(r() * 6);
    let comment = '';
    for (let w = 0; w < words; w++) comment += (w ? ' ' : '') + pick(WORDS);
    const clean = [
      String(i),
      String(Math.floor(r() * 1000)),
      (r() * 500).toFixed(2),
      String((r() + r() + r() - 1.5) * 10),
      r() < 0.5 ? 'true' : 'false',
      `${signup.getUTCFullYear()}-${pad(signup.getUTCMonth() + 1)}-${pad(signup.getUTCDate())}`,
      event.toISOString().replace('.000Z', 'Z'),
      pick(CATEGORIES),
      pick(COUNTRIES),
      comment,
      String(1 + Math.floor(r() * 5)),
      (50 + r() * 50).toFixed(3),
    ];
    const cells = clean.slice();
    for (let c = 1; c < cells.length; c++) {
      if (r() >= dirty) continue;
      const invalid = INVALID[COLUMNS[c].type];
      cells[c] = invalid.length > 0 && r() < 0.5 ? pick(invalid) : pick(NULLS);
    }
    yield [clean, cells];
  }
}

/** RFC 4180: quote a cell holding a comma, a quote or a line break. */
const csvCell = (cell: string) => (/[",\n\r]/.test(cell) ? `"${cell.replace(/"/g, '""')}"` : cell);
const csvLine = (cells: string[]) => cells.map(csvCell).join(',') + '\n';

async function write(stream: WriteStream, chunk: string): Promise<void> {
  if (!stream.write(chunk)) await once(stream, 'drain');
}

async function close(stream: WriteStream): Promise<void> {
  stream.end();
  await once(stream, 'finish');
}

/** Writes the dirty file (uploaded) and the clean one (raw COPY) side by side, as streams. */
async function writeFiles(dirtyFile: string, cleanFile: string): Promise<{ dirtyCells: number }> {
  const dirty = createWriteStream(dirtyFile);
  const clean = createWriteStream(cleanFile);
  const header = csvLine(COLUMNS.map((c) => c.name));
  await write(dirty, header);
  await write(clean, header);
  let dirtyCells = 0;
  let a = '';
  let b = '';
  let n = 0;
  for (const [cleanCells, cells] of generateRows(SETTINGS.rows)) {
    for (let c = 0; c < cells.length; c++) if (cells[c] !== cleanCells[c]) dirtyCells++;
    a += csvLine(cells);
    b += csvLine(cleanCells);
    if (++n % 2000 === 0) {
      await Promise.all([write(dirty, a), write(clean, b)]);
      a = '';
      b = '';
    }
  }
  await Promise.all([write(dirty, a), write(clean, b)]);
  await Promise.all([close(dirty), close(clean)]);
  return { dirtyCells };
}

// ---- 1, 3. raw COPY and row-by-row INSERT -------------------------------------------------------

const plainTable = (name: string) => `CREATE TABLE ${name} (${COLUMNS.map((c) => `${c.name} ${c.sql}`).join(', ')})`;

async function rawCopy(db: pg.Client, file: string): Promise<{ seconds: number; rows: number }> {
  await db.query(`DROP TABLE IF EXISTS bench_raw_copy`);
  await db.query(plainTable('bench_raw_copy'));
  const t0 = performance.now();
  const sink = db.query(copyFrom(`COPY bench_raw_copy FROM STDIN (FORMAT csv, HEADER)`));
  await pipeline(createReadStream(file), sink);
  const seconds = (performance.now() - t0) / 1000;
  const rows = Number((await db.query(`SELECT count(*) AS n FROM bench_raw_copy`)).rows[0].n);
  await db.query(`DROP TABLE bench_raw_copy`);
  return { seconds, rows };
}

async function rowByRow(db: pg.Client, n: number): Promise<{ seconds: number; rows: number }> {
  await db.query(`DROP TABLE IF EXISTS bench_row_insert`);
  await db.query(plainTable('bench_row_insert'));
  const sql = `INSERT INTO bench_row_insert VALUES (${COLUMNS.map((_, i) => `$${i + 1}`).join(', ')})`;
  const rows: string[][] = [];
  for (const [clean] of generateRows(n)) rows.push(clean);
  const t0 = performance.now();
  for (const row of rows) await db.query(sql, row);
  const seconds = (performance.now() - t0) / 1000;
  await db.query(`DROP TABLE bench_row_insert`);
  return { seconds, rows: rows.length };
}

// ---- 4. profile vs one aggregate pass -----------------------------------------------------------

/**
 * computeProfile needs only `query(sql, params)` returning the rows, as TypeORM's QueryRunner
 * does; this one also times each statement.
 */
function queryRunner(db: pg.Client, statements: { sql: string; seconds: number }[]): QueryRunner {
  return {
    query: async (sql: string, params?: unknown[]) => {
      const t = performance.now();
      const { rows } = await db.query(sql, params);
      statements.push({ sql, seconds: (performance.now() - t) / 1000 });
      return rows;
    },
  } as unknown as QueryRunner;
}

/** A profile statement in a few words, for the breakdown: its kind and the columns it reads. */
function describeStatement(sql: string): string {
  if (/^CREATE TEMPORARY TABLE/.test(sql)) return 'sample copied to a temporary table (TABLESAMPLE BERNOULLI)';
  if (/^DROP TABLE/.test(sql)) return 'sample dropped';
  const sample = /pg_temp\./.test(sql) ? ' (sample)' : '';
  const columns = [...new Set([...sql.matchAll(/"([a-z0-9_]+)"/g)].map((m) => m[1]))];
  const kind = /GROUP BY/.test(sql) ? 'GROUP BY' : /DISTINCT/.test(sql) && !/percentile_cont/.test(sql) ? 'DISTINCT' : /percentile_cont|count\(DISTINCT/.test(sql) ? 'sorting aggregate' : 'plain aggregate';
  return `${kind} over ${columns.length === 0 ? 'rows' : columns.length <= 3 ? columns.join(', ') : `${columns.length} columns`}${sample}`;
}

function aggregateSql(tableName: string, columns: DatasetColumn[]): string {
  const parts = ['count(*)'];
  for (const { name, type } of columns) {
    const c = `"${name}"`;
    parts.push(`count(${c})`);
    if (NUMERIC_TYPES.has(type)) parts.push(`min(${c})`, `max(${c})`, `avg(${c})`);
    else if (type === ColumnType.BOOLEAN) parts.push(`bool_or(${c})`, `bool_and(${c})`);
    else parts.push(`min(${c})`, `max(${c})`);
  }
  return `SELECT ${parts.join(', ')} FROM ${tableName}`;
}

/**
 * Section 4: computeProfile over the loaded version's table, in a transaction as the upload runs
 * it, timed per statement; against the best of BENCH_INGEST_AGGREGATE_ROUNDS runs of one
 * aggregate pass over every column, after a warm-up pass (the table in shared buffers for both).
 */
async function profileVsAggregate(db: pg.Client, version: UploadResult['version']): Promise<{ profileSeconds: number; aggSeconds: number }> {
  console.log('## 4. Profile (computeProfile, as the upload runs it) vs one aggregate pass over every column');
  const versionTable = `datasets.v_${version.id.replace(/-/g, '')}`;
  const aggSql = aggregateSql(versionTable, version.columns);
  await db.query(aggSql);
  const statements: { sql: string; seconds: number }[] = [];
  await db.query('BEGIN');
  let t = performance.now();
  const profile = await computeProfile(queryRunner(db, statements), versionTable, version.columns);
  const profileSeconds = (performance.now() - t) / 1000;
  await db.query('COMMIT');
  if (profile.rowCount !== version.rowCount) throw new Error(`profile counted ${profile.rowCount} rows, the version has ${version.rowCount}`);
  let aggSeconds = Infinity;
  const rounds = Math.max(1, SETTINGS.aggregateRounds);
  for (let i = 0; i < rounds; i++) {
    t = performance.now();
    await db.query(aggSql);
    aggSeconds = Math.min(aggSeconds, (performance.now() - t) / 1000);
  }
  console.log(`  profile ${fmt(profileSeconds)} s in ${statements.length} statements; one aggregate pass ${fmt(aggSeconds, 3)} s (best of ${rounds}); ${fmt(profileSeconds / aggSeconds, 1)}×`);
  console.log(table(['profile statement', 'seconds', '× one aggregate pass'], statements.map((st) => [describeStatement(st.sql), fmt(st.seconds, 3), fmt(st.seconds / aggSeconds, 2)])));
  console.log(`  duplicate rows ${profile.duplicateRows}${statements.some((st) => /SELECT DISTINCT/.test(st.sql)) ? '' : ' (a column differs in every row: no statement needed)'}`);
  console.log('');
  return { profileSeconds, aggSeconds };
}

// ---- main -------------------------------------------------------------------------------------

async function main(): Promise<void> {
  if (!existsSync(HUB_ENTRY)) throw new Error(`${HUB_ENTRY} is missing: run \`npm run build:hub\` first (npm run bench does).`);
  const started = performance.now();
  const cpus = os.cpus();
  console.log('# AI Mass data-market ingest benchmark');
  console.log(`date        ${new Date().toISOString()}`);
  console.log(`machine     ${cpus.length} cores (${cpus[0]?.model ?? 'unknown'}), ${fmt(os.totalmem() / 2 ** 30, 1)} GiB RAM, ${os.platform()} ${os.release()}`);
  console.log(`load        ${os.loadavg().map((l) => fmt(l)).join(' ')} (1, 5, 15 min load average at the start)`);
  console.log(`node        ${process.version}`);
  console.log(`settings    ${JSON.stringify(SETTINGS)}`);

  const dir = mkdtempSync(path.join(os.tmpdir(), 'aimass-bench-ingest-'));
  onCleanup('remove the generated files', () => rmSync(dir, { recursive: true, force: true }));
  const dirtyFile = path.join(dir, 'dirty.csv');
  const cleanFile = path.join(dir, 'clean.csv');
  let t = performance.now();
  const { dirtyCells } = await writeFiles(dirtyFile, cleanFile);
  // Written back now, not by the kernel in the middle of a timed section.
  execFileSync('sync');
  const dirtyBytes = statSync(dirtyFile).size;
  const cleanBytes = statSync(cleanFile).size;
  const cells = SETTINGS.rows * (COLUMNS.length - 1);
  console.log(
    `data        ${SETTINGS.rows} rows × ${COLUMNS.length} columns: ${fmt(dirtyBytes / 1e6, 1)} MB uploaded, ${fmt(cleanBytes / 1e6, 1)} MB clean; ` +
      `${dirtyCells} dirty cells (${fmt((dirtyCells / cells) * 100)} % of the ${cells} cells outside id); generated in ${fmt((performance.now() - t) / 1000, 1)} s`,
  );

  const database = await setUpDatabase();
  const db = await connect(database.url);
  const pgVersion = (await db.query(`SHOW server_version`)).rows[0].server_version as string;
  console.log(`postgresql  ${pgVersion} (${process.env.DATABASE_URL ? 'DATABASE_URL' : 'throwaway server from test/support/postgres.sh: fsync=off, synchronous_commit=off'})`);
  const pgCpu = () => postgresCpu(database);

  const hub = await startHub(database);
  const user = await signUp(hub);
  const datasetName = 'ingest-bench';
  await graphql(hub, `mutation($input: CreateDatasetInput!) { createDataset(input: $input) { id } }`, { input: { name: datasetName, visibility: 'PRIVATE' } }, user.token);
  console.log(`hub         pid ${hub.pid}, RSS ${fmt(rssMb(hub.pid) ?? NaN, 1)} MB after start-up and sign-up`);
  console.log('');

  // Upload and raw COPY take turns, so that neither side gets a calmer machine than the other (what
  // ran before — file generation, another benchmark — leaves writeback and vacuum behind for a while).
  const uploadPath = `/api/datasets/${user.username}/${datasetName}/versions?format=csv`;
  const lessProfile = (u: UploadResult) => (u.steps.profile === undefined ? NaN : u.seconds - u.steps.profile);
  const ups: UploadResult[] = [];
  const copies: { seconds: number; rows: number }[] = [];
  for (let round = 1; round <= SETTINGS.rounds; round++) {
    console.log(`## 1.${round} Raw COPY of the clean file into a plain table, same column types, same server (round ${round} of ${SETTINGS.rounds})`);
    const copy = await rawCopy(db, cleanFile);
    copies.push(copy);
    console.log(`  ${copy.rows} rows in ${fmt(copy.seconds)} s: ${fmt(copy.rows / copy.seconds, 0)} rows/s`);
    console.log('');

    console.log(`## 2.${round} Upload: POST /api/datasets/${user.username}/${datasetName}/versions, the file streamed as the body (Content-Length)`);
    const up = await upload(hub, user.token, uploadPath, dirtyFile, pgCpu, SETTINGS.rssIntervalMs);
    ups.push(up);
    const report = up.version.ingestReport;
    const invalid = report.columns.reduce((s, c) => s + c.invalidCount, 0);
    const nulls = report.columns.reduce((s, c) => s + c.nullCount, 0);
    console.log(
      `  ${up.version.rowCount} rows in ${fmt(up.seconds)} s: ${fmt(up.version.rowCount / up.seconds, 0)} rows/s, ${fmt(dirtyBytes / 1e6 / up.seconds, 1)} MB/s; body sent after ${fmt(up.bodySentSeconds)} s; ` +
        `hub RSS ${fmt(up.rssBeforeMb, 1)} MB before, peak ${fmt(up.rssPeakMb, 1)} MB`,
    );
    console.log(
      `  CPU during the upload: hub ${fmt(up.hubCpuSeconds, 1)} s` + (up.pgCpuSeconds !== undefined ? `, PostgreSQL ${fmt(up.pgCpuSeconds, 1)} s` : '') +
        `; ingest report: ${nulls} NULL cells, ${invalid} invalid cells stored as NULL`,
    );
    console.log(
      `  the hub's steps (Server-Timing): ${Object.entries(up.steps).map(([step, sec]) => `${step} ${fmt(sec)} s`).join(', ') || 'not answered'}; ` +
        `upload without the profile step ${fmt(lessProfile(up))} s (${fmt(up.version.rowCount / lessProfile(up), 0)} rows/s); ` +
        `/ this round's COPY ${ratio(lessProfile(up), copy.seconds)}`,
    );
    const wrongTypes = COLUMNS.filter((c) => up.version.columns.find((v) => v.name === c.name)?.type !== c.type).map((c) => c.name);
    if (wrongTypes.length > 0) console.log(`  NOTE: inferred types differ from the generated ones for ${wrongTypes.join(', ')}`);
    console.log('');
  }
  // Each side's best round: the figure least disturbed by the machine.
  const up = ups.reduce((best, u) => (lessProfile(u) < lessProfile(best) ? u : best));
  const copy = copies.reduce((best, c) => (c.seconds < best.seconds ? c : best));
  const upRate = up.version.rowCount / up.seconds;
  const ingestSeconds = lessProfile(up);
  console.log(
    `  best of ${SETTINGS.rounds}: upload less the profile step ${fmt(ingestSeconds)} s, raw COPY ${fmt(copy.seconds)} s: ${ratio(ingestSeconds, copy.seconds)} ` +
      `(rounds: ${ups.map((u, i) => ratio(lessProfile(u), copies[i].seconds)).join(', ')})`,
  );
  console.log('');

  let paced: UploadResult | undefined;
  if (SETTINGS.pacedMBps > 0) {
    console.log(`## 2b. The same file uploaded again, sent at ${SETTINGS.pacedMBps} MB/s (a network upload): what the hub does after the last byte`);
    paced = await upload(hub, user.token, uploadPath, dirtyFile, pgCpu, SETTINGS.rssIntervalMs, SETTINGS.pacedMBps * 1e6);
    console.log(
      `  body sent in ${fmt(paced.bodySentSeconds)} s, 201 after ${fmt(paced.seconds)} s: ${fmt(paced.seconds - paced.bodySentSeconds)} s after the last byte ` +
        `(the profile step ${fmt(paced.steps.profile ?? NaN)} s of it); the hub's steps: ${Object.entries(paced.steps).map(([step, sec]) => `${step} ${fmt(sec)} s`).join(', ')}`,
    );
    console.log(`  CPU during the upload: hub ${fmt(paced.hubCpuSeconds, 1)} s` + (paced.pgCpuSeconds !== undefined ? `, PostgreSQL ${fmt(paced.pgCpuSeconds, 1)} s` : ''));
    console.log('');
  }

  console.log(`## 3. Row-by-row INSERT: ${SETTINGS.insertRows} rows, one autocommitted INSERT each`);
  const ins = await rowByRow(db, SETTINGS.insertRows);
  const insRate = ins.rows / ins.seconds;
  const insScaled = SETTINGS.rows / insRate;
  console.log(`  ${ins.rows} rows in ${fmt(ins.seconds)} s: ${fmt(insRate, 0)} rows/s; scaled to ${SETTINGS.rows} rows: ${fmt(insScaled, 1)} s`);
  console.log('');

  const { profileSeconds, aggSeconds } = await profileVsAggregate(db, up.version);
  await hub.stop();

  console.log("## 5. The hub's CPU-bound steps redone in this process, no database");
  const steps = await hubSteps(dirtyFile, COLUMNS);
  const perSecond = (sec: number) => `${fmt(sec)} s (${fmt(SETTINGS.rows / sec, 0)} rows/s)`;
  console.log(`  csv-parse alone ${perSecond(steps.parseSeconds)}; the hub's reader (plain-csv.ts) alone ${perSecond(steps.fastParseSeconds)}`);
  console.log(
    `  parse + null-token match + type check of every cell: with csv-parse ${perSecond(steps.checkSeconds)}; with the hub's reader ${perSecond(steps.fastCheckSeconds)}`,
  );
  console.log(`  the hub's reader, each record checked as the load checks it (as written, or cell by cell): ${perSecond(steps.asLoadedSeconds)}`);
  console.log('');

  const loads: [string, number][] = [
    ['upload through the hub (spool, parse, check, COPY, profile)', up.seconds],
    ['  of which the profile (timed separately, section 4)', profileSeconds],
    ["  upload less the hub's profile step (Server-Timing)", ingestSeconds],
    ['  csv-parse of the file alone (section 5)', steps.parseSeconds],
    ["  the hub's reader alone (section 5)", steps.fastParseSeconds],
    ['  csv-parse + cell checks (section 5)', steps.checkSeconds],
    ["  the hub's reader + cell checks (section 5)", steps.fastCheckSeconds],
    ["  the hub's reader + the load's checks (section 5)", steps.asLoadedSeconds],
    ['raw COPY of the clean file', copy.seconds],
    [`row-by-row INSERT (${ins.rows} rows, scaled ×${fmt(SETTINGS.rows / ins.rows, 0)})`, insScaled],
  ];
  console.log(`## Loading ${SETTINGS.rows} rows`);
  console.log(table(['method', 'seconds', 'rows/s', 'upload time / this'], loads.map(([name, s]) => [name, fmt(s), fmt(SETTINGS.rows / s, 0), ratio(up.seconds, s)])));
  console.log('');
  console.log('## Summary (same run, same machine)');
  console.log(
    table(
      ['figure', 'value', 'compared with', 'ratio'],
      [
        ['ingest rate, upload through the hub', `${fmt(upRate, 0)} rows/s`, '', ''],
        ['upload time / raw COPY of the clean file', `${fmt(up.seconds)} s`, `COPY: ${fmt(copy.seconds)} s`, ratio(up.seconds, copy.seconds)],
        ["upload less the hub's profile step / raw COPY", `${fmt(ingestSeconds)} s`, `COPY: ${fmt(copy.seconds)} s`, ratio(ingestSeconds, copy.seconds)],
        ['upload time / row-by-row INSERT, scaled', `${fmt(up.seconds)} s`, `INSERT: ${fmt(insScaled, 1)} s`, ratio(up.seconds, insScaled)],
        ['profile / one aggregate pass', `${fmt(profileSeconds)} s`, `aggregate: ${fmt(aggSeconds, 3)} s`, ratio(profileSeconds, aggSeconds)],
        ['profile share of the upload', `${fmt(profileSeconds)} s`, `upload: ${fmt(up.seconds)} s`, ratio(profileSeconds, up.seconds)],
        ['csv-parse + cell checks share of the upload', `${fmt(steps.checkSeconds)} s`, `upload: ${fmt(up.seconds)} s`, ratio(steps.checkSeconds, up.seconds)],
        ["the hub's reader + cell checks / csv-parse + cell checks", `${fmt(steps.fastCheckSeconds)} s`, `csv-parse: ${fmt(steps.checkSeconds)} s`, ratio(steps.fastCheckSeconds, steps.checkSeconds)],
        ['hub peak RSS during the upload', `${fmt(up.rssPeakMb, 1)} MB`, `before: ${fmt(up.rssBeforeMb, 1)} MB`, ratio(up.rssPeakMb, up.rssBeforeMb)],
        ...(paced
          ? [[`upload sent at ${SETTINGS.pacedMBps} MB/s: 201 / the body's transfer`, `${fmt(paced.seconds)} s`, `body sent: ${fmt(paced.bodySentSeconds)} s`, ratio(paced.seconds, paced.bodySentSeconds)]]
          : []),
      ],
    ),
  );
  console.log('');
  console.log(`load average at the end: ${os.loadavg().map((l) => fmt(l)).join(' ')}; total ${fmt((performance.now() - started) / 1000, 1)} s`);
}

await runBenchmark(main);
