/**
 * A catalog page reads each model's owner, newest published version and aliases in its own
 * statement when the client selects them (catalog/search.ts): the page's answers are exactly what
 * the per-model path (`model(owner, name)`, through the DataLoaders) answers for the same models,
 * every field of the version included, on PostgreSQL and the embedded server; and a page that
 * selects none of them costs the same statements as before (authentication, the page, the count).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, startTestHub, type TestHub } from './support/hub.js';
import { signUp, uniqueName, type SignedUp } from './support/users.js';

/** Every scalar of a version, then its files and signature (in parts: each within the hub's query cost limit). */
const VERSION_PARTS = ['id number status card createdAt publishedAt deprecationMessage metrics', 'files { path sha256 size }', 'signature { inputs { shape } labels }'];
const model = (version: string) => `id name owner tags downloads updatedAt latestVersion { ${version} } aliases { alias number }`;

describe.each(BACKENDS)('Catalog page extras on %s', (backend) => {
  let hub: TestHub;
  let alice: SignedUp;
  let bob: SignedUp;
  let org: string;
  let tag: string;

  beforeAll(async () => {
    hub = await startTestHub({ backend, env: { AIMASS_DEBUG_SQL_COUNT: 'true', AIMASS_DEBUG_SQL_TEXT: 'true' } });
    [alice, bob] = await Promise.all([signUp(hub), signUp(hub)]);
    org = uniqueName('org');
    const orgId = (await hub.graphql(`mutation($h: String!) { createOrganization(input: { handle: $h }) { id } }`, { h: org }, alice.token)).data.createOrganization.id;
    tag = uniqueName('pre');
    // Twelve models, every third the organization's; versions: none published, one, a deprecated
    // newest one, a draft above a published one; aliases on some, in an order unlike their names.
    await hub.sql(
      `INSERT INTO models (owner_id, name, tags, license, visibility, description, downloads, created_at)
       SELECT CASE WHEN i % 3 = 0 THEN $1::uuid ELSE $2::uuid END, $3::text || '-' || i, ARRAY[$3::text], 'MIT', 'public', 'Model ' || i,
              i * 100003::bigint, now() - i * interval '1 minute'
       FROM generate_series(1, 12) i`,
      [orgId, alice.id, tag],
    );
    await hub.sql(
      `INSERT INTO model_versions (model_id, number, status, files, signature, metrics, card, published_at, deprecation_message, created_at)
       SELECT m.id, n,
              CASE WHEN n = 3 AND m.downloads % 2 = 0 THEN 'deprecated' WHEN n = 3 THEN 'draft' ELSE 'published' END,
              jsonb_build_object('model.json', jsonb_build_object('sha256', md5(m.name || n), 'size', 100 + n)),
              jsonb_build_object('inputs', jsonb_build_array(jsonb_build_object('name', 'x', 'shape', jsonb_build_array(null, n), 'dtype', 'float32')),
                                 'outputs', jsonb_build_array(jsonb_build_object('name', 'y', 'shape', jsonb_build_array(null, 2), 'dtype', 'float32')),
                                 'labels', jsonb_build_array('a', 'b')),
              jsonb_build_object('accuracy', 0.5 + n / 10.0),
              'Card of ' || m.name || ' v' || n,
              now() - interval '1 hour' + n * interval '1.234567 seconds',
              CASE WHEN n = 3 THEN 'use v2' END,
              now() - interval '2 hours' + n * interval '0.000999 seconds'
       FROM models m, generate_series(1, 3) n
       WHERE $1 = ANY(m.tags) AND m.name NOT LIKE '%-1'`,
      [tag],
    );
    await hub.sql(
      `INSERT INTO model_aliases (model_id, alias, version_id)
       SELECT v.model_id, a, v.id FROM model_versions v JOIN models m ON m.id = v.model_id, unnest(ARRAY['staging', 'canary', 'production']) a
       WHERE $1 = ANY(m.tags) AND v.number = CASE a WHEN 'production' THEN 1 ELSE 2 END AND m.name NOT LIKE '%-2'`,
      [tag],
    );
  });
  afterAll(() => hub?.close());

  it('answers owner, latestVersion and aliases read with the page exactly as the per-model path does', async () => {
    const parts: any[][] = [];
    for (const version of VERSION_PARTS) {
      let nodes: any[] = [];
      const page = await hub.graphql(`query($f: ModelFilter) { models(first: 50, filter: $f, sort: NEWEST) { totalCount edges { node { ${model(version)} } } } }`, { f: { tag } }, bob.token);
      expect(page.errors, JSON.stringify(page.errors)).toBeUndefined();
      nodes = page.data.models.edges.map((e: any) => e.node);
      expect(nodes).toHaveLength(12);
      expect(page.data.models.totalCount).toBe(12);
      expect(new Set(nodes.map((n: any) => n.owner))).toEqual(new Set([alice.username, org]));
      for (const node of nodes) {
        const one = await hub.graphql(`query($o: String!, $n: String!) { model(owner: $o, name: $n) { ${model(version)} } }`, { o: node.owner, n: node.name }, bob.token);
        expect(one.errors, JSON.stringify(one.errors)).toBeUndefined();
        expect(node).toEqual(one.data.model);
      }
      parts.push(nodes);
    }
    const nodes = parts[0].map((node, i) => ({ ...node, latestVersion: node.latestVersion && Object.assign({}, ...parts.map((p) => p[i].latestVersion)) }));
    // What the data says: no version, a draft or deprecated v3 above a published v2, aliases by name.
    const byName = new Map(nodes.map((n: any) => [n.name, n]));
    expect((byName.get(`${tag}-1`) as any).latestVersion).toBeNull();
    expect((byName.get(`${tag}-1`) as any).aliases).toEqual([]);
    expect((byName.get(`${tag}-3`) as any).latestVersion.number).toBe(2);
    expect((byName.get(`${tag}-3`) as any).aliases).toEqual([{ alias: 'canary', number: 2 }, { alias: 'production', number: 1 }, { alias: 'staging', number: 2 }]);
    expect((byName.get(`${tag}-2`) as any).aliases).toEqual([]);
    expect((byName.get(`${tag}-4`) as any).downloads).toBe(4 * 100003);
    expect((byName.get(`${tag}-4`) as any).latestVersion.signature).toEqual({ inputs: [{ shape: [null, 2] }], labels: ['a', 'b'] });
  });

  it('reads with the page only what the client selected, in the statements it already sent', async () => {
    const statements = async (fields: string, fragments = '') => {
      const res = await hub.graphql(`query($f: ModelFilter) { models(first: 5, filter: $f) { totalCount edges { node { ${fields} } } } } ${fragments}`, { f: { tag } }, bob.token);
      expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
      return { statements: (res as any).extensions.sqlStatements as number, nodes: res.data.models.edges.map((e: any) => e.node) };
    };
    const bare = await statements('name');
    const full = await statements('name owner latestVersion { number } aliases { alias }');
    const viaFragment = await statements('name ... on Model { owner } ...Extras', 'fragment Extras on Model { latestVersion { number } aliases { alias number } }');
    // Authentication, the page, the count: the extras add no statement, through fragments too.
    expect(bare.statements).toBe(3);
    expect(full.statements).toBe(3);
    expect(full.nodes.map((n: any) => n.name)).toEqual(bare.nodes.map((n: any) => n.name));
    expect(viaFragment.statements).toBe(3);
    expect(viaFragment.nodes.map((n: any) => n.latestVersion?.number ?? null)).toEqual(full.nodes.map((n: any) => n.latestVersion?.number ?? null));
  });

  it('lists with AIMASS_DEBUG_SQL_TEXT every statement it counted, in order, as the catalog benchmark replays them', async () => {
    const res = await hub.graphql(`{ models(first: 5) { totalCount edges { node { name } } } }`, {}, bob.token);
    expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
    const sent = (res as any).extensions.sql as { text: string; parameters: unknown[]; name?: string }[];
    expect(sent).toHaveLength((res as any).extensions.sqlStatements);
    // Authentication first (the caller's session), then the page and its count.
    expect(sent[0].text).toMatch(/sessions/);
    const names = res.data.models.edges.map((e: any) => e.node.name);
    const page = sent.find((s) => /\bLIMIT\b/i.test(s.text))!;
    // The unfiltered listing goes as a named prepared statement (both backends are PostgreSQL
    // servers); the session lookup never does (db/named-statement.ts says why).
    expect(page.name).toMatch(/^aimass_[0-9a-f]{32}$/);
    expect(sent[0].name).toBeUndefined();
    // Sent again as reported (JSON parameters), the page statement reads the same models.
    const again = await hub.sql(page.text, page.parameters as unknown[]);
    const text = JSON.stringify(again);
    for (const name of names) expect(text).toContain(name);
  });
});
