/** CSV export of a dataset version: the cleaned table, streamed, visible exactly where the dataset is. */
import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset, upload } from './support/datasets.js';
import { BACKENDS, startTestHub, type TestHub } from './support/hub.js';
import { signUp, type SignedUp } from './support/users.js';

const CSV = ['id,name,score,when,ok', '1,"Smith, Jane",3.5,2024-01-02,yes', '2,"He said ""hi""",NA,2024-02-03,no', '3,  Zoë  ,7,,true'].join('\n');

describe.each(BACKENDS)('Dataset export on %s', (backend) => {
  let hub: TestHub;
  let owner: SignedUp;
  beforeAll(async () => {
    hub = await startTestHub({ backend });
    owner = await signUp(hub);
  });
  afterAll(() => hub?.close());

  const exportUrl = (name: string, n = 1) => `${hub.url}/api/datasets/${owner.username}/${name}/versions/${n}/export.csv`;

  // "when" is an SQL keyword: the stored column is when_ (the original name is kept for display).
  it('exports the cleaned, typed rows as CSV that parses back to the same values', async () => {
    await createDataset(hub, owner.token, { name: 'people', visibility: 'PUBLIC' });
    expect((await upload(hub, owner.token, owner.username, 'people', CSV)).status).toBe(201);
    const res = await fetch(exportUrl('people'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="people-v1.csv"');
    const rows = parse(await res.text(), { columns: true }) as Record<string, string>[];
    expect(rows).toEqual([
      { id: '1', name: 'Smith, Jane', score: '3.5', when_: '2024-01-02', ok: 'true' },
      { id: '2', name: 'He said "hi"', score: '', when_: '2024-02-03', ok: 'false' },
      { id: '3', name: 'Zoë', score: '7', when_: '', ok: 'true' },
    ]);
  });

  it('streams a version larger than one batch, in order', async () => {
    await createDataset(hub, owner.token, { name: 'big', visibility: 'PUBLIC' });
    const lines = ['n,sq'];
    for (let i = 1; i <= 12_000; i++) lines.push(`${i},${i * i}`);
    expect((await upload(hub, owner.token, owner.username, 'big', lines.join('\n'))).status).toBe(201);
    const rows = parse(await (await fetch(exportUrl('big'))).text(), { columns: true }) as { n: string; sq: string }[];
    expect(rows).toHaveLength(12_000);
    expect(rows.every((r, i) => Number(r.n) === i + 1 && Number(r.sq) === (i + 1) ** 2)).toBe(true);
  });

  it('is NOT_FOUND for a private dataset to strangers and anonymous callers, and works for the owner', async () => {
    await createDataset(hub, owner.token, { name: 'secret', visibility: 'PRIVATE' });
    expect((await upload(hub, owner.token, owner.username, 'secret', CSV)).status).toBe(201);
    const stranger = await signUp(hub);
    for (const headers of [{}, { authorization: `Bearer ${stranger.token}` }] as Record<string, string>[]) {
      const res = await fetch(exportUrl('secret'), { headers });
      expect(res.status).toBe(404);
      expect((await res.json()).error.code).toBe('NOT_FOUND');
    }
    expect((await fetch(exportUrl('secret'), { headers: { authorization: `Bearer ${owner.token}` } })).status).toBe(200);
    expect((await fetch(exportUrl('secret', 2), { headers: { authorization: `Bearer ${owner.token}` } })).status).toBe(404);
    expect((await fetch(exportUrl('secret'), { headers: { authorization: 'Bearer ams_bogus' } })).status).toBe(401);
  });
});
