/**
 * The sandbox's rules, applied to node-sql-parser's AST of one SELECT: an allowlist, not a
 * blocklist. Every node kind must be one this module knows (anything else — a parameter, a
 * variable, a statement kind other than SELECT, SELECT INTO, WITH RECURSIVE, TABLESAMPLE … — is
 * refused), every function must be in allowlist.ts (and `format` must have a literal format string
 * with no field wider than MAX_FORMAT_WIDTH), every cast target too, and every table must be a CTE
 * in scope or a dataset named `owner.dataset` (system catalogs are refused by name).
 *
 * It collects the dataset references so the service can check access and rewrite them to their
 * internal tables, after which the query is printed back from this same AST (see rewrite.ts):
 * what runs is what was checked.
 */
import { AGGREGATES, ALLOWED_CAST_TYPES, ALLOWED_FUNCTIONS, isSystemName, WINDOW_FUNCTIONS } from './allowlist.js';
import type { NameRef } from './names.js';

/** A node of node-sql-parser's AST: plain JSON. */
export type AstNode = Record<string, unknown>;

/**
 * Where a problem is, as the checker knows it: an offset in the text node-sql-parser read, or a
 * name to look up in the query (`call`: followed by "("), with a place to fall back on.
 */
export type Locator = { offset: number } | { name: string; call?: boolean; fallback?: Locator } | null;

export class CheckProblem extends Error {
  constructor(
    readonly problem: string,
    readonly locator: Locator,
  ) {
    super(problem);
  }
}

/** One `FROM owner.dataset` (or a join of one) found in the query: the AST node to rewrite and the name. */
export interface DatasetUse {
  node: AstNode;
  ref: Omit<NameRef, 'start' | 'end'> & { start: number | null; end: number | null };
}

/** The parts of a query the checker resolves names with. */
export interface CheckContext {
  /** Placeholder table names (for `owner.dataset@3` and `quoted` names) → the reference they stand for. */
  placeholders: ReadonlyMap<string, NameRef>;
  /** Placeholder string literals: their node values are the only strings allowed. */
  isStringPlaceholder(value: string): boolean;
  /** The string a placeholder literal stands for. */
  stringOf(placeholder: string): string | undefined;
}

/** Widest field `format` may pad to: `format('%200000000s', '')` would build 200 MB from nothing. */
export const MAX_FORMAT_WIDTH = 1000;

/** Node kinds a read-only query is made of. */
const NODE_TYPES = new Set([
  'select', 'expr', 'column_ref', 'function', 'aggr_func', 'window_func', 'cast', 'binary_expr', 'unary_expr',
  'case', 'when', 'else', 'number', 'bigint', 'single_quote_string', 'double_quote_string', 'bool', 'boolean',
  'null', 'star', 'expr_list', 'array', 'interval', 'window', 'origin', 'default', 'extract', 'date', 'time',
  'timestamp', 'values', 'asc', 'desc', 'distinct', 'distinct on', 'escape', 'collate', 'rows',
]);

/** Keys of a FROM item naming a table that the sandbox understands. */
const TABLE_KEYS = new Set(['db', 'table', 'as', 'join', 'on', 'using', 'loc', 'schema', 'prefix', 'surround']);

const nameOf = (value: unknown): string | null => {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object' && 'value' in value && typeof (value as { value: unknown }).value === 'string') {
    return (value as { value: string }).value;
  }
  return null;
};

function locOf(node: AstNode): Locator {
  const loc = node.loc as { start?: { offset?: number } } | undefined;
  return typeof loc?.start?.offset === 'number' ? { offset: loc.start.offset } : null;
}

