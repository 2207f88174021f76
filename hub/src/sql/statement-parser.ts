/**
 * The SQL surface's statements, after BigQuery ML's shapes, parsed into a typed AST:
 *
 *   SELECT …                                                  (read-only, sandboxed)
 *   CREATE [OR REPLACE] MODEL [IF NOT EXISTS] owner.name OPTIONS (model_type = '…', …) AS SELECT …
 *   SELECT * FROM ML.PREDICT(MODEL owner.name[@version|@alias], (SELECT …))
 *   SELECT * FROM ML.EVALUATE(MODEL owner.name[@…][, (SELECT …)])
 *   SELECT * FROM ML.TRAINING_INFO(MODEL owner.name[@…])
 *
 * node-sql-parser does not read the ML shapes, so they are split off here with the lexer, and the
 * inner SELECT goes through the same parser and sandbox rules as a plain one (select-parser.ts).
 * Pure: no database; names are resolved and access checked by the service. Every error is a
 * {@link SqlError} with the line and column.
 */
import { isPunct, isWord, lex, significant, type Token } from './lexer.js';
import { canonicalOption, checkAlterOptions, checkOptions, type AlterOptions, type ModelOptions } from './model-options.js';
import { readOptions } from './option-values.js';
import { isRefProblem, readNameRef, type VersionSpec } from './names.js';
import { parseSelect, type SelectQuery } from './select-parser.js';
import { sqlError } from './sql-error.js';
import { SourceText } from './source-text.js';

/** Longest query accepted, in characters. */
export const MAX_QUERY_LENGTH = 100_000;
/** Deepest nesting of parentheses and brackets accepted (the parser recurses on them). */
export const MAX_NESTING = 64;
/** Most tokens accepted: node-sql-parser recurses once per operator, and runs out of stack near 20,000. */
export const MAX_TOKENS = 10_000;

export interface ModelName {
  owner: string;
  name: string;
  offset: number;
  /** Where the written name ends. */
  end?: number;
}

export interface ModelRef extends ModelName {
  /** null: the latest version. */
  version: VersionSpec | null;
}

export type SqlStatement =
  | { kind: 'SELECT'; query: SelectQuery }
  | {
      kind: 'CREATE_MODEL';
      replace: boolean;
      ifNotExists: boolean;
      model: ModelName;
      options: ModelOptions;
      /** Where each written option's value starts (by BigQuery name, synonyms resolved), for later errors. */
      optionOffsets: Record<string, number>;
      query: SelectQuery;
    }
  | { kind: 'ML_PREDICT'; model: ModelRef; input: SelectQuery }
  /** With `benchmark`: a submission of the model version to that benchmark (docs/benchmarks.md#submissions). */
  | { kind: 'ML_EVALUATE'; model: ModelRef; input: SelectQuery | null; benchmark?: ModelName }
  | { kind: 'ML_TRAINING_INFO'; model: ModelRef }
  /** ALTER MODEL owner.name SET OPTIONS (…): the retraining triggers and promotion rule of a model trained by SQL. */
  | { kind: 'ALTER_MODEL'; model: ModelName; options: AlterOptions }
  | { kind: 'ML_TRIAL_INFO'; model: ModelRef };

export type StatementKind = SqlStatement['kind'];

export interface ParsedStatement {
  source: SourceText;
  statement: SqlStatement;
}

const ML_FUNCTIONS: Record<string, 'ML_PREDICT' | 'ML_EVALUATE' | 'ML_TRAINING_INFO' | 'ML_TRIAL_INFO'> = {
  predict: 'ML_PREDICT',
  evaluate: 'ML_EVALUATE',
  training_info: 'ML_TRAINING_INFO',
  trial_info: 'ML_TRIAL_INFO',
};

