/**
 * `npm run bench` (after the compute and ingest benchmarks), or `npm run bench:catalog` alone: the
 * catalog search benchmark, all figures from one run on one machine:
 *
 *  1. seed: BENCH_CATALOG_MODELS (10,000) models inserted with `INSERT … SELECT generate_series`
 *     (names, tasks, tags, licenses, descriptions from word lists; 5 % private, 5 % unlisted;
 *     stars and downloads with many ties), two versions each (the first published with a model
 *     card, the second published for a third of them, else a draft) and a `production` alias,
 *     all through the hub's triggers, which keep the search vectors; then VACUUM (ANALYZE);
 *  2. latency: a catalog page of BENCH_CATALOG_PAGE (50) models with owner, tags, latest version
 *     (number, status, signature) and aliases, as GraphQL over HTTP to the built hub on PostgreSQL,
 *     for a text search (rotating through a few queries, RELEVANCE) and for the plain listing
 *     (UPDATED), with 1 and 50 clients sending back to back; p50, p99, requests per second;
 *  3. the same requests, side by side in the same run, to two bare graphql-js servers
 *     (bare-graphql-server.ts: `graphql()` over node:http with the hub's own SDL, answering the
 *     hub's data from memory): one that first sends PostgreSQL the SQL the hub sent for the same
 *     request (recorded from a second hub on the same database with AIMASS_DEBUG_SQL_TEXT, then
 *     stopped) — the issue's yardstick, "bare graphql-js with the same SQL" — and one with no
 *     database at all; the ratios hub / bare;
 *  4. CPU per request of the hub, of PostgreSQL (when this run started the server) and of the
 *     bare servers, from /proc;
 *  5. SQL statements per page, as the hub counts them (the `aimass_graphql_sql_statements`
 *     histogram in /metrics): for one page of 5 and one of 50, and the mean over the runs;
 *  6. a summary in the shape of issue 16's rows: req/s with the most clients, p50/p99, the ratios
 *     to bare graphql-js with the same SQL and from memory, statements per page.
 *
 * BENCH_HUB_NODE_OPTIONS is handed to the hub process alone (NODE_OPTIONS there): `--import` of a
 * file that starts node:inspector's profiler, or heap flags (`--cpu-prof` is refused in NODE_OPTIONS).
 *
 * Needs PostgreSQL (DATABASE_URL as an admin connection, else a throwaway server from
 * test/support/postgres.sh). Everything it starts or writes is removed before it exits, on
 * failure and on Ctrl-C too.
 */
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { connect, cpuDelta, fmt, graphql, HUB_ENTRY, HUB_NODE_FLAGS, intEnv, listEnv, onCleanup, postgresCpu, ratio, ROOT, runBenchmark, setUpDatabase, signUp, startHub, summarize, table, type Database, type Hub } from './harness.js';
import { cpuSeconds } from './proc-stats.js';

const SETTINGS = {
  models: intEnv('BENCH_CATALOG_MODELS', 10_000),
  page: intEnv('BENCH_CATALOG_PAGE', 50),
  clients: listEnv('BENCH_CATALOG_CLIENTS', [1, 50]),
  /** Requests measured per run with one client, and with more. */
  requestsAlone: intEnv('BENCH_CATALOG_REQUESTS_1', 300),
  requestsConcurrent: intEnv('BENCH_CATALOG_REQUESTS_N', 1500),
  warmup: intEnv('BENCH_CATALOG_WARMUP', 50),
};

// ---- the data ---------------------------------------------------------------------------------

