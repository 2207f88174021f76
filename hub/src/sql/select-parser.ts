/**
 * Parses one SELECT (a whole query, or the one inside CREATE MODEL / ML.PREDICT) with
 * node-sql-parser's PostgreSQL grammar and checks it against the sandbox rules. Pure: no
 * database. Positions in every error are the original query's.
 *
 * node-sql-parser reads a prepared text (see lexer.ts for why): comments become spaces, unquoted
 * names are folded to lower case (as PostgreSQL does), each string literal becomes a placeholder
 * literal, and each `owner.dataset@3` or `quoted.name` becomes a placeholder table name. A
 * {@link DerivedText} maps parser positions back.
 */
import { randomBytes } from 'node:crypto';
import sqlParser from 'node-sql-parser/build/postgresql.js';
import { isPunct, type Token } from './lexer.js';
import { isRefProblem, readNameRef, type NameRef, type VersionSpec } from './names.js';
import { checkSelect, CheckProblem, type AstNode, type Locator } from './select-check.js';
import { sqlError } from './sql-error.js';
import { DerivedText, type SourceText } from './source-text.js';

const parser = new sqlParser.Parser();
export const PARSE_OPTIONS = { database: 'postgresql', parseOptions: { includeLocations: true } };

/** A dataset the query reads, as written. */
export interface DatasetRead {
  owner: string;
  name: string;
  version: VersionSpec | null;
  /** Where it is written in the query (absolute offset), for errors about it. */
  offset: number | null;
  /** Where the written name ends (absolute offset), when known. */
  end: number | null;
  /** The FROM item to rewrite. */
  node: AstNode;
}

/** A checked SELECT: its AST (rewritten later), the datasets it reads, and its string literals. */
export interface SelectQuery {
  /** Offsets of the SELECT in the original query, `[start, end)`. */
  start: number;
  end: number;
  ast: AstNode;
  datasets: DatasetRead[];
  /** Placeholder literal → the string it stands for. */
  strings: ReadonlyMap<string, string>;
}

/**
 * `tokens` are the statement's significant tokens (no comments); `[from, to)` is the SELECT. The
 * comments are blanked out of `blanked`, the statement text with comments turned into spaces.
 */
