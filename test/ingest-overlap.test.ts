/**
 * An upload loaded while its body arrives (PostgreSQL): the COPY into the version's table runs
 * before the body has ended; a sender that stops midway gets its transaction rolled back (no
 * connection held) and its body loaded once it is all in; a byte that is not UTF-8 past what was
 * loaded makes the load start again on the whole body, read as single-byte text; a NUL byte past
 * the head, or a body over the limit, refuses the upload with nothing left behind. Real hubs,
 * real HTTP, real PostgreSQL (the suite's server and the embedded one).
 */
import http from 'node:http';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset } from './support/datasets.js';
import { BACKENDS, startTestHub, type TestHub } from './support/hub.js';
import { signUp, uniqueName, type SignedUp } from './support/users.js';
import { waitFor } from './support/compute.js';

/** A chunked upload the test feeds part by part. */
function openUpload(hub: TestHub, token: string, owner: string, name: string) {
  const req = http.request(new URL(`/api/datasets/${owner}/${name}/versions`, hub.url), {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv', 'transfer-encoding': 'chunked' },
  });
  const response = new Promise<{ status: number; body: any; timing: Record<string, number> }>((resolve, reject) => {
    req.on('response', (res) => {
      const parts: Buffer[] = [];
      res.on('data', (part: Buffer) => parts.push(part));
      // Server-Timing: `spool;dur=12.3, ingest;dur=…` (ms).
      const timing = Object.fromEntries([...String(res.headers['server-timing'] ?? '').matchAll(/(\w+);dur=([\d.]+)/g)].map((m) => [m[1], Number(m[2])]));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(parts).toString() || 'null'), timing }));
    });
    req.on('error', reject);
  });
  return {
    write: (bytes: Buffer) => new Promise<void>((resolve, reject) => req.write(bytes, (error) => (error ? reject(error) : resolve()))),
    end: () => req.end(),
    response,
  };
}

/** `rows` rows of id,label,score: about 25 bytes each. */
const csv = (rows: number, first = 1) => Array.from({ length: rows }, (_, i) => `${first + i},label ${(first + i) % 13},${((first + i) * 0.25).toFixed(2)}\n`).join('');

