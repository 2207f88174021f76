/**
 * The upload's CSV reading (the fast reader, csv-parse past what it does not read) and loading
 * (COPY on PostgreSQL, batched INSERTs on PGlite) over files larger than one read chunk and one
 * load batch: real hubs, real HTTP uploads, the stored table checked in the database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset, upload } from './support/datasets.js';
import { BACKENDS, startTestHub, type Backend, type TestHub } from './support/hub.js';
import { signUp, uniqueName, type SignedUp } from './support/users.js';

const ROWS = 3000;

/** id, a float written many ways, a text that is quoted (with a line break) every 7th row. */
function rows(lineEnd: string): string[] {
  const lines = ['id,x,note'];
  for (let i = 1; i <= ROWS; i++) {
    const x = i % 5 === 0 ? '-0.0' : i % 5 === 1 ? `00${i}.50` : i % 5 === 2 ? `${i}e-2` : i % 5 === 3 ? `+${i}.25` : `${i / 7}`;
    const note = i % 7 === 0 ? `"row ${i}, ""quoted""${lineEnd}second line"` : `row ${i} plain text to pass one read chunk`;
    lines.push(`${i},${x},${note}`);
  }
  return lines;
}

const expectedX = (i: number) => (i % 5 === 0 ? 0 : i % 5 === 1 ? i + 0.5 : i % 5 === 2 ? i / 100 : i % 5 === 3 ? i + 0.25 : i / 7);

describe.each([...BACKENDS, 'pglite'] as Backend[])('Reading and loading a large CSV on %s', (backend) => {
  let hub: TestHub;
  let alice: SignedUp;
  const fresh = async () => (await createDataset(hub, alice.token, { name: uniqueName('fast'), visibility: 'PRIVATE' })).name;
  const stored = async (id: string) =>
    hub.sql(`SELECT id::int AS id, x::text AS x, note FROM datasets.v_${id.replace(/-/g, '')} ORDER BY _row`) as Promise<{ id: number; x: string; note: string }[]>;
  const tables = async () => (await hub.sql(`SELECT table_name FROM information_schema.tables WHERE table_schema = 'datasets'`)).map((r) => r.table_name).sort();

  beforeAll(async () => {
    hub = await startTestHub({ backend });
    alice = await signUp(hub);
  });
  afterAll(() => hub?.close());

  it('stores every row, value and line break of an LF and a CRLF file; -0.0 is stored as 0 as before', async () => {
    for (const lineEnd of ['\n', '\r\n']) {
      const res = await upload(hub, alice.token, alice.username, await fresh(), rows(lineEnd).join(lineEnd) + lineEnd);
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      expect(res.body.rowCount).toBe(ROWS);
      expect(res.body.columns.map((c: { type: string }) => c.type)).toEqual(['integer', 'float', 'text']);
      expect(res.body.ingestReport.columns.map((c: { invalidCount: number; nullCount: number }) => c.invalidCount + c.nullCount)).toEqual([0, 0, 0]);
      const table = await stored(res.body.id);
      expect(table).toHaveLength(ROWS);
      for (const [k, row] of table.entries()) {
        const i = k + 1;
        expect(row.id).toBe(i);
        expect(Number(row.x)).toBe(expectedX(i));
        expect(row.note).toBe(i % 7 === 0 ? `row ${i}, "quoted"${lineEnd}second line` : `row ${i} plain text to pass one read chunk`);
      }
      expect(table.filter((r) => r.x.startsWith('-'))).toEqual([]);
    }
  });

  it('reads on with csv-parse past a shape the fast reader leaves to it (a CR inside a field of an LF file)', async () => {
    const lines = rows('\n');
    lines[2500] = '2500,1.5,carriage\rreturn';
    const res = await upload(hub, alice.token, alice.username, await fresh(), lines.join('\n') + '\n');
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body.rowCount).toBe(ROWS);
    const table = await stored(res.body.id);
    expect(table[2499]).toEqual({ id: 2500, x: '1.5', note: 'carriage\rreturn' });
    expect(table[2999].id).toBe(ROWS);
  });

  it('refuses a stray quote far into the file with its line, and leaves no table behind', async () => {
    const before = await tables();
    const lines = rows('\n');
    lines[2600] = '2600,1.5,a stray " quote';
    const res = await upload(hub, alice.token, alice.username, await fresh(), lines.join('\n') + '\n');
    expect(res.status).toBe(400);
    // Data row 2600: line 2601, after the 371 line breaks inside the quoted notes before it.
    expect(res.body.error.message).toMatch(/^The file is not valid CSV at line 2972: Invalid Opening Quote/);
    expect(await tables()).toEqual(before);
  });
});
