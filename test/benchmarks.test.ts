/**
 * Benchmarks against a real hub and PostgreSQL: creation and every validation error, the
 * deterministic split, the dev split as an ordinary dataset, and the hidden test split out of
 * reach of every path a user has (every GraphQL field of a benchmark, SQL, the sandbox's own
 * login, exports); private benchmarks; search; and the hidden-split service the hub's evaluation
 * uses (features without labels, labels with their part).
 */
import 'reflect-metadata';
import { parse } from 'csv-parse/sync';
import pg from 'pg';
import { DataSource } from 'typeorm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BenchmarksService } from '../hub/src/benchmarks/index.js';
import { entities } from '../hub/src/entities.js';
import { createDataset, upload } from './support/datasets.js';
import { everyField } from './support/every-field.js';
import { startTestHub, type GraphQLResponse, type TestHub } from './support/hub.js';
import { codeOf, signUp, uniqueName, type SignedUp } from './support/users.js';

const ROWS = 200;
/** Every row carries a unique code (a feature) and a unique price (the regression label), so a leak is a string match. */
const code = (i: number) => `c${String(i).padStart(4, '0')}q`;
const price = (i: number) => Number((1000 + i * 13.37 + 0.0071).toFixed(4));
function housesCsv(from = 1, count = ROWS): string {
  const lines = ['id,code,size,city,sold,price'];
  for (let i = from; i < from + count; i++) {
    lines.push(`${i},${code(i)},${(50 + (i % 37) * 2.5).toFixed(1)},${['oslo', 'bergen', 'tromso'][i % 3]},${i % 2 === 0 ? 'yes' : 'no'},${price(i)}`);
  }
  return lines.join('\n');
}

const CREATE = `mutation($input: CreateBenchmarkInput!) { createBenchmark(input: $input) {
  id owner name task metric higherIsBetter secondaryMetrics label testRowCount publicRowCount open visibility tags deadline
  rules { submissionsPerDay teamSize } featureColumns { name type }
  devDataset { owner name visibility } devVersion { number rowCount columns { name type } } } }`;

const GET = `query($owner: String!, $name: String!) { benchmark(owner: $owner, name: $name) { id name visibility open devDataset { name } } }`;

/** Hidden rows of a benchmark, read as the hub's own database user (the test's view behind the curtain). */
async function hiddenRows(hub: TestHub, benchmarkId: string): Promise<{ table: string; rows: { __key: string; __row: string; __part: string; id: string; code: string; price: number }[] }> {
  const [{ hidden_table: table }] = await hub.sql(`SELECT hidden_table FROM benchmarks WHERE id = $1`, [benchmarkId]);
  return { table, rows: await hub.sql(`SELECT __key, __row, __part, id, code, price FROM ${table} ORDER BY __key`) };
}