const DOMAINS = ['image', 'text', 'audio', 'tabular', 'timeseries', 'graph', 'video', 'speech', 'medical', 'retail', 'finance', 'weather', 'traffic', 'energy', 'sports', 'legal'];
const KINDS = ['classifier', 'regressor', 'detector', 'encoder', 'forecaster', 'ranker', 'tagger', 'segmenter', 'embedder', 'recommender'];
const TASKS = ['classification', 'regression', 'forecasting', 'ranking', 'embedding', 'detection'];
const TAGS = ['vision', 'nlp', 'audio', 'tabular', 'small', 'large', 'quantized', 'demo', 'production', 'research', 'en', 'multilingual', 'gpu', 'cpu', 'experimental', 'stable'];
const LICENSES = ['MIT', 'Apache-2.0', 'CC-BY-4.0', 'BSD-3-Clause', 'GPL-3.0', 'proprietary'];
const CORPORA = ['public benchmarks', 'customer logs', 'sensor readings', 'web text', 'clinical notes', 'market ticks', 'satellite images', 'call recordings'];
const NOTES = [
  'Fast on CPU and small enough for the browser.',
  'Quantized weights; accuracy within a point of the full model.',
  'Accurate on long inputs, slower on short ones.',
  'Good for sentiment analysis of product reviews.',
  'Built for forecasting demand a week ahead.',
  'Handles missing values without imputation.',
  'Trained with dropout, batch normalization and early stopping.',
];
/** Search texts the clients rotate through (web search syntax, as users type them). */
const SEARCHES = ['image classifier', 'forecast', 'sentiment reviews', 'weather', 'speech detector', 'retail ranker', 'tabular -medical', 'quantized browser'];

const CARD = `fragment Card on Model {
  id owner name task framework tags license stars downloads updatedAt
  latestVersion { number status signature { inputs { name shape dtype } outputs { name shape dtype } } }
  aliases { alias number }
}`;
const QUERIES = {
  CatalogSearch: `query CatalogSearch($search: String!, $first: Int!) {
    models(search: $search, first: $first) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ...Card } } } } ${CARD}`,
  CatalogList: `query CatalogList($first: Int!) {
    models(first: $first) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ...Card } } } } ${CARD}`,
};
type Operation = keyof typeof QUERIES;
const LABEL: Record<Operation, string> = { CatalogSearch: 'text search (RELEVANCE)', CatalogList: 'plain listing (UPDATED)' };

const variables = (operation: Operation, i: number, first = SETTINGS.page) =>
  operation === 'CatalogSearch' ? { search: SEARCHES[i % SEARCHES.length], first } : { first };

async function seed(url: string, ownerIds: string[]): Promise<{ seconds: number; published: number }> {
  const db = await connect(url);
  const started = performance.now();
  await db.query(
    `INSERT INTO models (owner_id, name, task, tags, license, visibility, description, stars, downloads, created_at, updated_at)
     SELECT ($1::uuid[])[1 + i % cardinality($1::uuid[])],
            ($2::text[])[1 + i % 16] || '-' || ($3::text[])[1 + (i / 16) % 10] || '-' || i,
            ($4::text[])[1 + (i * 7) % 6],
            ARRAY[($5::text[])[1 + i % 16], ($5::text[])[1 + (i * 5 + 3) % 16], ($5::text[])[1 + (i * 11 + 7) % 16]],
            ($6::text[])[1 + (i * 3) % 6],
            CASE WHEN i % 20 = 0 THEN 'private' WHEN i % 20 = 1 THEN 'unlisted' ELSE 'public' END,
            'A ' || ($3::text[])[1 + (i / 16) % 10] || ' for ' || ($2::text[])[1 + i % 16] || ' data, trained on '
              || ($7::text[])[1 + (i * 13) % 8] || '. ' || ($8::text[])[1 + (i * 17) % 7],
            (i * 7919) % 500,
            (i * 104729) % 100000,
            now() - i * interval '37 seconds',
            now() - ((i * 7) % 10000) * interval '1 minute'
     FROM generate_series(1, $9::int) i`,
    [ownerIds, DOMAINS, KINDS, TASKS, TAGS, LICENSES, CORPORA, NOTES, SETTINGS.models],
  );
  const signature = { inputs: [{ name: 'features', shape: [null, 12], dtype: 'float32' }], outputs: [{ name: 'scores', shape: [null, 3], dtype: 'float32' }] };
  await db.query(
    `INSERT INTO model_versions (model_id, number, status, files, signature, card, published_at)
     SELECT m.id, n, CASE WHEN n = 1 OR m.stars % 3 = 0 THEN 'published' ELSE 'draft' END, '{}'::jsonb, $1::jsonb,
            '# ' || m.name || E'\n\n' || m.description || E'\n\n## Limits\n\nEvaluated on held-out data only; version ' || n || '.',
            CASE WHEN n = 1 OR m.stars % 3 = 0 THEN now() END
     FROM models m, generate_series(1, 2) n`,
    [JSON.stringify(signature)],
  );
  await db.query(`INSERT INTO model_aliases (model_id, alias, version_id) SELECT model_id, 'production', id FROM model_versions WHERE number = 1`);
  // Vacuumed as well as analyzed: a catalog at rest, as autovacuum leaves it (the visibility map
  // set, so counts can be answered from an index alone), not a table loaded a second ago.
  await db.query(`VACUUM (ANALYZE) models, model_versions, model_aliases`);
  const [{ published }] = (await db.query(`SELECT count(*)::int AS published FROM models WHERE card_search <> ''::tsvector`)).rows;
  return { seconds: (performance.now() - started) / 1000, published };
}