/** Checks `ast` (a single SELECT) and returns the datasets it reads. Throws {@link CheckProblem}. */
export function checkSelect(ast: AstNode, context: CheckContext): DatasetUse[] {
  const uses: DatasetUse[] = [];
  const visit = (node: unknown, ctes: ReadonlySet<string>, nearest: Locator): void => {
    if (Array.isArray(node)) {
      for (const item of node) visit(item, ctes, nearest);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const n = node as AstNode;
    const here = locOf(n) ?? nearest;
    const type = typeof n.type === 'string' ? n.type.toLowerCase() : null;

    if (type === 'select') return visitSelect(n, ctes, here);
    if (type !== null && !NODE_TYPES.has(type)) throw refusedNode(type, here);
    // A FROM item naming a table: { db, table, as, join?, on? }
    if (type === null && typeof n.table === 'string' && 'db' in n) {
      tableRef(n, ctes, here);
      visit(n.on, ctes, here);
      return;
    }
    if (type === 'function' || type === 'aggr_func' || type === 'window_func') checkCall(n, here);
    if (type === 'cast') checkCast(n, here);
    if (type === 'single_quote_string' && !context.isStringPlaceholder(String(n.value))) {
      throw new CheckProblem('this literal is not supported here', here);
    }
    for (const [key, value] of Object.entries(n)) {
      if (key === 'loc') continue;
      visit(value, ctes, here);
    }
  };

  const visitSelect = (n: AstNode, outer: ReadonlySet<string>, here: Locator): void => {
    const into = n.into as { expr?: unknown; position?: unknown } | undefined;
    if (into && (into.expr || into.position)) throw new CheckProblem('SELECT … INTO is not allowed: the sandbox only reads', { name: 'into' });
    for (const key of ['locking_read', 'for_update', 'lock']) {
      if (n[key]) throw new CheckProblem('locking clauses (FOR UPDATE …) are not allowed: the sandbox only reads', { name: 'for' });
    }
    let ctes = outer;
    const withList = (n.with as AstNode[] | null) ?? [];
    for (const cte of withList) {
      if (cte.recursive) throw new CheckProblem('WITH RECURSIVE is not allowed (a recursive query could run forever)', { name: 'recursive' });
      // Each CTE sees the ones before it (PostgreSQL's rule for non-recursive WITH).
      visit(cte.stmt, ctes, here);
      const cteName = nameOf(cte.name);
      if (cteName !== null) ctes = new Set([...ctes, cteName]);
    }
    for (const [key, value] of Object.entries(n)) {
      if (key === 'with' || key === 'loc' || key === 'into') continue;
      if (key === '_next') {
        // UNION / INTERSECT / EXCEPT: the next SELECT sees the same CTEs.
        visitSelect(value as AstNode, ctes, here);
        continue;
      }
      visit(value, ctes, here);
    }
  };

  const tableRef = (n: AstNode, ctes: ReadonlySet<string>, here: Locator): void => {
    for (const key of Object.keys(n)) {
      if (key === 'tablesample') throw new CheckProblem('TABLESAMPLE is not supported', { name: 'tablesample' });
      if (!TABLE_KEYS.has(key)) throw new CheckProblem(`this FROM clause (${key}) is not supported`, here);
    }
    const table = n.table as string;
    const db = typeof n.db === 'string' ? n.db : null;
    const alias = typeof n.as === 'string' ? n.as : null;
    if (alias !== null && alias.includes('(')) {
      throw new CheckProblem('column alias lists like AS t(a, b) are not supported: rename the columns in a subquery', { name: alias.split('(')[0] });
    }
    if (typeof n.schema === 'string' && n.schema !== '') {
      throw new CheckProblem(`"${db}.${n.schema}.${table}" has three parts: name a dataset as owner.dataset`, { name: db ?? table });
    }
    if ((db !== null && isSystemName(db)) || isSystemName(table)) {
      throw new CheckProblem('system catalogs (pg_catalog, pg_*, information_schema) are not accessible', { name: db ?? table });
    }
    if (db === null) {
      const placeholder = context.placeholders.get(table);
      if (placeholder) {
        uses.push({ node: n, ref: { owner: placeholder.owner, name: placeholder.name, version: placeholder.version, start: placeholder.start, end: placeholder.end } });
        return;
      }
      if (ctes.has(table)) return;
      throw new CheckProblem(`unknown table "${table}": name a dataset as owner.dataset (or define "${table}" in WITH)`, { name: table });
    }
    uses.push({ node: n, ref: { owner: db, name: table, version: null, start: null, end: null } });
  };

  const checkCall = (n: AstNode, here: Locator): void => {
    const qualified = n.name as { name?: unknown[]; schema?: unknown } | undefined;
    const parts = qualified?.name;
    let name: string | null;
    if (Array.isArray(parts)) {
      const schema = qualified?.schema ? nameOf(qualified.schema) : null;
      if (parts.length !== 1 || schema !== null) {
        const shown = [schema, ...parts.map(nameOf)].filter(Boolean).join('.');
        throw new CheckProblem(`function ${shown} is not allowed: call functions by their plain name`, locOf(n) ?? { name: schema ?? nameOf(parts[0]) ?? shown, fallback: here });
      }
      name = nameOf(parts[0]);
    } else name = nameOf(n.name);
    if (name === null) throw new CheckProblem('this function call is not supported', here);
    const lower = name.toLowerCase();
    const allowed =
      n.type === 'aggr_func' ? AGGREGATES.includes(lower) : n.type === 'window_func' ? WINDOW_FUNCTIONS.includes(lower) || AGGREGATES.includes(lower) : ALLOWED_FUNCTIONS.has(lower);
    if (!allowed) {
      throw new CheckProblem(`function ${lower} is not allowed in the SQL sandbox (see docs/sql.md for the functions it offers)`, locOf(n) ?? { name: lower, call: true, fallback: here });
    }
    if (lower === 'format') checkFormat(n, here);
  };

  /** format: the format string must be a literal whose widths are written out and at most MAX_FORMAT_WIDTH. */
  const checkFormat = (n: AstNode, here: Locator): void => {
    const args = (n.args as { value?: AstNode[] } | undefined)?.value;
    const first = Array.isArray(args) ? args[0] : undefined;
    const at = locOf(n) ?? { name: 'format', call: true, fallback: here };
    const text = first?.type === 'single_quote_string' ? context.stringOf(String(first.value)) : undefined;
    if (text === undefined) throw new CheckProblem("format's first argument must be a string literal (so its field widths can be checked)", at);
    // %[position$][-][width]type, width digits or * / *n$ (taken from an argument).
    for (const spec of text.matchAll(/%%|%(?:\d+\$)?(-?)(\*(?:\d+\$)?|\d+)?/g)) {
      const width = spec[2];
      if (width === undefined) continue;
      if (width.startsWith('*')) throw new CheckProblem('format widths taken from an argument (%*s) are not allowed: write the width in the format string', at);
      if (Number(width) > MAX_FORMAT_WIDTH) throw new CheckProblem(`format widths above ${MAX_FORMAT_WIDTH} are not allowed (${width} asked)`, at);
    }
  };

  const checkCast = (n: AstNode, here: Locator): void => {
    for (const target of (n.target as AstNode[] | undefined) ?? []) {
      const dataType = String(target.dataType ?? '').toUpperCase();
      const suffix = ((target.suffix as unknown[] | undefined) ?? []).map((s) => String(s).toUpperCase()).join(' ');
      const zone = suffix === '' || ((dataType === 'TIMESTAMP' || dataType === 'TIME') && /^WITH(OUT)? TIME ZONE$/.test(suffix));
      if (!ALLOWED_CAST_TYPES.has(dataType) || !zone) {
        const shown = [dataType, suffix].filter(Boolean).join(' ').toLowerCase();
        throw new CheckProblem(`casting to ${shown} is not allowed in the SQL sandbox`, { name: dataType.split(' ')[0].toLowerCase(), fallback: here });
      }
    }
  };

  if (ast.type !== 'select') throw refusedNode(String(ast.type), null);
  visitSelect(ast, new Set(), null);
  return uses;
}

function refusedNode(type: string, here: Locator): CheckProblem {
  const what: Record<string, string> = {
    var: 'variables and parameters are not supported: write values into the query',
    param: 'parameters are not supported: write values into the query',
    insert: 'INSERT is not allowed: the sandbox only reads',
    update: 'UPDATE is not allowed: the sandbox only reads',
    delete: 'DELETE is not allowed: the sandbox only reads',
  };
  return new CheckProblem(what[type] ?? `${type.toUpperCase()} is not supported in the SQL sandbox`, here);
}
