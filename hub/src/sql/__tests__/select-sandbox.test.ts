import { describe, expect, it } from 'vitest';
import { lex } from '../lexer.js';
import { rewriteSelect } from '../rewrite.js';
import { SqlError } from '../sql-error.js';
import { SourceText } from '../source-text.js';
import { parseStatement } from '../statement-parser.js';

function problemOf(query: string): string {
  try {
    parseStatement(query);
  } catch (error) {
    if (error instanceof SqlError) {
      const f = error.fields[0] as { line?: number; column?: number };
      return f.line ? `${f.line}:${f.column} ${error.problem}` : error.problem;
    }
    throw error;
  }
  return 'ok';
}

/** The SQL that would run, with every dataset resolved to a made-up table. */
function rewritten(query: string): string {
  const { statement } = parseStatement(query);
  if (statement.kind !== 'SELECT') throw new Error('not a SELECT');
  return rewriteSelect(statement.query, (read) => ({
    table: `datasets.v_${read.name.replace(/[^a-f0-9]/g, '').padEnd(32, '0').slice(0, 32)}`,
    columns: ['a', 'b'],
  }), 1000);
}

describe('Lexer', () => {
  it('reads strings, quoted names, nested comments and operators the way PostgreSQL does', () => {
    const tokens = lex(new SourceText(`SELECT 'it''s', 'a\\', "Mixed Case" /* a /* nested */ comment */ x>=-1 -- end`));
    expect(tokens.map((t) => [t.kind, t.value])).toEqual([
      ['ident', 'select'],
      ['string', "it's"],
      ['punct', ','],
      ['string', 'a\\'],
      ['punct', ','],
      ['quoted', 'Mixed Case'],
      ['comment', ''],
      ['ident', 'x'],
      ['op', '>='],
      ['op', '-'],
      ['number', '1'],
      ['comment', ''],
    ]);
  });

  it('refuses the lexemes a lax parser would read differently, at their place', () => {
    expect(problemOf("SELECT 1,\n  e'\\''")).toBe("2:3 E'…' strings are not supported: use plain '…' strings (a backslash in them is just a backslash)");
    expect(problemOf('SELECT $tag$x$tag$')).toMatch(/^1:8 dollar-quoted strings/);
    expect(problemOf('SELECT "a""b" FROM x.y')).toBe('1:8 quoted names containing " are not supported');
    expect(problemOf("SELECT 'never closed")).toBe("1:8 this string is never closed (' is missing)");
    expect(problemOf('SELECT 1 /* never closed')).toBe('1:10 this comment is never closed (*/ is missing)');
    expect(problemOf('SELECT 1\u0000')).toBe('1:9 the query contains a NUL character');
  });

  it('counts columns in characters, not UTF-16 units', () => {
    expect(problemOf("SELECT '😀😀', pg_sleep(1)")).toMatch(/^1:14 function pg_sleep/);
  });
});