// ---- load ---------------------------------------------------------------------------------------

interface Target {
  name: string;
  url: string;
  headers: Record<string, string>;
  /** The server process, for its CPU time. */
  pid: number;
}

/** `total` requests from `clients` clients sending back to back; each request's latency in ms. */
async function load(target: Target, operation: Operation, clients: number, total: number): Promise<{ latencies: number[]; seconds: number }> {
  const latencies: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        const body = JSON.stringify({ query: QUERIES[operation], variables: variables(operation, i), operationName: operation });
        const sent = performance.now();
        const res = await fetch(target.url, { method: 'POST', headers: target.headers, body });
        const text = await res.text();
        latencies.push(performance.now() - sent);
        if (!res.ok || !text.startsWith('{"data"') || text.includes('"errors"')) throw new Error(`${target.name} ${operation}: ${res.status} ${text.slice(0, 500)}`);
      }
    }),
  );
  return { latencies, seconds: (performance.now() - started) / 1000 };
}

/** A sample's value from Prometheus text, 0 when absent. */
function sample(metrics: string, name: string, labels: string): number {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name}{`) && l.includes(labels));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

async function statementTotals(hub: Hub, operation: Operation): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`${hub.url}/metrics`)).text();
  const labels = `operation="${operation}"`;
  return { sum: sample(text, 'aimass_graphql_sql_statements_sum', labels), count: sample(text, 'aimass_graphql_sql_statements_count', labels) };
}

/** The key bare-graphql-server.js finds a request's recorded statements under. */
const requestKey = (operation: Operation, vars: object) => `${operation}\n${JSON.stringify(vars)}`;

/**
 * The SQL the hub sends for each distinct request the load sends (every search text, the listing),
 * as a second hub on the same database reports it with AIMASS_DEBUG_SQL_TEXT; that hub is stopped
 * before anything is measured.
 */
async function recordStatements(database: Database, token: string): Promise<Record<string, unknown[]>> {
  const recorder = await startHub(database, { AIMASS_DEBUG_SQL_TEXT: 'true' });
  const recorded: Record<string, unknown[]> = {};
  try {
    for (const operation of Object.keys(QUERIES) as Operation[]) {
      for (let i = 0; i < SEARCHES.length; i++) {
        const vars = variables(operation, i);
        if (recorded[requestKey(operation, vars)]) continue;
        const res = await fetch(`${recorder.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: QUERIES[operation], variables: vars, operationName: operation }),
        });
        const body = (await res.json()) as { errors?: unknown; extensions?: { sql?: unknown[] } };
        if (body.errors || !body.extensions?.sql) throw new Error(`recording ${operation}: ${JSON.stringify(body).slice(0, 500)}`);
        recorded[requestKey(operation, vars)] = body.extensions.sql;
      }
    }
  } finally {
    await recorder.stop();
  }
  return recorded;
}

/**
 * Starts bare-graphql-server.js on the hub's SDL with `answers` (and, given `sql`, sending the
 * recorded statements to `databaseUrl` before each answer); stopped at cleanup.
 */