/** First words that are statements the sandbox refuses, with why. */
const REFUSED: Record<string, string> = {
  insert: 'INSERT is not allowed: the SQL surface only reads datasets',
  update: 'UPDATE is not allowed: the SQL surface only reads datasets',
  delete: 'DELETE is not allowed: the SQL surface only reads datasets',
  merge: 'MERGE is not allowed: the SQL surface only reads datasets',
  upsert: 'UPSERT is not allowed: the SQL surface only reads datasets',
  truncate: 'TRUNCATE is not allowed: the SQL surface only reads datasets',
  drop: 'DROP is not allowed: the SQL surface only reads datasets',
  alter: 'ALTER is not allowed here: the SQL surface only reads datasets (ALTER MODEL owner.name SET OPTIONS (…) sets a model’s retraining)',
  grant: 'GRANT is not allowed',
  revoke: 'REVOKE is not allowed',
  copy: 'COPY is not allowed: export a dataset version as CSV instead (see docs/data-market.md)',
  set: 'SET is not allowed: the sandbox settings are fixed',
  reset: 'RESET is not allowed: the sandbox settings are fixed',
  show: 'SHOW is not allowed: the sandbox settings are not readable',
  explain: 'EXPLAIN is not supported',
  analyze: 'ANALYZE is not allowed',
  vacuum: 'VACUUM is not allowed',
  begin: 'transaction control (BEGIN) is not allowed: each query runs in its own read-only transaction',
  start: 'transaction control (START TRANSACTION) is not allowed: each query runs in its own read-only transaction',
  commit: 'transaction control (COMMIT) is not allowed',
  end: 'transaction control (END) is not allowed',
  rollback: 'transaction control (ROLLBACK) is not allowed',
  abort: 'transaction control (ABORT) is not allowed',
  savepoint: 'transaction control (SAVEPOINT) is not allowed',
  release: 'transaction control (RELEASE) is not allowed',
  lock: 'LOCK is not allowed',
  listen: 'LISTEN is not allowed',
  notify: 'NOTIFY is not allowed',
  unlisten: 'UNLISTEN is not allowed',
  call: 'CALL is not allowed',
  do: 'DO blocks are not allowed',
  execute: 'EXECUTE is not allowed',
  prepare: 'PREPARE is not allowed',
  deallocate: 'DEALLOCATE is not allowed',
  declare: 'cursors (DECLARE) are not allowed: use first/after to page through results',
  fetch: 'cursors (FETCH) are not allowed: use first/after to page through results',
  move: 'cursors (MOVE) are not allowed',
  close: 'cursors (CLOSE) are not allowed',
  discard: 'DISCARD is not allowed',
  load: 'LOAD is not allowed',
  checkpoint: 'CHECKPOINT is not allowed',
  reindex: 'REINDEX is not allowed',
  cluster: 'CLUSTER is not allowed',
  comment: 'COMMENT is not allowed',
  security: 'SECURITY LABEL is not allowed',
  refresh: 'REFRESH is not allowed',
  import: 'IMPORT is not allowed',
  values: 'a bare VALUES list is not supported: write SELECT … FROM (VALUES …) AS v',
  table: 'TABLE x is not supported: write SELECT * FROM owner.dataset',
};