describe('Sandbox rules', () => {
  it('allows the SQL analysts write', () => {
    for (const query of [
      'SELECT a, count(*) AS n FROM alice.w GROUP BY a HAVING count(*) > 1 ORDER BY n DESC LIMIT 10 OFFSET 2',
      'WITH t AS (SELECT a FROM alice.w), u AS (SELECT a FROM t) SELECT * FROM u',
      'SELECT a, sum(b) OVER (PARTITION BY a ORDER BY b ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) FROM alice.w',
      'SELECT x.a FROM alice.w x LEFT JOIN bob.v y ON x.a = y.a WHERE y.b IS NULL AND x.a IN (SELECT a FROM carol.u)',
      "SELECT CAST(a AS double precision), b::date, coalesce(a, 0), date_trunc('month', b::timestamptz) FROM alice.w",
      'SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY a), stddev(a), corr(a, b) FROM alice.w',
      'SELECT a FROM alice.w UNION ALL SELECT a FROM alice.w@2 EXCEPT SELECT a FROM `alice.w.x@1`',
      'SELECT * FROM (VALUES (1, 2)) AS v',
      'SELECT 1 /* a /* nested */ pg_sleep(1) — all a comment */',
    ]) {
      expect(problemOf(query), query).toBe('ok');
    }
  });

  it('refuses tables that are not datasets or CTEs in scope', () => {
    expect(problemOf('SELECT * FROM users')).toBe('1:15 unknown table "users": name a dataset as owner.dataset (or define "users" in WITH)');
    expect(problemOf('WITH t AS (SELECT 1) SELECT * FROM (SELECT * FROM u) s')).toMatch(/unknown table "u"/);
    expect(problemOf('SELECT * FROM pg_class')).toMatch(/^1:15 system catalogs/);
    expect(problemOf('SELECT * FROM Information_Schema.Columns')).toMatch(/system catalogs/);
    expect(problemOf('SELECT * FROM a.b.c')).toMatch(/three parts/);
    expect(problemOf('SELECT * FROM alice.w AS t(x, y)')).toMatch(/column alias lists/);
    expect(problemOf('SELECT * FROM alice.w@0')).toMatch(/^1:22 expected a version number or alias/);
  });

  it('refuses functions and casts off the allowlist, and schema-qualified calls', () => {
    expect(problemOf('SELECT abs(a), PG_SLEEP(1) FROM alice.w')).toMatch(/^1:16 function pg_sleep is not allowed/);
    expect(problemOf('SELECT pg_catalog.abs(1)')).toMatch(/call functions by their plain name/);
    expect(problemOf("SELECT 'x'::regproc")).toMatch(/casting to regproc is not allowed/);
    expect(problemOf('SELECT count(*) FILTER (WHERE lo_unlink(1) = 1) FROM alice.w')).toMatch(/function lo_unlink is not allowed/);
    expect(problemOf('SELECT * FROM generate_series(1, 3) g, alice.w WHERE txid_current() > 0')).toMatch(/function txid_current is not allowed/);
  });

  it('allows format only with a literal format string and field widths up to 1000', () => {
    expect(problemOf(`SELECT format('%s=%-10s|%1$1000s %%200000000s', 'a', 'b')`)).toBe('ok');
    expect(problemOf(`SELECT format('%200000000s', '')`)).toMatch(/^1:8 format widths above 1000 are not allowed \(200000000 asked\)/);
    expect(problemOf(`SELECT format('%1$-1001s', '')`)).toMatch(/format widths above 1000/);
    expect(problemOf(`SELECT format('%*s', 5, '')`)).toMatch(/widths taken from an argument/);
    expect(problemOf(`SELECT format(a, 1) FROM x.y`)).toMatch(/first argument must be a string literal/);
  });

  it('sends the input of value-building aggregates through the capped counter', () => {
    const sql = rewritten(`SELECT string_agg(DISTINCT a, ',' ORDER BY a), array_agg(b), jsonb_object_agg(a, b), count(a) FROM x.y`);
    expect(sql).toContain(`STRING_AGG(DISTINCT aimass_sandbox.agg_input(a, 1000), ',' ORDER BY aimass_sandbox.agg_input(a, 1000) ASC)`);
    expect(sql).toContain('ARRAY_AGG(aimass_sandbox.agg_input(b, 1000))');
    expect(sql).toContain('jsonb_object_agg(aimass_sandbox.agg_input(a, 1000), aimass_sandbox.agg_input(b, 1000))');
    expect(sql).toContain('COUNT(a)');
  });

  it('prints the checked query back with datasets as subqueries over their tables and literals restored', () => {
    const sql = rewritten(`SELECT a, 'it''s' AS s, 'x\\' AS t FROM alice.cafe w JOIN bob.beef@2 ON true WHERE b LIKE '%--%'`);
    expect(sql).toBe(
      `SELECT a, 'it''s' AS "s", 'x\\' AS "t" FROM (SELECT "a", "b" FROM "datasets"."v_cafe0000000000000000000000000000") AS "w" ` +
        `INNER JOIN (SELECT "a", "b" FROM "datasets"."v_beef0000000000000000000000000000") AS "beef" ON TRUE WHERE b LIKE '%--%'`,
    );
  });
});