describe.each(BACKENDS)('Uploads loaded as they arrive on %s', (backend) => {
  let hub: TestHub;
  let impatient: TestHub;
  let alice: SignedUp;
  const datasetTables = async (h: TestHub) => (await h.sql(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'datasets' ORDER BY 1`)).map((r) => r.table_name);
  /** What the hub's connections to its database are doing, other than this query. */
  const activity = async (h: TestHub) =>
    (await h.sql(`SELECT state, query FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'`)) as { state: string; query: string }[];
  const copying = (rows: { query: string; state: string }[]) => rows.some((r) => r.state === 'active' && /^COPY datasets\.v_/.test(r.query));
  const readAgain = async (h: TestHub, reason: string) => {
    const text = await (await fetch(`${h.url}/metrics`)).text();
    return Number(new RegExp(`^aimass_dataset_uploads_read_again_total\\{reason="${reason}"\\} (\\d+)`, 'm').exec(text)?.[1] ?? 0);
  };

  beforeAll(async () => {
    // One hub waits for a body's bytes as long as a test takes; the other gives up after 300 ms.
    [hub, impatient] = await Promise.all([
      // A pool of 4: one upload at a time may follow its body.
      startTestHub({ backend, env: { AIMASS_DATASET_OVERLAP_WAIT_MS: '600000', AIMASS_DATASET_MAX_BYTES: '3000000', DATABASE_POOL_SIZE: '4' } }),
      startTestHub({ backend, env: { AIMASS_DATASET_OVERLAP_WAIT_MS: '300' } }),
    ]);
    alice = await signUp(hub);
  });
  afterAll(async () => {
    await Promise.all([hub?.close(), impatient?.close()]);
  });

  it('loads rows into the version\'s table before the body has ended, and keeps every row', async () => {
    const { name } = await createDataset(hub, alice.token, { name: uniqueName('ds'), visibility: 'PRIVATE' });
    const up = openUpload(hub, alice.token, alice.username, name);
    await up.write(Buffer.from(`id,label,score\n${csv(60_000)}`));
    // The COPY is under way while the rest of the body has not been sent.
    await waitFor('a COPY into the version table while the body is still open', async () => copying(await activity(hub)));
    await up.write(Buffer.from(csv(20_000, 60_001)));
    up.end();
    const res = await up.response;
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.rowCount).toBe(80_000);
    expect(res.body.ingestReport).toMatchObject({ encoding: 'utf-8', rows: 80_000, bytes: Buffer.byteLength(`id,label,score\n${csv(80_000)}`) });
    const [row] = await hub.sql(`SELECT count(*)::int AS n, sum(id)::bigint AS ids, sum(score) AS scores FROM ${(await hub.sql(`SELECT table_name FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id WHERE d.name = $1`, [name]))[0].table_name}`);
    expect(row).toEqual({ n: 80_000, ids: String((80_000 * 80_001) / 2), scores: (80_000 * 80_001) / 2 / 4 });
    expect(await readAgain(hub, 'waited')).toBe(0);
  });

  it('follows at most a quarter of the pool\'s worth of bodies at once; the others are received whole first', async () => {
    const [first, second] = await Promise.all([0, 1].map(() => createDataset(hub, alice.token, { name: uniqueName('ds') })));
    const a = openUpload(hub, alice.token, alice.username, first.name);
    await a.write(Buffer.from(`id,label,score\n${csv(60_000)}`));
    await waitFor('the first upload\'s COPY while its body is open', async () => copying(await activity(hub)));
    const b = openUpload(hub, alice.token, alice.username, second.name);
    await b.write(Buffer.from(`id,label,score\n${csv(60_000)}`));
    const held = performance.now();
    // The first finishes while the second's body is still open.
    await a.write(Buffer.from(csv(1_000, 60_001)));
    a.end();
    const done = await a.response;
    expect(done.status).toBe(201);
    const heldMs = performance.now() - held;
    b.end();
    const res = await b.response;
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.rowCount).toBe(60_000);
    // The first was loading before its body ended (the COPY above); the second began only once its
    // body had ended: its spool step spans most of the time it was held open after its first part
    // (a half leaves room for when the hub began receiving it; followed, it would be milliseconds).
    expect(res.timing.spool).toBeGreaterThanOrEqual(heldMs / 2);
  });

  it('lets go of the transaction when the sender stalls, and loads the body once it is all in', async () => {
    const bob = await signUp(impatient);
    const { name } = await createDataset(impatient, bob.token, { name: uniqueName('ds') });
    const before = await datasetTables(impatient);
    const up = openUpload(impatient, bob.token, bob.username, name);
    await up.write(Buffer.from(`id,label,score\n${csv(60_000)}`));
    // The sender stops: past 300 ms of waiting for it the load is rolled back, and no connection
    // stays in a transaction while the body is still open.
    await waitFor('the load to give up waiting for the body', async () => (await readAgain(impatient, 'waited')) === 1);
    await waitFor('the upload\'s transaction to end', async () => {
      const rows = await activity(impatient);
      return !copying(rows) && !rows.some((r) => r.state.startsWith('idle in transaction'));
    });
    expect(await datasetTables(impatient)).toEqual(before);
    await up.write(Buffer.from(csv(5_000, 60_001)));
    up.end();
    const res = await up.response;
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.rowCount).toBe(65_000);
    expect(res.body.ingestReport.rows).toBe(65_000);
    expect(await readAgain(impatient, 'waited')).toBe(1);
    expect((await datasetTables(impatient)).length).toBe(before.length + 1);
  });

  it('reads the whole body as single-byte text when a byte past what was loaded is not UTF-8', async () => {
    const { name } = await createDataset(hub, alice.token, { name: uniqueName('ds') });
    const before = await readAgain(hub, 'encoding');
    // "café" in UTF-8 first; 1.5 MB on, "café" in Latin-1 (é as the one byte 0xE9): the file is not UTF-8.
    const body = Buffer.concat([Buffer.from(`id,word\n1,café\n${Array.from({ length: 120_000 }, (_, i) => `${i + 2},plain\n`).join('')}`), Buffer.from('120002,caf'), Buffer.from([0xe9]), Buffer.from('\n')]);
    // Chunked (no Content-Length): loaded as it arrives, however fast.
    const up = openUpload(hub, alice.token, alice.username, name);
    await up.write(body);
    up.end();
    const res = await up.response;
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.ingestReport.encoding).toBe('latin-1');
    expect(res.body.rowCount).toBe(120_002);
    const table = (await hub.sql(`SELECT table_name FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id WHERE d.name = $1`, [name]))[0].table_name;
    const words = await hub.sql(`SELECT id, word FROM ${table} WHERE id IN (1, 120002) ORDER BY id`);
    // Both bytes of the UTF-8 é read as single bytes (Windows-1252), and the Latin-1 é as é.
    expect(words).toEqual([
      { id: '1', word: 'cafÃ©' },
      { id: '120002', word: 'café' },
    ]);
    expect(await readAgain(hub, 'encoding')).toBe(before + 1);
  });

  it('refuses a body with a NUL byte past its head, or over the size limit, and leaves no table behind', async () => {
    const { name } = await createDataset(hub, alice.token, { name: uniqueName('ds') });
    const before = await datasetTables(hub);
    const nul = Buffer.concat([Buffer.from(`id,label,score\n${csv(60_000)}`), Buffer.from([0]), Buffer.from('\n')]);
    const sending = openUpload(hub, alice.token, alice.username, name);
    await sending.write(nul);
    sending.end();
    const binary = await sending.response;
    expect(binary.status).toBe(400);
    expect(binary.body.error.message).toContain('The file does not look like text (it holds binary data)');

    const up = openUpload(hub, alice.token, alice.username, name);
    await up.write(Buffer.from(`id,label,score\n${csv(60_000)}`));
    await waitFor('a COPY while the body is open', async () => copying(await activity(hub)));
    // Past AIMASS_DATASET_MAX_BYTES (3,000,000) while loading.
    const more = Buffer.from(csv(20_000, 60_001));
    for (let i = 0; i < 8; i++) await up.write(more).catch(() => undefined);
    up.end();
    // 413, or the connection closed first (the hub closes it after answering).
    const res = await up.response.catch(() => ({ status: 'reset', body: null }));
    expect([413, 'reset']).toContain(res.status);
    expect(await datasetTables(hub)).toEqual(before);
    expect((await hub.sql(`SELECT count(*)::int AS n FROM dataset_versions v JOIN datasets d ON d.id = v.dataset_id WHERE d.name = $1`, [name]))[0].n).toBe(0);
  });
});
