/** Adding a small dataset version inline through GraphQL. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset } from './support/datasets.js';
import { BACKENDS, startTestHub, type TestHub } from './support/hub.js';
import { codeOf, signUp, type SignedUp } from './support/users.js';

const ADD = `mutation($o: String!, $n: String!, $input: InlineVersionInput!) {
  addDatasetVersion(owner: $o, name: $n, input: $input) { number rowCount columns { name originalName type } ingestReport rows { rows } } }`;

describe.each(BACKENDS)('Inline dataset versions on %s', (backend) => {
  let hub: TestHub;
  let user: SignedUp;
  beforeAll(async () => {
    hub = await startTestHub({ backend });
    user = await signUp(hub);
    await createDataset(hub, user.token, { name: 'tiny', visibility: 'PRIVATE' });
  });
  afterAll(() => hub?.close());

  it('cleans, types and stores inline data like an upload', async () => {
    const res = await hub.graphql(ADD, { o: user.username, n: 'tiny', input: { data: 'City;Temp (°C)\nOslo;4.5\nBergen;missing\nRome;18\n', nullTokens: ['missing'] } }, user.token);
    const version = res.data.addDatasetVersion;
    expect(version).toMatchObject({ number: 1, rowCount: 3 });
    expect(version.columns.map((c: any) => [c.originalName, c.type])).toEqual([['City', 'TEXT'], ['Temp (°C)', 'FLOAT']]);
    expect(version.ingestReport).toMatchObject({ delimiter: ';', format: 'csv' });
    expect(version.rows.rows).toEqual([['Oslo', 4.5], ['Bergen', null], ['Rome', 18]]);
    const tsv = await hub.graphql(ADD, { o: user.username, n: 'tiny', input: { data: 'a\tb\n1\t2\n', format: 'tsv' } }, user.token);
    expect(tsv.data.addDatasetVersion.number).toBe(2);
  });

  it('refuses empty data, a bad format, and another user’s private dataset', async () => {
    const empty = await hub.graphql(ADD, { o: user.username, n: 'tiny', input: { data: '' } }, user.token);
    expect(codeOf(empty)).toBe('BAD_USER_INPUT');
    expect(codeOf(await hub.graphql(ADD, { o: user.username, n: 'tiny', input: { data: 'a\n1\n', format: 'xlsx' } }, user.token))).toBe('BAD_USER_INPUT');
    const stranger = await signUp(hub);
    expect(codeOf(await hub.graphql(ADD, { o: user.username, n: 'tiny', input: { data: 'a\n1\n' } }, stranger.token))).toBe('NOT_FOUND');
  });
});

describe('Number formats in uploads', () => {
  it('reads day-first dates when told', async () => {
    const hub = await startTestHub();
    try {
      const user = await signUp(hub);
      await createDataset(hub, user.token, { name: 'dates' });
      const res = await hub.graphql(ADD, { o: user.username, n: 'dates', input: { data: 'day,n\n31/12/2024,1\n01.02.2025,2\n', dateOrder: 'DMY' } }, user.token);
      expect(res.data.addDatasetVersion.columns[0].type).toBe('DATE');
      expect(res.data.addDatasetVersion.rows.rows).toEqual([['2024-12-31', 1], ['2025-02-01', 2]]);
      expect(codeOf(await hub.graphql(ADD, { o: user.username, n: 'dates', input: { data: 'a\n1\n', dateOrder: 'DDD' } }, user.token))).toBe('BAD_USER_INPUT');
    } finally {
      await hub.close();
    }
  });

  it('reads a European CSV with decimal commas and point thousands', async () => {
    const hub = await startTestHub();
    try {
      const user = await signUp(hub);
      await createDataset(hub, user.token, { name: 'eu' });
      // One bad cell in twelve: the column is still numeric (90 % must parse), the bad cell NULL.
      const more = Array.from({ length: 9 }, (_, i) => `Stadt${i};${i},5;${i}`).join('\n');
      const csv = `Ort;Umsatz;Anzahl\nBerlin;1.234,50;1.000\nWien;-0,75;12\nBern;kaputt;3\n${more}\n`;
      const res = await hub.graphql(ADD, { o: user.username, n: 'eu', input: { data: csv, decimal: 'comma', thousands: 'point' } }, user.token);
      const version = res.data.addDatasetVersion;
      expect(version.columns.map((c: any) => c.type)).toEqual(['TEXT', 'FLOAT', 'INTEGER']);
      expect(version.rows.rows.slice(0, 4)).toEqual([['Berlin', 1234.5, 1000], ['Wien', -0.75, 12], ['Bern', null, 3], ['Stadt0', 0.5, 0]]);
      expect(version.ingestReport.numberFormat).toEqual({ decimal: ',', thousands: '.', dateOrder: 'YMD' });
      expect(version.ingestReport.columns[1]).toMatchObject({ invalidCount: 1, invalidSamples: ['kaputt'] });
      const same = await hub.graphql(ADD, { o: user.username, n: 'eu', input: { data: csv, decimal: 'comma', thousands: 'comma' } }, user.token);
      expect(codeOf(same)).toBe('BAD_USER_INPUT');
      expect(same.errors![0].extensions!.fields![0].field).toBe('thousands');
    } finally {
      await hub.close();
    }
  });
});