/** Parses one statement (a trailing ";" is fine). */
export function parseStatement(query: string): ParsedStatement {
  const source = new SourceText(query);
  if (query.length > MAX_QUERY_LENGTH) throw sqlError(source, null, `the query is longer than ${MAX_QUERY_LENGTH} characters`);
  const all = lex(source);
  const tokens = significant(all);
  if (tokens.length === 0) throw sqlError(source, null, 'the query is empty');
  if (tokens.length > MAX_TOKENS) throw sqlError(source, tokens[MAX_TOKENS].start, `the query has more than ${MAX_TOKENS} words and symbols`);
  // Comments turned into spaces (same length, line breaks kept) for node-sql-parser.
  const parts: string[] = [];
  let copied = 0;
  for (const c of all) {
    if (c.kind !== 'comment') continue;
    parts.push(query.slice(copied, c.start), query.slice(c.start, c.end).replace(/[^\r\n]/g, ' '));
    copied = c.end;
  }
  const blanked = parts.join('') + query.slice(copied);

  // One statement: a ";" may only end the query.
  let end = tokens.length;
  const semicolon = tokens.findIndex((t) => isPunct(t, ';'));
  if (semicolon !== -1) {
    const after = tokens[semicolon + 1];
    if (after) throw sqlError(source, after.start, 'only one statement per query is allowed (this starts a second one)');
    end = semicolon;
    if (end === 0) throw sqlError(source, null, 'the query is empty');
  }
  checkNesting(source, tokens, end);

  const first = tokens[0];
  const parser = new StatementParser(source, blanked, tokens, end);
  if (isWord(first, 'create')) return { source, statement: parser.createModel() };
  if (isWord(first, 'alter') && isWord(tokens[1], 'model')) return { source, statement: parser.alterModel() };
  if (isWord(first, 'select', 'with') || isPunct(first, '(')) {
    const ml = tokens.findIndex((t, i) => i < end && isWord(t, 'ml') && isPunct(tokens[i + 1], '.') && tokens[i + 2]?.kind === 'ident' && isPunct(tokens[i + 3], '('));
    if (ml !== -1) return { source, statement: parser.mlFunction(ml) };
    return { source, statement: { kind: 'SELECT', query: parseSelect(source, blanked, tokens, 0, end) } };
  }
  const word = first.kind === 'ident' ? first.value : null;
  if (word && REFUSED[word]) throw sqlError(source, first.start, REFUSED[word]);
  throw sqlError(source, first.start, 'expected SELECT, WITH, CREATE MODEL or ALTER MODEL');
}

/**
 * Parses one statement of each common shape, so a hub's first statement does not also pay for
 * compiling the parser's code (the first CREATE MODEL took 12 ms to parse, later ones 2–3 ms).
 */
export function warmParser(): void {
  parseStatement(`SELECT a, count(*) AS n FROM aimass.warm AS w JOIN aimass.other AS o ON o.id = w.id WHERE a > 1 GROUP BY a ORDER BY n DESC LIMIT 10`);
  parseStatement(`CREATE OR REPLACE MODEL aimass.warm OPTIONS (model_type = 'dnn_classifier', input_label_cols = ['c'], hidden_units = [8], epochs = 1) AS SELECT a, b, c FROM aimass.warm`);
  parseStatement(`SELECT * FROM ML.PREDICT(MODEL aimass.warm, (SELECT a, b FROM aimass.warm))`);
}

function checkNesting(source: SourceText, tokens: Token[], end: number): void {
  let depth = 0;
  for (let i = 0; i < end; i++) {
    const t = tokens[i];
    if (isPunct(t, '(') || isPunct(t, '[')) {
      depth++;
      if (depth > MAX_NESTING) throw sqlError(source, t.start, `parentheses are nested more than ${MAX_NESTING} deep`);
    } else if (isPunct(t, ')') || isPunct(t, ']')) depth--;
  }
}

class StatementParser {
  constructor(
    private readonly source: SourceText,
    private readonly blanked: string,
    private readonly tokens: Token[],
    /** Index of the end of the statement (a trailing ";" or the end). */
    private readonly end: number,
  ) {}

  private fail(at: number | null, problem: string) {
    return sqlError(this.source, at, problem);
  }

  /** Offset to point at for "expected … here" at token index i (the end of the query when past it). */
  private at(i: number): number {
    return i < this.end ? this.tokens[i].start : this.tokens[this.end - 1].end;
  }

  private expectWord(i: number, word: string, what = word.toUpperCase()): number {
    if (i >= this.end || !isWord(this.tokens[i], word)) throw this.fail(this.at(i), `expected ${what} here`);
    return i + 1;
  }

  private expectPunct(i: number, value: string, what = `"${value}"`): number {
    if (i >= this.end || !isPunct(this.tokens[i], value)) throw this.fail(this.at(i), `expected ${what} here`);
    return i + 1;
  }

  private modelRef(i: number, allowVersion: boolean): { ref: ModelRef; next: number } {
    if (i >= this.end) throw this.fail(this.at(i), 'expected a model name like owner.model here');
    const read = readNameRef(this.tokens.slice(0, this.end), i);
    if (read === null) throw this.fail(this.at(i), 'expected a model name like owner.model (or `owner.model`, "owner"."model") here');
    if (isRefProblem(read)) throw this.fail(read.at, read.problem);
    if (read.ref.version && !allowVersion) throw this.fail(read.ref.start, 'CREATE MODEL names a model, not a version: leave out the @…');
    return { ref: { owner: read.ref.owner, name: read.ref.name, version: read.ref.version, offset: read.ref.start, end: read.ref.end }, next: read.next };
  }