describe('Benchmarks', () => {
  let hub: TestHub;
  let owner: SignedUp;
  let stranger: SignedUp;
  let db: DataSource;
  let benchmarks: BenchmarksService;
  const input = (over: Record<string, unknown> = {}) => ({
    name: uniqueName('b'),
    dataset: `${owner.username}/houses@1`,
    label: 'price',
    task: 'REGRESSION',
    metric: 'RMSE',
    secondaryMetrics: ['MAE', 'R2'],
    split: { testFraction: 0.25, publicFraction: 0.4, seed: 7 },
    description: '# Prices\nPredict the **price**.',
    tags: ['housing', 'regression'],
    ...over,
  });
  const create = (over: Record<string, unknown> = {}, token = owner.token) => hub.graphql(CREATE, { input: input(over) }, token);
  async function created(over: Record<string, unknown> = {}) {
    const res = await create(over);
    expect(res.errors).toBeUndefined();
    return res.data.createBenchmark;
  }
  const fieldsOf = (res: GraphQLResponse<unknown>) => res.errors?.[0]?.extensions?.fields?.map((f) => f.field);

  beforeAll(async () => {
    hub = await startTestHub();
    owner = await signUp(hub);
    stranger = await signUp(hub);
    await createDataset(hub, owner.token, { name: 'houses', visibility: 'PRIVATE' });
    expect((await upload(hub, owner.token, owner.username, 'houses', housesCsv())).status).toBe(201);
    // A separate test set: the same columns, other rows.
    await createDataset(hub, owner.token, { name: 'houses-test', visibility: 'PRIVATE' });
    expect((await upload(hub, owner.token, owner.username, 'houses-test', housesCsv(ROWS + 1, 60))).status).toBe(201);
    // Another dataset with other columns.
    await createDataset(hub, owner.token, { name: 'other', visibility: 'PRIVATE' });
    expect((await upload(hub, owner.token, owner.username, 'other', 'a,b\n1,2\n3,4\n')).status).toBe(201);
    db = await new DataSource({ type: 'postgres', url: await hub.databaseUrl(), entities: [...entities], poolSize: 2 }).initialize();
    // The hidden-split doors use only the database; the rest of the service is not needed here.
    benchmarks = new BenchmarksService(db, {} as never, {} as never, {} as never);
  });
  afterAll(async () => {
    await db?.destroy();
    await hub?.close();
  });

  it('creates a benchmark: split sizes from the fractions, the dev split a dataset of the owner with the label, features without it', async () => {
    const b = await created({ deadline: new Date(Date.now() + 86_400_000).toISOString(), rules: { submissionsPerDay: 3 } });
    expect(b).toMatchObject({
      owner: owner.username,
      task: 'REGRESSION',
      metric: 'RMSE',
      higherIsBetter: false,
      secondaryMetrics: ['MAE', 'R2'],
      label: 'price',
      testRowCount: 50,
      publicRowCount: 20,
      open: true,
      visibility: 'PUBLIC',
      tags: ['housing', 'regression'],
      rules: { submissionsPerDay: 3, teamSize: 5 },
      devDataset: { owner: owner.username, name: `${b.name}-dev`, visibility: 'PUBLIC' },
      devVersion: { number: 1, rowCount: 150 },
    });
    expect(b.featureColumns).toEqual([
      { name: 'id', type: 'INTEGER' },
      { name: 'code', type: 'TEXT' },
      { name: 'size', type: 'FLOAT' },
      { name: 'city', type: 'CATEGORICAL' },
      { name: 'sold', type: 'BOOLEAN' },
    ]);
    expect(b.devVersion.columns.map((c: { name: string }) => c.name)).toEqual(['id', 'code', 'size', 'city', 'sold', 'price']);
    // A classification benchmark: higher is better for accuracy.
    const c = await created({ label: 'city', task: 'CLASSIFICATION', metric: 'ACCURACY', secondaryMetrics: ['MACRO_F1', 'LOG_LOSS'] });
    expect(c).toMatchObject({ higherIsBetter: true, label: 'city', testRowCount: 50 });
  });

  it('splits deterministically: the same seed gives the same rows, dev and hidden are disjoint and together are every row', async () => {
    const a = await created();
    const again = await created();
    const other = await created({ split: { testFraction: 0.25, publicFraction: 0.4, seed: 8 } });
    const hiddenA = await hiddenRows(hub, a.id);
    const hiddenAgain = await hiddenRows(hub, again.id);
    const hiddenOther = await hiddenRows(hub, other.id);
    const ids = (rows: { id: string }[]) => rows.map((r) => Number(r.id)).sort((x, y) => x - y);
    expect(ids(hiddenAgain.rows)).toEqual(ids(hiddenA.rows));
    // The parts too, and the keys.
    expect(hiddenAgain.rows.map((r) => [r.id, r.__part])).toEqual(hiddenA.rows.map((r) => [r.id, r.__part]));
    expect(ids(hiddenOther.rows)).not.toEqual(ids(hiddenA.rows));
    expect(hiddenA.rows).toHaveLength(50);
    expect(hiddenA.rows.filter((r) => r.__part === 'public')).toHaveLength(20);
    expect(hiddenA.rows.map((r) => Number(r.__key))).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
    // The dev split, read through SQL like any dataset.
    const sql = await hub.graphql(
      `mutation($q: String!) { runSql(query: $q, first: 1000) { rows totalCount } }`,
      { q: `SELECT id FROM \`${owner.username}.${a.name}-dev\` ORDER BY id` },
      owner.token,
    );
    expect(sql.errors).toBeUndefined();
    const devIds = sql.data.runSql.rows.map((r: number[]) => Number(r[0]));
    expect(devIds).toHaveLength(150);
    const hiddenIds = new Set(ids(hiddenA.rows));
    expect(devIds.filter((id: number) => hiddenIds.has(id))).toEqual([]);
    expect([...devIds, ...hiddenIds].sort((x, y) => x - y)).toEqual(Array.from({ length: ROWS }, (_, i) => i + 1));
    // Fractions that do not divide evenly round to the nearest row.
    const odd = await created({ split: { testFraction: 0.333, publicFraction: 0.5, seed: 1 } });
    expect(odd).toMatchObject({ testRowCount: Math.round(ROWS * 0.333), publicRowCount: Math.round(Math.round(ROWS * 0.333) * 0.5), devVersion: { rowCount: ROWS - Math.round(ROWS * 0.333) } });
  });

  it('takes a separate test dataset with the same columns: every row of it is hidden, every row of the dataset is dev', async () => {
    const b = await created({ split: { publicFraction: 0.5, seed: 3 }, testDataset: `${owner.username}/houses-test@1` });
    expect(b).toMatchObject({ testRowCount: 60, publicRowCount: 30, devVersion: { rowCount: ROWS } });
    const hidden = await hiddenRows(hub, b.id);
    expect(hidden.rows.map((r) => Number(r.id)).sort((x, y) => x - y)).toEqual(Array.from({ length: 60 }, (_, i) => ROWS + 1 + i));
  });

  it('refuses bad input with BAD_USER_INPUT naming the field, and an unreadable dataset with NOT_FOUND', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ dataset: 'houses' }, 'dataset'],
      [{ label: 'nope' }, 'label'],
      [{ label: 'city' }, 'label'], // a categorical label for a regression
      [{ label: 'size', task: 'CLASSIFICATION', metric: 'ACCURACY', secondaryMetrics: [] }, 'label'], // a float label for a classification
      [{ metric: 'ACCURACY' }, 'metric'],
      [{ secondaryMetrics: ['MAE', 'ROC_AUC'] }, 'secondaryMetrics.1'],
      [{ secondaryMetrics: ['RMSE'] }, 'secondaryMetrics.0'],
      [{ label: 'city', task: 'CLASSIFICATION', metric: 'ROC_AUC', secondaryMetrics: [] }, 'metric'], // three classes
      [{ split: { testFraction: 0 } }, 'split.testFraction'],
      [{ split: { testFraction: 1 } }, 'split.testFraction'],
      [{ split: { testFraction: 0.2, publicFraction: 1.5 } }, 'split.publicFraction'],
      [{ split: { testFraction: 0.001 } }, 'split.testFraction'], // no hidden rows
      [{ split: { testFraction: 0.2 }, testDataset: `${owner.username}/houses-test@1` }, 'split.testFraction'],
      [{ split: null, testDataset: `${owner.username}/other@1` }, 'testDataset'],
      [{ rules: { submissionsPerDay: 0 } }, 'rules.submissionsPerDay'],
      [{ rules: { teamSize: 5000 } }, 'rules.teamSize'],
      [{ deadline: new Date(Date.now() - 60_000).toISOString() }, 'deadline'],
      [{ name: 'bad name!' }, 'name'],
      [{ tags: ['Not A Tag'] }, 'tags.0'],
    ];
    for (const [over, field] of cases) {
      const res = await create(over);
      expect(codeOf(res), JSON.stringify(over)).toBe('BAD_USER_INPUT');
      expect(fieldsOf(res), JSON.stringify(over)).toContain(field);
      expect(res.errors![0].message).toMatch(new RegExp(field.replace('.', '\\.')));
    }
    // Names are unique per owner (case-insensitively), and the dev split's dataset name must be free too.
    const b = await created();
    expect(fieldsOf(await create({ name: b.name.toUpperCase() }))).toEqual(['name']);
    await createDataset(hub, owner.token, { name: 'taken-dev' });
    expect(fieldsOf(await create({ name: 'taken' }))).toEqual(['name']);
    // Unknown datasets, versions and someone else's private dataset: NOT_FOUND, the same answer.
    expect(codeOf(await create({ dataset: `${owner.username}/nothing@1` }))).toBe('NOT_FOUND');
    expect(codeOf(await create({ dataset: `${owner.username}/houses@9` }))).toBe('NOT_FOUND');
    expect(codeOf(await create({ dataset: `${owner.username}/houses@1` }, stranger.token))).toBe('NOT_FOUND');
    // Nothing half-made is left behind by a refusal.
    expect((await hub.sql(`SELECT count(*)::int AS n FROM datasets WHERE name = 'taken-dev'`))[0].n).toBe(1);
  });

  it('keeps the hidden labels off every GraphQL field of a benchmark, for its owner too', async () => {
    const b = await created();
    const hidden = await hiddenRows(hub, b.id);
    const selection = await everyField(hub, 'Benchmark', owner.token);
    // The introspected selection reaches the dev split's rows, profile and ingest report.
    expect(selection).toContain('devVersion {');
    expect(selection).toMatch(/rows \{ columns rows/);
    for (const token of [owner.token, stranger.token, undefined]) {
      const res = await hub.graphql(`query($o: String!, $n: String!) { benchmark(owner: $o, name: $n) { ${selection} } }`, { o: owner.username, n: b.name }, token);
      // Fields for the dataset's writers (collaborators, access requests) refuse others; the rest answers.
      if (token === owner.token) expect(res.errors).toBeUndefined();
      expect(res.data?.benchmark?.name).toBe(b.name);
      const text = JSON.stringify(res.data);
      // The dev rows are there (the search is meaningful)…
      expect(text).toContain(code(Number(res.data.benchmark.devVersion.rows.rows[0][0])));
      // …and not one hidden row's code or label.
      for (const row of hidden.rows) {
        expect(text).not.toContain(row.code);
        expect(text).not.toContain(String(row.price));
      }
      const list = await hub.graphql(`query($s: String) { benchmarks(search: $s, first: 2) { edges { node { ${selection} } } } }`, { s: b.name }, token);
      if (token === owner.token) expect(list.errors).toBeUndefined();
      expect(list.data.benchmarks.edges.map((e: { node: { name: string } }) => e.node.name)).toEqual([b.name]);
      const listed = JSON.stringify(list.data);
      for (const row of hidden.rows) expect(listed).not.toContain(row.code);
    }
  });

  it('keeps the hidden split out of SQL, the sandbox login and exports', async () => {
    const b = await created();
    const hidden = await hiddenRows(hub, b.id);
    const runSql = (q: string) => hub.graphql(`mutation($q: String!) { runSql(query: $q, first: 1000) { rows } }`, { q }, owner.token);
    // The dev dataset answers SQL, without a hidden row.
    const dev = await runSql(`SELECT code, price FROM \`${owner.username}.${b.name}-dev\``);
    expect(dev.errors).toBeUndefined();
    expect(dev.data.runSql.rows).toHaveLength(150);
    const devText = JSON.stringify(dev.data);
    for (const row of hidden.rows) expect(devText).not.toContain(row.code);
    // Naming the hidden table, in any spelling, is refused like a dataset that does not exist.
    const short = hidden.table.split('.')[1];
    for (const q of [`SELECT * FROM ${hidden.table}`, `SELECT * FROM "aimass_private"."${short}"`, `SELECT * FROM \`aimass_private.${short}\``, `SELECT * FROM ${owner.username}.${short}`]) {
      const res = await runSql(q);
      expect(res.data?.runSql ?? null, q).toBeNull();
      expect(['NOT_FOUND', 'BAD_USER_INPUT'], q).toContain(codeOf(res));
      expect(JSON.stringify(res)).not.toContain(hidden.rows[0].code);
    }
    // Even the sandbox's own login, talking to PostgreSQL directly, has no right on it.
    const [{ may }] = await hub.sql(
      `SELECT has_schema_privilege('aimass_sql', 'aimass_private', 'USAGE') OR has_table_privilege('aimass_sql', $1, 'SELECT') AS may`,
      [hidden.table],
    );
    expect(may).toBe(false);
    const [{ password }] = await hub.sql(`SELECT password FROM aimass_private.sandbox_logins WHERE role_name = 'aimass_sql'`);
    const url = new URL(await hub.databaseUrl());
    url.username = 'aimass_sql';
    url.password = password;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      await expect(client.query(`SELECT * FROM ${hidden.table}`)).rejects.toMatchObject({ code: '42501' });
    } finally {
      await client.end();
    }
    // The export of the dev split holds the dev rows only.
    const csv = await fetch(`${hub.url}/api/datasets/${owner.username}/${b.name}-dev/versions/1/export.csv`);
    expect(csv.status).toBe(200);
    const rows = parse(await csv.text(), { columns: true }) as { code: string; price: string }[];
    expect(rows).toHaveLength(150);
    const hiddenCodes = new Set(hidden.rows.map((r) => r.code));
    expect(rows.filter((r) => hiddenCodes.has(r.code))).toEqual([]);
  });

  it('makes a private benchmark and its dev split NOT_FOUND to strangers and visitors, everywhere', async () => {
    const b = await created({ visibility: 'PRIVATE' });
    expect(b.devDataset.visibility).toBe('PRIVATE');
    for (const token of [stranger.token, undefined]) {
      expect(codeOf(await hub.graphql(GET, { owner: owner.username, name: b.name }, token))).toBe('NOT_FOUND');
      expect(codeOf(await hub.graphql(`query($o: String!, $n: String!) { dataset(owner: $o, name: $n) { id } }`, { o: owner.username, n: `${b.name}-dev` }, token))).toBe('NOT_FOUND');
      const list = await hub.graphql(`query($s: String) { benchmarks(search: $s) { edges { node { name } } } }`, { s: b.name }, token);
      expect(list.data.benchmarks.edges).toEqual([]);
      const csv = await fetch(`${hub.url}/api/datasets/${owner.username}/${b.name}-dev/versions/1/export.csv`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      expect(csv.status).toBe(404);
      // Changing or deleting it is NOT_FOUND too (never FORBIDDEN, which would tell it exists).
      if (token) {
        expect(codeOf(await hub.graphql(`mutation($o: String!, $n: String!) { deleteBenchmark(owner: $o, name: $n) }`, { o: owner.username, n: b.name }, token))).toBe('NOT_FOUND');
      }
    }
    expect((await hub.graphql(GET, { owner: owner.username, name: b.name }, owner.token)).data.benchmark.name).toBe(b.name);
    // Made public, the benchmark and its dev split show together.
    const updated = await hub.graphql(
      `mutation($o: String!, $n: String!, $i: UpdateBenchmarkInput!) { updateBenchmark(owner: $o, name: $n, input: $i) { visibility devDataset { visibility } } }`,
      { o: owner.username, n: b.name, i: { visibility: 'PUBLIC' } },
      owner.token,
    );
    expect(updated.data.updateBenchmark).toEqual({ visibility: 'PUBLIC', devDataset: { visibility: 'PUBLIC' } });
    expect((await hub.graphql(GET, { owner: owner.username, name: b.name })).data.benchmark.devDataset.name).toBe(`${b.name}-dev`);
    // A stranger who can read it still may not change it.
    const denied = await hub.graphql(
      `mutation($o: String!, $n: String!, $i: UpdateBenchmarkInput!) { updateBenchmark(owner: $o, name: $n, input: $i) { name } }`,
      { o: owner.username, n: b.name, i: { description: 'mine now' } },
      stranger.token,
    );
    expect(codeOf(denied)).toBe('FORBIDDEN');
  });

  it('belongs to an organization: members read a private one, only its admins change it, outsiders cannot make one for it', async () => {
    const handle = uniqueName('org');
    expect((await hub.graphql(`mutation($i: CreateOrganizationInput!) { createOrganization(input: $i) { handle } }`, { i: { handle } }, owner.token)).errors).toBeUndefined();
    const member = await signUp(hub);
    const added = await hub.graphql(`mutation($i: MemberInput!) { addOrganizationMember(input: $i) { role } }`, { i: { organization: handle, username: member.username, role: 'MEMBER' } }, owner.token);
    expect(added.errors).toBeUndefined();
    const b = await created({ owner: handle, visibility: 'PRIVATE' });
    expect(b).toMatchObject({ owner: handle, devDataset: { owner: handle, name: `${b.name}-dev`, visibility: 'PRIVATE' } });
    const read = await hub.graphql(`query($o: String!, $n: String!) { benchmark(owner: $o, name: $n) { name viewerIsAdmin devVersion { rowCount } } }`, { o: handle, n: b.name }, member.token);
    expect(read.data.benchmark).toEqual({ name: b.name, viewerIsAdmin: false, devVersion: { rowCount: 150 } });
    const update = `mutation($o: String!, $n: String!, $i: UpdateBenchmarkInput!) { updateBenchmark(owner: $o, name: $n, input: $i) { rules { submissionsPerDay } } }`;
    expect(codeOf(await hub.graphql(update, { o: handle, n: b.name, i: { rules: { submissionsPerDay: 50 } } }, member.token))).toBe('FORBIDDEN');
    expect((await hub.graphql(update, { o: handle, n: b.name, i: { rules: { submissionsPerDay: 50 } } }, owner.token)).data.updateBenchmark.rules.submissionsPerDay).toBe(50);
    expect(codeOf(await hub.graphql(GET, { owner: handle, name: b.name }, stranger.token))).toBe('NOT_FOUND');
    // A stranger may not make one for the organization (their own public dataset would be fine as a source).
    expect(codeOf(await create({ owner: handle }, stranger.token))).toBe('FORBIDDEN');
  });

  it('searches by text, task, tags and open or closed, in keyset pages', async () => {
    const word = uniqueName('w');
    const a = await created({ description: `About ${word}.`, tags: ['housing', word] });
    const c = await created({ description: `Also ${word}.`, tags: [word], label: 'sold', task: 'CLASSIFICATION', metric: 'ROC_AUC', secondaryMetrics: ['ACCURACY'] });
    expect(c).toMatchObject({ metric: 'ROC_AUC', higherIsBetter: true });
    const names = async (args: string, token?: string) => {
      const res = await hub.graphql(`query { benchmarks(${args}) { totalCount edges { node { name open } } pageInfo { hasNextPage endCursor } } }`, {}, token);
      expect(res.errors).toBeUndefined();
      return res.data.benchmarks;
    };
    expect((await names(`search: "${word}"`)).edges.map((e: any) => e.node.name).sort()).toEqual([a.name, c.name].sort());
    expect((await names(`search: "${word}", task: CLASSIFICATION`)).edges.map((e: any) => e.node.name)).toEqual([c.name]);
    expect((await names(`tags: ["${word}", "housing"]`)).edges.map((e: any) => e.node.name)).toEqual([a.name]);
    // Closing one (an admin may set a past deadline) moves it to the closed list.
    const closed = await hub.graphql(
      `mutation($o: String!, $n: String!, $i: UpdateBenchmarkInput!) { updateBenchmark(owner: $o, name: $n, input: $i) { open deadline } }`,
      { o: owner.username, n: a.name, i: { deadline: new Date(Date.now() - 1000).toISOString() } },
      owner.token,
    );
    expect(closed.data.updateBenchmark.open).toBe(false);
    expect((await names(`tags: ["${word}"], open: true`)).edges.map((e: any) => e.node.name)).toEqual([c.name]);
    expect((await names(`tags: ["${word}"], open: false`)).edges.map((e: any) => e.node.name)).toEqual([a.name]);
    // Keyset pages: one at a time, newest first, no duplicates.
    const first = await names(`tags: ["${word}"], first: 1`);
    expect(first).toMatchObject({ totalCount: 2, pageInfo: { hasNextPage: true } });
    const second = await names(`tags: ["${word}"], first: 1, after: "${first.pageInfo.endCursor}"`);
    expect([first.edges[0].node.name, second.edges[0].node.name]).toEqual([c.name, a.name]);
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect(codeOf(await hub.graphql(`query { benchmarks(after: "bogus") { totalCount } }`))).toBe('BAD_USER_INPUT');
  });

  it('gives the hub the hidden features in chunks without a label, and the labels with their part for its scorer', async () => {
    const b = await created();
    const hidden = await hiddenRows(hub, b.id);
    const seen: { key: number; values: unknown[] }[] = [];
    let after = 0;
    let columns: string[] = [];
    for (;;) {
      const chunk = await benchmarks.hiddenFeatures(b.id, after, 16);
      columns = chunk.columns;
      seen.push(...chunk.rows);
      expect(chunk.rows.length).toBeLessThanOrEqual(16);
      if (chunk.next === null) break;
      after = chunk.next;
    }
    expect(columns).toEqual(['id', 'code', 'size', 'city', 'sold']);
    expect(seen.map((r) => r.key)).toEqual(hidden.rows.map((r) => Number(r.__key)));
    expect(seen.map((r) => r.values[1])).toEqual(hidden.rows.map((r) => r.code));
    expect(seen.every((r) => r.values.length === 5)).toBe(true);
    const featuresText = JSON.stringify(seen);
    for (const row of hidden.rows) expect(featuresText).not.toContain(String(row.price));
    expect(featuresText).not.toMatch(/public|private/);

    const labels = await benchmarks.hiddenLabels(b.id, 0, 1000);
    expect(labels.next).toBeNull();
    expect(labels.rows).toEqual(hidden.rows.map((r) => ({ key: Number(r.__key), label: r.price, part: r.__part })));
    expect(labels.rows.filter((r) => r.part === 'public')).toHaveLength(b.publicRowCount);
    await expect(benchmarks.hiddenFeatures('00000000-0000-4000-8000-000000000000')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('deletes a benchmark with its hidden split; the dev split stays a dataset', async () => {
    const b = await created();
    const { table } = await hiddenRows(hub, b.id);
    const res = await hub.graphql(`mutation($o: String!, $n: String!) { deleteBenchmark(owner: $o, name: $n) }`, { o: owner.username, n: b.name }, owner.token);
    expect(res.data.deleteBenchmark).toBe(true);
    expect(codeOf(await hub.graphql(GET, { owner: owner.username, name: b.name }, owner.token))).toBe('NOT_FOUND');
    expect((await hub.sql(`SELECT to_regclass($1) AS t`, [table]))[0].t).toBeNull();
    expect((await hub.graphql(`query($o: String!, $n: String!) { dataset(owner: $o, name: $n) { name } }`, { o: owner.username, n: `${b.name}-dev` }, owner.token)).data.dataset.name).toBe(`${b.name}-dev`);
  });
});

describe('Benchmarks on the PGlite fallback', () => {
  let hub: TestHub;
  beforeAll(async () => {
    hub = await startTestHub({ backend: 'pglite' });
  });
  afterAll(() => hub?.close());

  it('splits and stores a benchmark there too (SQL is off there; the dev split is still a dataset)', async () => {
    const owner = await signUp(hub);
    await createDataset(hub, owner.token, { name: 'houses', visibility: 'PRIVATE' });
    expect((await upload(hub, owner.token, owner.username, 'houses', housesCsv(1, 40))).status).toBe(201);
    const res = await hub.graphql(
      CREATE,
      { input: { name: 'prices', dataset: `${owner.username}/houses@1`, label: 'price', task: 'REGRESSION', metric: 'MAE', split: { testFraction: 0.25, publicFraction: 0.5, seed: 7 } } },
      owner.token,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data.createBenchmark).toMatchObject({ testRowCount: 10, publicRowCount: 5, devVersion: { rowCount: 30 }, devDataset: { name: 'prices-dev' } });
    const rows = await hub.graphql(
      `query($o: String!) { datasetVersion(owner: $o, name: "prices-dev") { rows(first: 100) { rows totalCount } } }`,
      { o: owner.username },
      owner.token,
    );
    expect(rows.data.datasetVersion.rows.totalCount).toBe(30);
  });
});
