/** Parquet uploads: read row group by row group, then cleaned, typed and profiled like CSV. */
import { parquetMetadata, type FileMetaData } from 'hyparquet';
import { ByteWriter, parquetWriteBuffer } from 'hyparquet-writer';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset, upload } from './support/datasets.js';
import { BACKENDS, startTestHub, type TestHub } from './support/hub.js';
import { MB, peakGrowth } from './support/memory.js';
import { signUp, type SignedUp } from './support/users.js';

/** A small valid file whose footer (thrift compact FileMetaData) is rewritten by `edit`. */
function withFooter(edit: (metadata: FileMetaData) => void): Buffer {
  const n = 100;
  const file = parquetWriteBuffer({
    columnData: [
      { name: 'id', data: Array.from({ length: n }, (_, i) => i + 1), type: 'INT32' },
      { name: 'name', data: Array.from({ length: n }, (_, i) => `row ${i}`), type: 'STRING' },
    ],
  });
  const metadata = parquetMetadata(file);
  const footerStart = file.byteLength - 8 - metadata.metadata_length;
  edit(metadata);
  const writer = new ByteWriter();
  writer.appendBuffer(file.slice(0, footerStart));
  const { metadata_length: _length, ...rest } = metadata;
  writeMetadata(writer, rest as unknown as Parameters<typeof writeMetadata>[1]);
  writer.appendUint32(0x31524150); // PAR1
  return Buffer.from(writer.getBuffer());
}


describe.each(BACKENDS)('Parquet uploads on %s', (backend) => {
  let hub: TestHub;
  let user: SignedUp;
  beforeAll(async () => {
    hub = await startTestHub({ backend });
    user = await signUp(hub);
  });
  afterAll(() => hub?.close());

  it('loads every row of a multi-row-group file with its types', async () => {
    const n = 2500;
    const buffer = parquetWriteBuffer({
      columnData: [
        { name: 'id', data: Array.from({ length: n }, (_, i) => i + 1), type: 'INT32' },
        { name: 'score', data: Array.from({ length: n }, (_, i) => (i % 10 === 0 ? null : i / 4)), type: 'DOUBLE' },
        { name: 'active', data: Array.from({ length: n }, (_, i) => i % 3 === 0), type: 'BOOLEAN' },
        { name: 'city', data: Array.from({ length: n }, (_, i) => ['Oslo', 'Bergen', 'Zoë'][i % 3]), type: 'STRING' },
      ],
      rowGroupSize: 1000,
    });
    await createDataset(hub, user.token, { name: 'pq' });
    const res = await upload(hub, user.token, user.username, 'pq', Buffer.from(buffer), { format: 'parquet' });
    expect(res.status).toBe(201);
    expect(res.body.rowCount).toBe(n);
    expect(res.body.columns.map((c: any) => [c.name, c.type])).toEqual([['id', 'integer'], ['score', 'float'], ['active', 'boolean'], ['city', 'categorical']]);
    expect(res.body.ingestReport.columns[1]).toMatchObject({ nullCount: n / 10, invalidCount: 0 });
    const rows = await hub.graphql(
      `query($o: String!) { datasetVersion(owner: $o, name: "pq") { rows(first: 3, orderBy: "id", direction: DESC) { rows } profile } }`,
      { o: user.username },
      user.token,
    );
    expect(rows.data.datasetVersion.rows.rows).toEqual([[2500, 624.75, true, 'Oslo'], [2499, 624.5, false, 'Zoë'], [2498, 624.25, false, 'Bergen']]);
  });

  it('refuses a file that is not Parquet, leaving nothing behind', async () => {
    await createDataset(hub, user.token, { name: 'not-pq' });
    const res = await upload(hub, user.token, user.username, 'not-pq', 'a,b\n1,2\n', { format: 'parquet' });
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringContaining('not a readable Parquet file') });
    const versions = await hub.graphql(`query($o: String!) { dataset(owner: $o, name: "not-pq") { versions { number } } }`, { o: user.username }, user.token);
    expect(versions.data.dataset.versions).toEqual([]);
  });

  it('refuses a small file whose footer claims 2,000,000,000 rows before decoding it, memory flat', async () => {
    const bomb = withFooter((m) => {
      m.num_rows = 2_000_000_000n;
      m.row_groups[0].num_rows = 2_000_000_000n;
    });
    expect(bomb.length).toBeLessThan(10_000);
    // Really a Parquet file: a reader takes its footer at its word.
    expect(parquetMetadata(bomb.buffer.slice(bomb.byteOffset, bomb.byteOffset + bomb.length) as ArrayBuffer).num_rows).toBe(2_000_000_000n);
    await createDataset(hub, user.token, { name: 'pq-bomb' });
    const { result: res, growth } = await peakGrowth(hub.process.pid!, () => upload(hub, user.token, user.username, 'pq-bomb', bomb, { format: 'parquet' }));
    expect(res.status).toBe(400);
    expect(res.body.error).toMatchObject({ code: 'BAD_USER_INPUT', message: expect.stringMatching(/declares 2000000000 rows; at most \d+ are allowed \(AIMASS_DATASET_MAX_ROWS\)/) });
    expect(growth).toBeLessThan(50 * MB);
    const versions = await hub.graphql(`query($o: String!) { dataset(owner: $o, name: "pq-bomb") { versions { number } } }`, { o: user.username }, user.token);
    expect(versions.data.dataset.versions).toEqual([]);
  });

  it('refuses a row group whose declared uncompressed size is beyond the byte limit, and row groups that claim more rows than the file', async () => {
    await createDataset(hub, user.token, { name: 'pq-wide' });
    const huge = withFooter((m) => {
      m.row_groups[0].total_byte_size = 1n << 40n;
      for (const c of m.row_groups[0].columns) c.meta_data!.total_uncompressed_size = 1n << 40n;
    });
    const { result: res, growth } = await peakGrowth(hub.process.pid!, () => upload(hub, user.token, user.username, 'pq-wide', huge, { format: 'parquet' }));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/row group 0 declares \d+ bytes uncompressed; at most \d+ are allowed \(AIMASS_DATASET_MAX_BYTES\)/);
    expect(growth).toBeLessThan(50 * MB);

    const liar = withFooter((m) => {
      m.row_groups[0].num_rows = 2_000_000_000n;
    });
    const res2 = await upload(hub, user.token, user.username, 'pq-wide', liar, { format: 'parquet' });
    expect(res2.status).toBe(400);
    expect(res2.body.error.message).toMatch(/row groups declare more rows than the file/);

    // The same file with its honest footer loads.
    const honest = await upload(hub, user.token, user.username, 'pq-wide', withFooter(() => undefined), { format: 'parquet' });
    expect(honest.status, JSON.stringify(honest.body)).toBe(201);
    expect(honest.body.rowCount).toBe(100);
  });
});