async function startBareServer(dir: string, answers: Record<string, unknown>, sql?: { statements: Record<string, unknown[]>; databaseUrl: string }): Promise<{ url: string; pid: number }> {
  const sdl = path.join(dir, 'schema.graphql');
  writeFileSync(sdl, execFileSync(process.execPath, [path.join(ROOT, 'dist/hub/src/graphql/print-schema.js')], { cwd: ROOT }));
  const data = path.join(dir, 'answers.json');
  writeFileSync(data, JSON.stringify(answers));
  const args = [sdl, data];
  if (sql) {
    const statements = path.join(dir, 'statements.json');
    writeFileSync(statements, JSON.stringify(sql.statements));
    // As many connections as the hub's pool (DATABASE_POOL_SIZE, 10).
    args.push(statements, sql.databaseUrl, '10');
  }
  const child = spawn(process.execPath, [path.join(ROOT, 'dist/test/bench/bare-graphql-server.js'), ...args], { stdio: ['ignore', 'pipe', 'inherit'] });
  onCleanup('stop the bare graphql-js server', async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await once(child, 'exit');
    }
  });
  child.stdout!.setEncoding('utf8');
  const [line] = (await once(child.stdout!, 'data')) as [string];
  return { url: `http://127.0.0.1:${JSON.parse(line).port}/graphql`, pid: child.pid! };
}

// ---- main -------------------------------------------------------------------------------------

type Figures = ReturnType<typeof summarize> & { rps: number; cpuMs: number; pgCpuMs: number };