export function parseSelect(source: SourceText, blanked: string, tokens: Token[], from: number, to: number): SelectQuery {
  if (from >= to) throw sqlError(source, tokens[from - 1]?.end ?? 0, 'expected a SELECT query here');
  const nonce = randomBytes(6).toString('hex');
  const start = tokens[from].start;
  const end = tokens[to - 1].end;
  const derived = new DerivedText(start);
  const strings = new Map<string, string>();
  const placeholders = new Map<string, NameRef>();
  const bounded = tokens.slice(0, to);
  let at = start;
  for (let i = from; i < to; ) {
    const token = tokens[i];
    derived.copy(blanked.slice(at, token.start));
    at = token.start;
    if (token.kind === 'string') {
      const placeholder = `aimass_s${strings.size}_${nonce}`;
      strings.set(placeholder, token.value);
      derived.replace(`'${placeholder}'`, token.end - token.start);
      at = token.end;
      i++;
      continue;
    }
    if (token.kind === 'backtick' || ((token.kind === 'ident' || token.kind === 'quoted') && !isPunct(tokens[i - 1], '.'))) {
      const read = readNameRef(bounded, i, { versionedOnly: token.kind !== 'backtick' });
      if (isRefProblem(read)) throw sqlError(source, read.at, read.problem);
      if (read) {
        const placeholder = `aimass_t${placeholders.size}_${nonce}`;
        placeholders.set(placeholder, read.ref);
        derived.replace(placeholder, read.ref.end - read.ref.start);
        at = read.ref.end;
        i = read.next;
        continue;
      }
    }
    // Unquoted names folded as PostgreSQL folds them; the rest as written (same length).
    derived.copy(token.kind === 'ident' ? token.value : source.text.slice(token.start, token.end));
    at = token.end;
    i++;
  }

  let ast: AstNode;
  try {
    const parsed = parser.astify(derived.text, PARSE_OPTIONS) as unknown;
    if (Array.isArray(parsed)) {
      if (parsed.length !== 1) throw sqlError(source, start, 'only one statement is allowed');
      ast = parsed[0] as AstNode;
    } else ast = parsed as AstNode;
  } catch (error) {
    if (error instanceof RangeError) throw sqlError(source, start, 'the query is too deeply nested to read');
    const location = (error as { location?: { start?: { offset?: number } } }).location;
    if (typeof location?.start?.offset !== 'number') throw error;
    const offset = derived.toOriginal(location.start.offset);
    throw sqlError(source, offset, syntaxProblem(source, tokens, offset, end));
  }

  const locate = (locator: Locator): number | null => {
    if (locator === null) return null;
    if ('offset' in locator) return derived.toOriginal(locator.offset);
    const wanted = locator.name;
    for (let i = from; i < to; i++) {
      const t = tokens[i];
      const matches = (t.kind === 'ident' && t.value === wanted.toLowerCase()) || (t.kind === 'quoted' && t.value === wanted);
      if (matches && (!locator.call || isPunct(tokens[i + 1], '('))) return t.start;
    }
    return locate(locator.fallback ?? null);
  };

  let uses;
  try {
    uses = checkSelect(ast, { placeholders, isStringPlaceholder: (value) => strings.has(value), stringOf: (value) => strings.get(value) });
  } catch (error) {
    if (error instanceof CheckProblem) throw sqlError(source, locate(error.locator), error.problem);
    if (error instanceof RangeError) throw sqlError(source, start, 'the query is too deeply nested to read');
    throw error;
  }
  const datasets = uses.map((use): DatasetRead => {
    const found = use.ref.start === null ? findTwoPartName(tokens, from, to, use.ref.owner, use.ref.name) : null;
    return {
      owner: use.ref.owner,
      name: use.ref.name,
      version: use.ref.version,
      offset: use.ref.start ?? found?.start ?? null,
      end: use.ref.end ?? found?.end ?? null,
      node: use.node,
    };
  });
  return { start, end, ast, datasets, strings };
}

/** Where `owner.name` is written, if it is (node-sql-parser gives no positions for tables): its start and end. */
function findTwoPartName(tokens: Token[], from: number, to: number, owner: string, name: string): { start: number; end: number } | null {
  const same = (t: Token | undefined, value: string) =>
    t !== undefined && ((t.kind === 'ident' && t.value === value.toLowerCase()) || (t.kind === 'quoted' && t.value === value));
  for (let i = from; i + 2 < to; i++) {
    if (same(tokens[i], owner) && isPunct(tokens[i + 1], '.') && same(tokens[i + 2], name)) return { start: tokens[i].start, end: tokens[i + 2].end };
  }
  // my-org.weather: the owner is several tokens; find the name after a ".".
  for (let i = from + 1; i < to; i++) if (same(tokens[i], name) && isPunct(tokens[i - 1], '.')) return { start: tokens[i - 1].start, end: tokens[i].end };
  return null;
}

/** A short, PostgreSQL-like description of a syntax error at `offset`. */
function syntaxProblem(source: SourceText, tokens: Token[], offset: number, end: number): string {
  if (offset >= end) return 'syntax error: the query ends too early';
  const token = tokens.find((t) => t.start <= offset && offset < t.end) ?? tokens.find((t) => t.start >= offset);
  if (!token) return 'syntax error';
  const text = source.text.slice(token.start, token.end);
  const shown = text.length > 40 ? `${text.slice(0, 40)}…` : text;
  return `syntax error at or near ${JSON.stringify(shown)} (the SQL surface reads a subset of PostgreSQL: see docs/sql.md)`;
}
