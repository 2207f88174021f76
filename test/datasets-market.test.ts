/** The data market: full-text search, filters, sort with cursors, stars, usage counts. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset, upload } from './support/datasets.js';
import { BACKENDS, startTestHub, type TestHub } from './support/hub.js';
import { codeOf, signUp, type SignedUp } from './support/users.js';

const SEARCH = `query($search: String, $tag: String, $license: String, $owner: String, $sort: DatasetSort, $first: Int, $after: String) {
  datasets(search: $search, tag: $tag, license: $license, owner: $owner, sort: $sort, first: $first, after: $after) {
    totalCount edges { node { name stars usageCount viewerHasStarred } } pageInfo { hasNextPage endCursor } } }`;

describe.each(BACKENDS)('Data market on %s', (backend) => {
  let hub: TestHub;
  let alice: SignedUp;
  let bob: SignedUp;
  const names = (res: any) => res.data.datasets.edges.map((e: any) => e.node.name);

  beforeAll(async () => {
    hub = await startTestHub({ backend });
    [alice, bob] = await Promise.all([signUp(hub), signUp(hub)]);
    await createDataset(hub, alice.token, { name: 'weather-stations', description: 'Hourly temperature readings from mountain stations', tags: ['climate'], license: 'CC-BY-4.0', visibility: 'PUBLIC' });
    await createDataset(hub, alice.token, { name: 'city-rainfall', description: 'Rain in Oslo and Bergen, daily', tags: ['climate', 'weather'], license: 'MIT', visibility: 'PUBLIC' });
    await createDataset(hub, alice.token, { name: 'churn', description: 'Customers who left; weather is not a factor', tags: ['business'], license: 'MIT', visibility: 'PUBLIC' });
    await createDataset(hub, alice.token, { name: 'secret-weather', description: 'weather weather weather', tags: ['climate'], visibility: 'PRIVATE' });
  });
  afterAll(() => hub?.close());

  it('finds datasets by words in name, tags and description, name matches first', async () => {
    const res = await hub.graphql(SEARCH, { search: 'weather', owner: alice.username }, bob.token);
    expect(names(res)).toEqual(['weather-stations', 'city-rainfall', 'churn']); // name (A) > tag (B) > description (C)
    expect(names(await hub.graphql(SEARCH, { search: 'stations temperature', owner: alice.username }, bob.token))).toEqual(['weather-stations']);
    // English stemming on descriptions: "readings" finds "reading".
    expect(names(await hub.graphql(SEARCH, { search: 'reading', owner: alice.username }, bob.token))).toEqual(['weather-stations']);
  });

  it('never shows a private dataset to someone else, and shows it to its owner', async () => {
    expect(names(await hub.graphql(SEARCH, { search: 'weather', owner: alice.username }, bob.token))).not.toContain('secret-weather');
    expect(names(await hub.graphql(SEARCH, { search: 'weather', owner: alice.username }, alice.token))).toContain('secret-weather');
  });

  it('filters by tag, license and owner', async () => {
    expect(names(await hub.graphql(SEARCH, { tag: 'climate', owner: alice.username, sort: 'NEWEST' }, bob.token)).sort()).toEqual(['city-rainfall', 'weather-stations']);
    expect(names(await hub.graphql(SEARCH, { license: 'mit', owner: alice.username }, bob.token)).sort()).toEqual(['churn', 'city-rainfall']);
    expect((await hub.graphql(SEARCH, { owner: 'no-such-owner' }, bob.token)).data.datasets.totalCount).toBe(0);
    // Whatever is typed as the owner finds nothing or is refused by field, never INTERNAL.
    const nul = await hub.graphql(SEARCH, { owner: `${alice.username}\u0000` }, bob.token);
    expect(nul.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'owner' }] });
    expect(codeOf(await hub.graphql(SEARCH, { owner: 'x'.repeat(300) }, bob.token))).toBe('BAD_USER_INPUT');
  });

  it('stars and sorts by stars, paging with cursors', async () => {
    const star = (name: string, token: string, starred = true) =>
      hub.graphql(`mutation($o: String!, $n: String!, $s: Boolean) { starDataset(owner: $o, name: $n, starred: $s) { stars viewerHasStarred } }`, { o: alice.username, n: name, s: starred }, token);
    expect((await star('churn', bob.token)).data.starDataset).toEqual({ stars: 1, viewerHasStarred: true });
    expect((await star('churn', bob.token)).data.starDataset.stars).toBe(1); // starring twice counts once
    await star('churn', alice.token);
    await star('city-rainfall', bob.token);
    expect((await star('city-rainfall', bob.token, false)).data.starDataset).toEqual({ stars: 0, viewerHasStarred: false });
    await star('weather-stations', bob.token);
    expect(codeOf(await star('secret-weather', bob.token))).toBe('NOT_FOUND');

    const page1 = await hub.graphql(SEARCH, { owner: alice.username, sort: 'STARS', first: 2 }, bob.token);
    expect(names(page1)).toEqual(['churn', 'weather-stations']);
    const page2 = await hub.graphql(SEARCH, { owner: alice.username, sort: 'STARS', first: 2, after: page1.data.datasets.pageInfo.endCursor }, bob.token);
    expect(names(page2)).toEqual(['city-rainfall']);
    expect(page2.data.datasets.pageInfo.hasNextPage).toBe(false);
  });

  it('counts usage when a version is exported, and sorts by it', async () => {
    await upload(hub, alice.token, alice.username, 'city-rainfall', 'day,mm\n1,3.5\n2,0\n');
    for (let i = 0; i < 2; i++) await fetch(`${hub.url}/api/datasets/${alice.username}/city-rainfall/versions/1/export.csv`).then((r) => r.text());
    const res = await hub.graphql(SEARCH, { owner: alice.username, sort: 'USAGE' }, bob.token);
    expect(res.data.datasets.edges[0].node).toMatchObject({ name: 'city-rainfall', usageCount: 2 });
  });

  it('refuses a relevance sort without words and a bad cursor', async () => {
    expect(codeOf(await hub.graphql(SEARCH, { sort: 'RELEVANCE' }, bob.token))).toBe('BAD_USER_INPUT');
    expect(codeOf(await hub.graphql(SEARCH, { after: 'bogus' }, bob.token))).toBe('BAD_USER_INPUT');
    // Search syntax users type is never an error.
    for (const search of ['"unclosed', 'a -b OR', '!!!', "'; DROP TABLE datasets; --"]) {
      expect(codeOf(await hub.graphql(SEARCH, { search }, bob.token))).toBeUndefined();
    }
  });
});
