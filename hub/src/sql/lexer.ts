/**
 * A PostgreSQL lexer (https://www.postgresql.org/docs/current/sql-syntax-lexical.html) that knows
 * where every token is. The SQL surface uses it
 * - to split BigQuery ML statements (CREATE MODEL, ML.PREDICT …) off before node-sql-parser sees
 *   the inner SELECT, and to find `owner.dataset@3` references, which are not SQL;
 * - to hand node-sql-parser a text it reads the way PostgreSQL would: node-sql-parser treats a
 *   backslash as an escape inside '…' (PostgreSQL does not: `'a\' || pg_sleep(1) --'` is a string
 *   followed by a call to it) and does not nest block comments. So every string literal is
 *   replaced by a placeholder before parsing and restored, PostgreSQL-quoted, after; comments
 *   become spaces; and the lexemes whose meaning the two disagree on are refused here
 *   (E'…', U&'…', B'…', X'…', N'…', dollar quoting, `$1` parameters, `""` inside a quoted name).
 */
import { sqlError } from './sql-error.js';
import type { SourceText } from './source-text.js';

export type TokenKind =
  /** An unquoted name or keyword; `value` is folded to lower case as PostgreSQL does (ASCII letters only). */
  | 'ident'
  /** "A quoted name"; `value` is the name, case kept. */
  | 'quoted'
  /** `BigQuery-style quoted path`, used for dataset and model names: `value` is the inside. */
  | 'backtick'
  /** 'a string'; `value` is its content ('' decoded to '). */
  | 'string'
  | 'number'
  /** An operator: + - * / < > = ~ ! @ # % ^ & | ? and their combinations. */
  | 'op'
  /** ( ) [ ] , ; : . :: */
  | 'punct'
  /** -- a comment, or a block comment; kept so the text can be rebuilt with spaces in its place. */
  | 'comment';

export interface Token {
  kind: TokenKind;
  value: string;
  /** Offsets in the source, `[start, end)`. */
  start: number;
  end: number;
}

const WHITESPACE = /[ \t\n\r\f\v]/;
const OPERATOR_CHARS = '+-*/<>=~!@#%^&|?';
/** An operator may end in + or - only if it holds one of these (PostgreSQL's rule, so `=-1` is `=` then `-1`). */
const OPERATOR_SPECIAL = '~!@#%^&|`?';