  /** CREATE [OR REPLACE] MODEL [IF NOT EXISTS] owner.name OPTIONS (…) AS SELECT … */
  createModel(): SqlStatement {
    const t = this.tokens;
    let i = 1;
    let replace = false;
    if (isWord(t[i], 'or')) {
      i = this.expectWord(i + 1, 'replace');
      replace = true;
    }
    if (i >= this.end || !isWord(t[i], 'model')) {
      const what = i < this.end && t[i].kind === 'ident' ? `CREATE ${t[i].value.toUpperCase()}` : 'CREATE …';
      throw this.fail(t[0].start, `${what} is not allowed: the SQL surface creates only models (CREATE MODEL … AS SELECT …)`);
    }
    i++;
    let ifNotExists = false;
    if (isWord(t[i], 'if') && isWord(t[i + 1], 'not')) {
      i = this.expectWord(i + 2, 'exists');
      ifNotExists = true;
    }
    if (replace && ifNotExists) throw this.fail(t[1].start, 'use OR REPLACE or IF NOT EXISTS, not both');
    const { ref, next } = this.modelRef(i, false);
    i = next;
    if (isWord(t[i], 'transform')) throw this.fail(t[i].start, 'TRANSFORM(…) is not supported: preprocessing is fitted by the trainer');
    if (i >= this.end || !isWord(t[i], 'options')) {
      throw this.fail(this.at(i), isWord(t[i], 'as') ? 'expected OPTIONS(model_type = …) before AS' : 'expected OPTIONS(model_type = …) after the model name');
    }
    const optionsStart = t[i].start;
    const { options: written, next: afterOptions } = readOptions(this.source, t.slice(0, this.end), i + 1);
    const options = checkOptions(this.source, written, optionsStart);
    const optionOffsets = Object.fromEntries(written.map((o) => [canonicalOption(o.name), o.value.start]));
    i = afterOptions;
    if (i >= this.end) throw this.fail(this.at(i), 'expected AS SELECT … after OPTIONS(…): the query to train on is missing');
    if (!isWord(t[i], 'as')) throw this.fail(t[i].start, 'expected AS SELECT … after OPTIONS(…)');
    i++;
    if (i >= this.end) throw this.fail(this.at(i), 'expected the SELECT to train on after AS');
    if (!isWord(t[i], 'select', 'with') && !isPunct(t[i], '(')) throw this.fail(t[i].start, 'expected SELECT (or WITH …) after AS');
    const query = parseSelect(this.source, this.blanked, t, i, this.end);
    const model: ModelName = { owner: ref.owner, name: ref.name, offset: ref.offset, end: ref.end };
    return { kind: 'CREATE_MODEL', replace, ifNotExists, model, options, optionOffsets, query };
  }

  /** ALTER MODEL owner.name SET OPTIONS (…), after BigQuery ML's ALTER MODEL SET OPTIONS. */
  alterModel(): SqlStatement {
    const t = this.tokens;
    const { ref, next } = this.modelRef(2, false);
    let i = this.expectWord(next, 'set', 'SET OPTIONS (…)');
    if (i >= this.end || !isWord(t[i], 'options')) throw this.fail(this.at(i), 'expected OPTIONS (…) after SET');
    const optionsStart = t[i].start;
    const { options: written, next: after } = readOptions(this.source, t.slice(0, this.end), i + 1);
    const options = checkAlterOptions(this.source, written, optionsStart);
    if (after < this.end) throw this.fail(t[after].start, 'nothing may follow SET OPTIONS (…)');
    return { kind: 'ALTER_MODEL', model: { owner: ref.owner, name: ref.name, offset: ref.offset }, options };
  }

