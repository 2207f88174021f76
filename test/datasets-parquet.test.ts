/** Parquet uploads: read row group by row group, then cleaned, typed and profiled like CSV. */
import { parquetWriteBuffer } from 'hyparquet-writer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset, upload } from './support/datasets.js';
import { BACKENDS, startTestHub, type TestHub } from './support/hub.js';
import { signUp, type SignedUp } from './support/users.js';

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
});