const isIdentStart = (c: number) => (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c >= 128;
const isIdentPart = (c: number) => isIdentStart(c) || (c >= 48 && c <= 57) || c === 36;
const isDigit = (c: number) => c >= 48 && c <= 57;

/** ASCII letters only, as PostgreSQL folds unquoted names in UTF-8 databases. */
export function foldName(name: string): string {
  return name.replace(/[A-Z]+/g, (s) => s.toLowerCase());
}

export function lex(source: SourceText): Token[] {
  const text = source.text;
  const tokens: Token[] = [];
  let i = 0;
  const fail = (at: number, problem: string) => sqlError(source, at, problem);
  while (i < text.length) {
    const c = text.charCodeAt(i);
    const ch = text[i];
    if (WHITESPACE.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (c === 0) throw fail(i, 'the query contains a NUL character');
    // -- comment to the end of the line
    if (ch === '-' && text[i + 1] === '-') {
      while (i < text.length && text[i] !== '\n' && text[i] !== '\r') i++;
      tokens.push({ kind: 'comment', value: '', start, end: i });
      continue;
    }
    // /* block comment */, nested as in PostgreSQL
    if (ch === '/' && text[i + 1] === '*') {
      let depth = 0;
      while (i < text.length) {
        if (text[i] === '/' && text[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (text[i] === '*' && text[i + 1] === '/') {
          depth--;
          i += 2;
          if (depth === 0) break;
        } else i++;
      }
      if (depth !== 0) throw fail(start, 'this comment is never closed (*/ is missing)');
      tokens.push({ kind: 'comment', value: '', start, end: i });
      continue;
    }
    if (ch === "'") {
      const { value, end } = readQuoted(text, i, "'", () => fail(start, "this string is never closed (' is missing)"));
      tokens.push({ kind: 'string', value, start, end });
      i = end;
      continue;
    }
    if (ch === '"') {
      const { value, end, doubled } = readQuoted(text, i, '"', () => fail(start, 'this quoted name is never closed (" is missing)'));
      if (value === '') throw fail(start, 'a quoted name must not be empty');
      if (doubled) throw fail(start, 'quoted names containing " are not supported');
      tokens.push({ kind: 'quoted', value, start, end });
      i = end;
      continue;
    }
    if (ch === '`') {
      const close = text.indexOf('`', i + 1);
      const newline = text.slice(i + 1, close === -1 ? undefined : close).search(/[\r\n]/);
      if (close === -1 || newline !== -1) throw fail(start, 'this `quoted name` is never closed (` is missing)');
      tokens.push({ kind: 'backtick', value: text.slice(i + 1, close), start, end: close + 1 });
      i = close + 1;
      continue;
    }
    if (ch === '$') {
      if (isDigit(text.charCodeAt(i + 1))) throw fail(start, 'parameters like $1 are not supported: write the value into the query');
      throw fail(start, 'dollar-quoted strings ($$…$$) are not supported: use \'…\' (double a quote inside: \'it\'\'s\')');
    }
    if (isDigit(c) || (ch === '.' && isDigit(text.charCodeAt(i + 1)))) {
      const match = /^(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?/.exec(text.slice(i))!;
      i += match[0].length;
      tokens.push({ kind: 'number', value: match[0], start, end: i });
      continue;
    }
    if (isIdentStart(c)) {
      while (i < text.length && isIdentPart(text.charCodeAt(i))) i++;
      const word = text.slice(start, i);
      // Prefixed string forms whose escapes node-sql-parser reads differently from PostgreSQL.
      if (text[i] === "'" && /^[eEbBxXnN]$/.test(word)) {
        throw fail(start, `${word.toUpperCase()}'…' strings are not supported: use plain '…' strings (a backslash in them is just a backslash)`);
      }
      if (/^[uU]$/.test(word) && text[i] === '&') throw fail(start, 'U&… Unicode escapes are not supported');
      tokens.push({ kind: 'ident', value: foldName(word), start, end: i });
      continue;
    }
    if (ch === ':' && text[i + 1] === ':') {
      tokens.push({ kind: 'punct', value: '::', start, end: i + 2 });
      i += 2;
      continue;
    }
    if ('()[],;:.'.includes(ch)) {
      tokens.push({ kind: 'punct', value: ch, start, end: i + 1 });
      i++;
      continue;
    }
    if (OPERATOR_CHARS.includes(ch)) {
      let end = i;
      while (end < text.length && OPERATOR_CHARS.includes(text[end])) {
        // A comment starts here: the operator ends before it.
        if (end > i && ((text[end] === '-' && text[end + 1] === '-') || (text[end] === '/' && text[end + 1] === '*'))) break;
        end++;
      }
      let op = text.slice(i, end);
      while (op.length > 1 && /[+-]$/.test(op) && ![...op].some((x) => OPERATOR_SPECIAL.includes(x))) op = op.slice(0, -1);
      tokens.push({ kind: 'op', value: op, start, end: i + op.length });
      i += op.length;
      continue;
    }
    throw fail(start, `unexpected character ${JSON.stringify(ch)}`);
  }
  return tokens;
}

/** Reads a '…' or "…" token starting at `at`; a doubled quote stands for one. */
function readQuoted(text: string, at: number, quote: string, unterminated: () => Error): { value: string; end: number; doubled: boolean } {
  let i = at + 1;
  let value = '';
  let doubled = false;
  for (;;) {
    const next = text.indexOf(quote, i);
    if (next === -1) throw unterminated();
    value += text.slice(i, next);
    if (text[next + 1] === quote) {
      value += quote;
      doubled = true;
      i = next + 2;
      continue;
    }
    return { value, end: next + 1, doubled };
  }
}

/** Tokens without comments: what the grammar looks at. */
export function significant(tokens: Token[]): Token[] {
  return tokens.filter((t) => t.kind !== 'comment');
}

/** True for an unquoted word (a keyword, in context). */
export function isWord(token: Token | undefined, ...words: string[]): boolean {
  return token !== undefined && token.kind === 'ident' && (words.length === 0 || words.includes(token.value));
}

export function isPunct(token: Token | undefined, value: string): boolean {
  return token !== undefined && token.kind === 'punct' && token.value === value;
}
