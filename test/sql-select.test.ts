/**
 * The SQL surface: SELECT over the datasets you can read, through GraphQL
 * `runSql` and REST `POST /api/sql`, with typed columns, a row cap, cursor pages and located errors.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset, upload } from './support/datasets.js';
import { SQL_BACKENDS, startTestHub, type TestHub } from './support/hub.js';
import { codeOf, signUp, type SignedUp } from './support/users.js';

const RUN = `mutation($q: String!, $first: Int, $after: String) {
  runSql(query: $q, first: $first, after: $after) {
    statement columns { name type } rows totalCount pageInfo { hasNextPage endCursor } datasets { owner name version }
  }
}`;

const WEATHER_V1 = ['city,temp,rain,day,sunny', 'Oslo,4.5,12,2024-01-02,no', 'Rome,14,3,2024-01-02,yes', 'Oslo,-2,0,2024-01-03,yes', "Quito,17.25,,2024-01-03,no"].join('\n');
const WEATHER_V2 = `${WEATHER_V1}\nLima,19,1,2024-01-04,yes`;

describe.each(SQL_BACKENDS)('SQL SELECT on %s', (backend) => {
  let hub: TestHub;
  let alice: SignedUp;
  let bob: SignedUp;
  const run = (q: string, token = alice.token, page: { first?: number; after?: string } = {}) => hub.graphql(RUN, { q, ...page }, token);

  beforeAll(async () => {
    hub = await startTestHub({ backend, env: { AIMASS_SQL_MAX_ROWS: '50' } });
    alice = await signUp(hub);
    bob = await signUp(hub);
    await createDataset(hub, alice.token, { name: 'weather', visibility: 'PUBLIC' });
    expect((await upload(hub, alice.token, alice.username, 'weather', WEATHER_V1)).status).toBe(201);
    expect((await upload(hub, alice.token, alice.username, 'weather', WEATHER_V2)).status).toBe(201);
    await createDataset(hub, alice.token, { name: 'num.bers-2024', visibility: 'UNLISTED' });
    const lines = ['n,sq'];
    for (let i = 1; i <= 60; i++) lines.push(`${i},${i * i}`);
    expect((await upload(hub, alice.token, alice.username, 'num.bers-2024', lines.join('\n'))).status).toBe(201);
    await createDataset(hub, alice.token, { name: 'diary', visibility: 'PRIVATE' });
    expect((await upload(hub, alice.token, alice.username, 'diary', 'day,mood\n2024-01-01,fine\n')).status).toBe(201);
  });
  afterAll(() => hub?.close());

  it('runs an aggregate over the latest version and returns typed columns and rows', async () => {
    const res = await run(`SELECT city, count(*) AS n, avg(temp) AS mean, max(day) AS last, bool_or(sunny) AS any_sun
      FROM ${alice.username}.weather GROUP BY city ORDER BY city`);
    expect(res.errors).toBeUndefined();
    const out = res.data.runSql;
    expect(out.statement).toBe('SELECT');
    expect(out.columns).toEqual([
      { name: 'city', type: 'text' },
      { name: 'n', type: 'bigint' },
      { name: 'mean', type: 'double precision' },
      { name: 'last', type: 'date' },
      { name: 'any_sun', type: 'boolean' },
    ]);
    expect(out.rows).toEqual([
      ['Lima', 1, 19, '2024-01-04', true],
      ['Oslo', 2, 1.25, '2024-01-03', true],
      ['Quito', 1, 17.25, '2024-01-03', false],
      ['Rome', 1, 14, '2024-01-02', true],
    ]);
    expect(out.totalCount).toBe(4);
    expect(out.pageInfo).toEqual({ hasNextPage: false, endCursor: null });
    expect(out.datasets).toEqual([{ owner: alice.username, name: 'weather', version: 2 }]);
  });

  it('reads a given version with @, hides the internal row key from SELECT *, and keeps upload order', async () => {
    const res = await run(`select * from ${alice.username}.weather@1`);
    expect(res.errors).toBeUndefined();
    expect(res.data.runSql.columns.map((c: { name: string }) => c.name)).toEqual(['city', 'temp', 'rain', 'day', 'sunny']);
    expect(res.data.runSql.rows.map((r: unknown[]) => r[0])).toEqual(['Oslo', 'Rome', 'Oslo', 'Quito']);
    expect(res.data.runSql.rows[3]).toEqual(['Quito', 17.25, null, '2024-01-03', false]);
    expect(res.data.runSql.datasets).toEqual([{ owner: alice.username, name: 'weather', version: 1 }]);
  });

  it('accepts quoted names for datasets whose names hold "." or "-", and joins, CTEs, window functions', async () => {
    const quoted = await run(`SELECT count(*) AS n FROM "${alice.username}"."num.bers-2024"`);
    expect(quoted.data.runSql.rows).toEqual([[60]]);
    const backticks = await run(`SELECT sum(sq) AS s FROM \`${alice.username}.num.bers-2024@1\` WHERE n <= 3`);
    expect(backticks.data.runSql.rows).toEqual([[14]]);
    const fancy = await run(`
      WITH cold AS (SELECT city, temp FROM ${alice.username}.weather WHERE temp < 15)
      SELECT c.city, c.temp, rank() OVER (ORDER BY c.temp DESC) AS r, round(CAST(c.temp AS numeric), 1) AS t1,
             coalesce(w.rain, 0) AS rain, upper(c.city) || '!' AS shout
      FROM cold c JOIN ${alice.username}.weather w ON w.city = c.city AND w.temp = c.temp
      ORDER BY r`);
    expect(fancy.errors).toBeUndefined();
    expect(fancy.data.runSql.rows).toEqual([
      ['Rome', 14, 1, 14, 3, 'ROME!'],
      ['Oslo', 4.5, 2, 4.5, 12, 'OSLO!'],
      ['Oslo', -2, 3, -2, 0, 'OSLO!'],
    ]);
    expect(fancy.data.runSql.columns.find((c: { name: string }) => c.name === 't1').type).toBe('numeric');
  });

  it('runs the SQL analysts write: subqueries, set operations, windows, casts, dates, strings, arrays', async () => {
    const W = `${alice.username}.weather`;
    const queries = [
      `SELECT city FROM ${W} WHERE temp > (SELECT avg(temp) FROM ${W}) ORDER BY city`,
      `SELECT city FROM ${W}@1 UNION SELECT city FROM ${W} EXCEPT SELECT 'Rome' ORDER BY 1`,
      `SELECT DISTINCT ON (city) city, temp FROM ${W} ORDER BY city, temp DESC`,
      `SELECT city, temp, lag(temp) OVER (PARTITION BY city ORDER BY day) AS prev, row_number() OVER w AS i FROM ${W} WINDOW w AS (ORDER BY temp)`,
      `SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY temp) AS median, stddev(temp), corr(temp, rain), count(*) FILTER (WHERE sunny) FROM ${W}`,
      `SELECT extract(month FROM day) AS m, date_trunc('week', day::timestamp) AS wk, day + interval '1 day' AS next, to_char(day, 'YYYY/MM') FROM ${W}`,
      `SELECT CASE WHEN temp < 0 THEN 'freezing' WHEN temp < 15 THEN 'cold' ELSE 'warm' END AS feel, nullif(rain, 0), greatest(temp, 0) FROM ${W}`,
      `SELECT lower(city), length(city), substr(city, 1, 2), replace(city, 'o', '0'), split_part('a,b', ',', 2), city ILIKE '%O%' FROM ${W}`,
      `SELECT string_agg(city, ', ' ORDER BY city) AS cities, array_agg(DISTINCT city) AS arr FROM ${W}`,
      `SELECT * FROM (VALUES (1, 'one'), (2, 'two')) AS v`,
      `SELECT g, g * g AS sq FROM generate_series(1, 5) AS g`,
      `SELECT x.city, y.n FROM ${W} x JOIN (SELECT city, count(*) AS n FROM ${W} GROUP BY city) y USING (city) WHERE EXISTS (SELECT 1 FROM ${W}@1 z WHERE z.city = x.city)`,
      `SELECT round(avg(temp)::numeric, 2), sum(rain)::float8 / nullif(count(*), 0), CAST(max(temp) AS integer) FROM ${W} GROUP BY sunny HAVING count(*) > 1`,
      `SELECT 1 /* a /* nested */ pg_sleep(1) comment */ AS one`,
      `SELECT x.city, y.city FROM ${W} x JOIN ${W}@1 y ON x.city = y.city`,
    ];
    for (const q of queries) {
      const res = await run(q);
      expect(res.errors?.[0].message ?? null, q).toBeNull();
      expect(res.data.runSql.rows.length, q).toBeGreaterThan(0);
    }
    const cities = (await run(queries[0])).data.runSql.rows;
    expect(cities).toEqual([['Lima'], ['Quito'], ['Rome']]);
    expect((await run(queries[8])).data.runSql).toMatchObject({
      columns: [{ name: 'cities', type: 'text' }, { name: 'arr', type: 'text[]' }],
      rows: [['Lima, Oslo, Oslo, Quito, Rome', ['Lima', 'Oslo', 'Quito', 'Rome']]],
    });
  });

  it('keeps string literals exactly, quotes and backslashes included', async () => {
    const res = await run(`SELECT 'it''s' AS a, 'back\\slash' AS b, 'a\\' AS c, length('é€😀') AS n`);
    expect(res.errors).toBeUndefined();
    expect(res.data.runSql.rows).toEqual([["it's", 'back\\slash', 'a\\', 3]]);
  });

  it('pages through a result with opaque cursors, re-running the query for each page', async () => {
    const q = `SELECT n, sq FROM "${alice.username}"."num.bers-2024" WHERE n <= 25 ORDER BY n DESC`;
    const seen: number[] = [];
    let after: string | undefined;
    let pages = 0;
    for (;;) {
      const res = await run(q, alice.token, { first: 10, after });
      expect(res.errors).toBeUndefined();
      const out = res.data.runSql;
      expect(out.totalCount).toBe(25);
      seen.push(...out.rows.map((r: number[]) => r[0]));
      pages++;
      if (!out.pageInfo.hasNextPage) break;
      after = out.pageInfo.endCursor;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => 25 - i));
    // A cursor belongs to its query.
    const first = await run(q, alice.token, { first: 10 });
    const other = await run(`${q} LIMIT 20`, alice.token, { after: first.data.runSql.pageInfo.endCursor });
    expect(codeOf(other)).toBe('BAD_USER_INPUT');
    expect(other.errors![0].extensions!.fields).toEqual([{ field: 'after', message: 'is not a cursor of this query' }]);
    expect(codeOf(await run(q, alice.token, { first: 1001 }))).toBe('BAD_USER_INPUT');
  });

  it('refuses a result larger than AIMASS_SQL_MAX_ROWS, and a LIMIT brings it under', async () => {
    const big = await run(`SELECT n FROM "${alice.username}"."num.bers-2024"`);
    expect(codeOf(big)).toBe('BAD_USER_INPUT');
    expect(big.errors![0].message).toContain('more than 50 rows');
    expect(big.errors![0].message).toContain('AIMASS_SQL_MAX_ROWS');
    const limited = await run(`SELECT n FROM "${alice.username}"."num.bers-2024" LIMIT 50`, alice.token, { first: 5 });
    expect(limited.data.runSql.totalCount).toBe(50);
  });

  it('treats a private dataset as missing for others, but runs it for its owner', async () => {
    const asBob = await run(`SELECT * FROM ${alice.username}.diary`, bob.token);
    const missing = await run(`SELECT * FROM ${alice.username}.no_such_data`, bob.token);
    expect(codeOf(asBob)).toBe('NOT_FOUND');
    expect(codeOf(missing)).toBe('NOT_FOUND');
    expect(asBob.errors![0].message).toBe(`query: line 1, column 15: dataset ${alice.username}.diary not found`);
    expect(missing.errors![0].message).toBe(`query: line 1, column 15: dataset ${alice.username}.no_such_data not found`);
    expect((await run(`SELECT mood FROM ${alice.username}.diary`)).data.runSql.rows).toEqual([['fine']]);
    expect(codeOf(await run(`SELECT * FROM ${alice.username}.weather@9`))).toBe('NOT_FOUND');
    // Public datasets are readable by anyone signed in.
    expect((await run(`SELECT count(*) FROM ${alice.username}.weather`, bob.token)).data.runSql.rows).toEqual([[5]]);
  });

  it('points at the line and column of a mistake', async () => {
    const res = await run(`SELECT city,\n       nosuchcolumn\nFROM ${alice.username}.weather`);
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    const [field] = res.errors![0].extensions!.fields as any[];
    expect(field).toMatchObject({ field: 'query', line: 2, column: 8 });
    expect(field.message).toContain('nosuchcolumn');
    expect(res.errors![0].message).not.toMatch(/v_[0-9a-f]{32}|datasets\./);
    const syntax = await run(`SELECT city FROM ${alice.username}.weather WHERE`);
    expect(syntax.errors![0].extensions!.fields).toEqual([expect.objectContaining({ field: 'query', line: 1 })]);
  });

  it('checks CREATE MODEL and ML.* statements; a valid CREATE MODEL answers the training job it queued', async () => {
    // Training itself is test/training.test.ts (no agent runs here: the job stays queued).
    const create = await run(
      `CREATE MODEL ${alice.username}.rainy_queued OPTIONS (model_type = 'logistic_reg', input_label_cols = ['sunny']) AS SELECT temp, rain, sunny FROM ${alice.username}.weather`,
    );
    expect(create.errors).toBeUndefined();
    expect(create.data.runSql).toMatchObject({ statement: 'CREATE_MODEL', rows: [[expect.any(String), 'queued', `${alice.username}.rainy_queued`, 'sunny', ['temp', 'rain'], 5, 'any node (0 online)']] });
    const badOption = await run(`CREATE MODEL ${alice.username}.rainy\nOPTIONS (model_type = 'logistic_reg', learning_rate = 0.1) AS SELECT * FROM ${alice.username}.weather`);
    expect(badOption.errors![0].message).toBe('query: line 2, column 39: unknown option learning_rate (did you mean learn_rate?)');
    const noLabel = await run(
      `CREATE MODEL ${alice.username}.rainy OPTIONS (model_type = 'logistic_reg',\n  input_label_cols = ['sunny']) AS SELECT temp, rain FROM ${alice.username}.weather`,
    );
    expect(noLabel.errors![0].message).toBe('query: line 2, column 22: input_label_cols: column "sunny" is not in the SELECT (its columns: temp, rain)');
    const noColumn = await run(`CREATE MODEL ${alice.username}.rainy OPTIONS (model_type = 'linear_reg') AS SELECT tmp AS label, rain FROM ${alice.username}.weather`);
    expect(noColumn.errors![0].message).toMatch(/column "tmp" does not exist/);
    expect(noColumn.errors![0].extensions!.fields).toEqual([expect.objectContaining({ line: 1 })]);
    const privateInput = await run(`CREATE MODEL ${bob.username}.m OPTIONS (model_type = 'linear_reg') AS SELECT * FROM ${alice.username}.diary`, bob.token);
    expect(codeOf(privateInput)).toBe('NOT_FOUND');
    const predict = await run(`SELECT * FROM ML.PREDICT(MODEL ${alice.username}.nothing, (SELECT * FROM ${alice.username}.weather))`);
    expect(codeOf(predict)).toBe('NOT_FOUND');
    expect(predict.errors![0].message).toContain(`model ${alice.username}.nothing not found`);
  });

  it('answers on REST: POST /api/sql with JSON in and out, errors as JSON naming the field', async () => {
    const post = (body: unknown, token?: string) =>
      fetch(`${hub.url}/api/sql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });
    const ok = await post({ query: `SELECT city FROM ${alice.username}.weather ORDER BY city LIMIT 2`, first: 1 }, alice.token);
    expect(ok.status).toBe(200);
    const body = await ok.json();
    expect(body).toMatchObject({ statement: 'SELECT', columns: [{ name: 'city', type: 'text' }], rows: [['Lima']], totalCount: 2, pageInfo: { hasNextPage: true } });
    const next = await (await post({ query: `SELECT city FROM ${alice.username}.weather ORDER BY city LIMIT 2`, after: body.pageInfo.endCursor }, alice.token)).json();
    expect(next.rows).toEqual([['Oslo']]);

    const bad = await post({ query: 'SELECT pg_sleep(1)' }, alice.token);
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({
      error: {
        code: 'BAD_USER_INPUT',
        message: expect.stringContaining('query: line 1, column 8: function pg_sleep is not allowed'),
        fields: [expect.objectContaining({ field: 'query', line: 1, column: 8 })],
      },
    });
    expect((await post({ query: `SELECT * FROM ${alice.username}.diary` }, bob.token)).status).toBe(404);
    expect((await post({ query: 'SELECT 1' })).status).toBe(401);
    const noQuery = await post({ sql: 'SELECT 1' }, alice.token);
    expect(noQuery.status).toBe(400);
    expect((await noQuery.json()).error.fields).toEqual([{ field: 'query', message: 'must be a string holding one SQL statement' }]);
  });

  it('counts a query as one use of each dataset it reads', async () => {
    const usage = async () => (await hub.graphql(`query($o: String!) { dataset(owner: $o, name: "weather") { usageCount } }`, { o: alice.username }, alice.token)).data.dataset.usageCount;
    const before = await usage();
    await run(`SELECT a.city FROM ${alice.username}.weather a JOIN ${alice.username}.weather@1 b ON a.city = b.city`);
    expect(await usage()).toBe(before + 1);
  });
});