async function main(): Promise<void> {
  if (!existsSync(HUB_ENTRY)) throw new Error(`${HUB_ENTRY} is missing: run \`npm run build:hub\` first (npm run bench does).`);
  const started = performance.now();
  const database = await setUpDatabase();
  // BENCH_HUB_NODE_OPTIONS reaches the hub process only, e.g. `--cpu-prof --cpu-prof-dir=/tmp/prof`.
  const hub = await startHub(database, process.env.BENCH_HUB_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_HUB_NODE_OPTIONS } : {});
  const dir = mkdtempSync(path.join(os.tmpdir(), 'aimass-bench-catalog-'));
  onCleanup('remove the temporary directory', () => rmSync(dir, { recursive: true, force: true }));

  const pgVersion = (await (await connect(database.url)).query(`SHOW server_version`)).rows[0].server_version as string;
  const cpus = os.cpus();
  console.log('# AI Mass catalog search benchmark');
  console.log(`date        ${new Date().toISOString()}`);
  console.log(`machine     ${cpus.length} cores (${cpus[0]?.model ?? 'unknown'}), ${fmt(os.totalmem() / 2 ** 30, 1)} GiB RAM, ${os.platform()} ${os.release()}`);
  console.log(`load        ${os.loadavg().map((l) => fmt(l)).join(' ')} (1, 5, 15 min load average at the start: other work on the machine skews every figure)`);
  console.log(`node        ${process.version}; the hub: node ${[...HUB_NODE_FLAGS, process.env.BENCH_HUB_NODE_ARGS ?? ''].join(' ').trim()}${process.env.BENCH_HUB_NODE_OPTIONS ? `, NODE_OPTIONS=${process.env.BENCH_HUB_NODE_OPTIONS}` : ''}`);
  console.log(`postgresql  ${pgVersion} (${process.env.DATABASE_URL ? 'DATABASE_URL' : 'throwaway server from test/support/postgres.sh: fsync=off, synchronous_commit=off'})`);
  console.log(`settings    ${JSON.stringify(SETTINGS)}`);

  // Owners: eight users and two organizations; the reader belongs to one of them.
  const users = await Promise.all(Array.from({ length: 8 }, () => signUp(hub)));
  const orgIds: string[] = [];
  for (const handle of [`benchorg${Date.now().toString(36)}a`, `benchorg${Date.now().toString(36)}b`]) {
    orgIds.push((await graphql(hub, `mutation($h: String!) { createOrganization(input: { handle: $h }) { id } }`, { h: handle }, users[0].token)).createOrganization.id);
    if (orgIds.length === 1) {
      await graphql(hub, `mutation($o: String!, $u: String!) { addOrganizationMember(input: { organization: $o, username: $u }) { role } }`, { o: handle, u: users[1].username }, users[0].token);
    }
  }
  const reader = users[1];
  const seeded = await seed(database.url, [...users.map((u) => u.id), ...orgIds]);
  console.log(`seed        ${SETTINGS.models} models, ${SETTINGS.models * 2} versions, ${SETTINGS.models} aliases in ${fmt(seeded.seconds)} s (triggers included); ${seeded.published} models with a published card`);

  const hubTarget: Target = { name: 'hub', url: `${hub.url}/graphql`, headers: { 'content-type': 'application/json', authorization: `Bearer ${reader.token}` }, pid: hub.pid };
  const operations = Object.keys(QUERIES) as Operation[];

  // What each page looks like, and what it costs in statements (one request at a time, so the
  // histogram's sum moves by exactly that request's count).
  const answers: Record<string, unknown> = {};
  const statements: Record<Operation, { five: number; page: number; totalCount: number; bytes: number }> = {} as never;
  for (const operation of operations) {
    const counted = async (first: number) => {
      const before = await statementTotals(hub, operation);
      const data = await graphql(hub, QUERIES[operation], variables(operation, 0, first), reader.token);
      const after = await statementTotals(hub, operation);
      return { data, statements: after.sum - before.sum };
    };
    const five = await counted(5);
    const page = await counted(SETTINGS.page);
    answers[operation] = page.data;
    statements[operation] = { five: five.statements, page: page.statements, totalCount: page.data.models.totalCount, bytes: JSON.stringify({ data: page.data }).length };
  }
  const recorded = await recordStatements(database, reader.token);
  const bareSqlTarget: Target = { name: 'bare with the same SQL', ...(await startBareServer(dir, answers, { statements: recorded, databaseUrl: database.url })), headers: { 'content-type': 'application/json' } };
  const bareTarget: Target = { name: 'bare', ...(await startBareServer(dir, answers)), headers: { 'content-type': 'application/json' } };

  console.log('\n## Pages');
  console.log(
    table(
      ['query', 'totalCount', 'response bytes', 'SQL statements, page of 5', `SQL statements, page of ${SETTINGS.page}`],
      operations.map((o) => [LABEL[o], statements[o].totalCount, statements[o].bytes, statements[o].five, statements[o].page]),
    ),
  );

  interface Row {
    operation: Operation;
    clients: number;
    hub: Figures;
    bareSql: Figures;
    bare: Figures;
  }
  const rows: Row[] = [];
  const runStatements: Record<Operation, { sum: number; count: number }> = {} as never;
  for (const operation of operations) {
    const before = await statementTotals(hub, operation);
    for (const clients of SETTINGS.clients) {
      const total = clients === 1 ? SETTINGS.requestsAlone : SETTINGS.requestsConcurrent;
      const measure = async (target: Target): Promise<Figures> => {
        await load(target, operation, clients, Math.max(SETTINGS.warmup, clients));
        const cpuBefore = cpuSeconds(target.pid) ?? NaN;
        const pgBefore = postgresCpu(database);
        const { latencies, seconds } = await load(target, operation, clients, total);
        const perRequestMs = (s: number | undefined) => (s === undefined ? NaN : (1000 * s) / total);
        return {
          ...summarize(latencies),
          rps: total / seconds,
          cpuMs: perRequestMs((cpuSeconds(target.pid) ?? NaN) - cpuBefore),
          pgCpuMs: target === bareTarget ? 0 : perRequestMs(cpuDelta(pgBefore, postgresCpu(database))),
        };
      };
      // Side by side: the hub, then the bare servers, with the same requests.
      const hubFigures = await measure(hubTarget);
      const bareSqlFigures = await measure(bareSqlTarget);
      const bareFigures = await measure(bareTarget);
      rows.push({ operation, clients, hub: hubFigures, bareSql: bareSqlFigures, bare: bareFigures });
      console.log(`  ${LABEL[operation]}, ${clients} client(s): hub p50 ${fmt(hubFigures.p50)} ms, bare with the same SQL p50 ${fmt(bareSqlFigures.p50)} ms, bare from memory p50 ${fmt(bareFigures.p50)} ms`);
    }
    const after = await statementTotals(hub, operation);
    runStatements[operation] = { sum: after.sum - before.sum, count: after.count - before.count };
  }

  console.log(`\n## Latency, a page of ${SETTINGS.page} (ms; requests per second; bare+SQL: bare graphql-js sending the hub's SQL first; bare: from memory)`);
  console.log(
    table(
      ['query', 'clients', 'hub p50', 'hub p99', 'hub req/s', 'bare+SQL p50', 'bare+SQL p99', 'bare+SQL req/s', 'req/s bare+SQL/hub', 'bare p50', 'bare p99', 'bare req/s', 'req/s bare/hub'],
      rows.map((r) => [
        LABEL[r.operation],
        r.clients,
        fmt(r.hub.p50),
        fmt(r.hub.p99),
        fmt(r.hub.rps, 0),
        fmt(r.bareSql.p50),
        fmt(r.bareSql.p99),
        fmt(r.bareSql.rps, 0),
        ratio(r.bareSql.rps, r.hub.rps),
        fmt(r.bare.p50),
        fmt(r.bare.p99),
        fmt(r.bare.rps, 0),
        ratio(r.bare.rps, r.hub.rps),
      ]),
    ),
  );
  const pgMs = (f: Figures) => (Number.isNaN(f.pgCpuMs) ? 'n/a (DATABASE_URL)' : fmt(f.pgCpuMs));
  console.log('\n## CPU per request (ms): the server process, and PostgreSQL (postmaster and backends) for the servers that send SQL');
  console.log(
    table(
      ['query', 'clients', 'hub', 'PostgreSQL (hub)', 'bare+SQL', 'PostgreSQL (bare+SQL)', 'bare from memory'],
      rows.map((r) => [LABEL[r.operation], r.clients, fmt(r.hub.cpuMs), pgMs(r.hub), fmt(r.bareSql.cpuMs), pgMs(r.bareSql), fmt(r.bare.cpuMs)]),
    ),
  );
  console.log('\n## SQL statements per operation over the measured runs (hub histogram aimass_graphql_sql_statements)');
  console.log(
    table(
      ['query', 'operations', 'statements', 'per operation'],
      operations.map((o) => [LABEL[o], runStatements[o].count, runStatements[o].sum, fmt(runStatements[o].sum / runStatements[o].count)]),
    ),
  );
  // The rows of issue 16's table: the catalog page with 50 clients (or the most measured), and its statements.
  const most = Math.max(...SETTINGS.clients);
  console.log(`\n## Summary: catalog page of ${SETTINGS.page}, ${most} clients, against bare graphql-js with the same SQL in the same run (goal: ≤ 2× fewer req/s, ≤ 3 statements), and from memory`);
  console.log(
    table(
      ['query', 'hub req/s', 'hub p50 / p99 ms', 'bare+SQL req/s', 'req/s bare+SQL/hub', 'bare req/s (memory)', 'req/s bare/hub', 'SQL statements per page'],
      rows
        .filter((r) => r.clients === most)
        .map((r) => [
          LABEL[r.operation],
          fmt(r.hub.rps, 0),
          `${fmt(r.hub.p50, 0)} / ${fmt(r.hub.p99, 0)}`,
          fmt(r.bareSql.rps, 0),
          ratio(r.bareSql.rps, r.hub.rps),
          fmt(r.bare.rps, 0),
          ratio(r.bare.rps, r.hub.rps),
          fmt(runStatements[r.operation].sum / runStatements[r.operation].count),
        ]),
    ),
  );
  console.log(`\nload average at the end: ${os.loadavg().map((l) => fmt(l)).join(' ')}`);
  console.log(`total time ${fmt((performance.now() - started) / 1000, 1)} s`);
}

await runBenchmark(main);