  /** SELECT * FROM ML.<fn>(MODEL ref[, (SELECT …)]) — the whole statement; `ml` indexes the "ML" token. */
  mlFunction(ml: number): SqlStatement {
    const t = this.tokens;
    const fnToken = t[ml + 2];
    const kind = ML_FUNCTIONS[fnToken.value];
    if (!kind) throw this.fail(t[ml].start, `unknown function ML.${fnToken.value.toUpperCase()}: use ML.PREDICT, ML.EVALUATE, ML.TRAINING_INFO or ML.TRIAL_INFO`);
    const shape = `SELECT * FROM ML.${fnToken.value.toUpperCase()}(…)`;
    const whole = ml === 3 && isWord(t[0], 'select') && t[1].kind === 'op' && t[1].value === '*' && isWord(t[2], 'from');
    if (!whole) throw this.fail(t[ml].start, `ML.${fnToken.value.toUpperCase()} must be the whole query: write ${shape}`);
    let i = this.expectWord(ml + 4, 'model', 'MODEL owner.model');
    const { ref, next } = this.modelRef(i, true);
    i = next;
    let input: SelectQuery | null = null;
    if (kind === 'ML_EVALUATE' && isPunct(t[i], ',') && isWord(t[i + 1], 'benchmark')) {
      // ML.EVALUATE(MODEL owner.model[@v], BENCHMARK owner.benchmark): a benchmark submission.
      const read = readNameRef(t.slice(0, this.end), i + 2);
      if (read === null) throw this.fail(this.at(i + 2), 'expected a benchmark name like owner.benchmark after BENCHMARK');
      if (isRefProblem(read)) throw this.fail(read.at, read.problem);
      if (read.ref.version) throw this.fail(read.ref.start, 'a benchmark has no versions: leave out the @…');
      i = this.expectPunct(read.next, ')');
      if (i < this.end) throw this.fail(t[i].start, 'nothing may follow ML.EVALUATE(…): write SELECT * FROM ML.EVALUATE(MODEL owner.model, BENCHMARK owner.benchmark)');
      return { kind, model: ref, input: null, benchmark: { owner: read.ref.owner, name: read.ref.name, offset: read.ref.start } };
    }
    if (isPunct(t[i], ',')) {
      if (kind === 'ML_TRAINING_INFO' || kind === 'ML_TRIAL_INFO') throw this.fail(t[i].start, `ML.${fnToken.value.toUpperCase()} takes only the model`);
      i++;
      if (isWord(t[i], 'table')) throw this.fail(t[i].start, 'TABLE … is not supported here: write (SELECT * FROM owner.dataset)');
      const open = this.expectPunct(i, '(', '(SELECT …)');
      const close = this.matching(i);
      if (!isWord(t[open], 'select', 'with') && !isPunct(t[open], '(')) throw this.fail(this.at(open), 'expected SELECT inside the parentheses');
      input = parseSelect(this.source, this.blanked, t, open, close);
      i = close + 1;
      if (isPunct(t[i], ',')) throw this.fail(t[i].start, `a third argument (STRUCT(…) settings) is not supported in ML.${fnToken.value.toUpperCase()}`);
    }
    i = this.expectPunct(i, ')');
    if (i < this.end) throw this.fail(t[i].start, `nothing may follow ML.${fnToken.value.toUpperCase()}(…): write ${shape}`);
    if (kind === 'ML_PREDICT') {
      if (!input) throw this.fail(this.at(i - 1), 'ML.PREDICT needs the rows to predict: ML.PREDICT(MODEL owner.model, (SELECT …))');
      return { kind, model: ref, input };
    }
    if (kind === 'ML_EVALUATE') return { kind, model: ref, input };
    return { kind, model: ref };
  }

  /** Index of the ")" matching the "(" at `open`. */
  private matching(open: number): number {
    let depth = 0;
    for (let i = open; i < this.end; i++) {
      if (isPunct(this.tokens[i], '(')) depth++;
      else if (isPunct(this.tokens[i], ')')) {
        depth--;
        if (depth === 0) return i;
      }
    }
    throw this.fail(this.tokens[open].start, 'this "(" is never closed');
  }
}
