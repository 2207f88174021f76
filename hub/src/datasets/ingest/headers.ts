/**
 * Header normalisation: every column gets a name that is SQL-safe without quoting (lower snake
 * case ASCII, starting with a letter, at most 59 bytes so a `_NN` suffix still fits PostgreSQL's
 * 63), unique within the table, and not a reserved word. The original header is kept for display.
 */

/** Words that would need quoting in the SQL surface; a trailing underscore makes them plain names. */
const RESERVED = new Set([
  'all', 'and', 'any', 'array', 'as', 'asc', 'between', 'by', 'case', 'cast', 'check', 'column', 'constraint', 'create',
  'cross', 'current_date', 'current_time', 'current_timestamp', 'current_user', 'default', 'delete', 'desc', 'distinct',
  'do', 'drop', 'else', 'end', 'except', 'false', 'fetch', 'for', 'foreign', 'from', 'full', 'grant', 'group', 'having',
  'in', 'inner', 'insert', 'intersect', 'into', 'is', 'join', 'left', 'like', 'limit', 'model', 'natural', 'not', 'null',
  'offset', 'on', 'only', 'or', 'order', 'outer', 'primary', 'references', 'returning', 'right', 'row', 'select',
  'session_user', 'set', 'some', 'table', 'then', 'to', 'true', 'union', 'unique', 'update', 'user', 'using', 'values',
  'when', 'where', 'window', 'with',
]);

const MAX_BASE = 59;

/** One header → a base name (not yet unique). Empty or all-symbol headers become `column_<n>` (1-based). */
export function baseName(original: string, position: number): string {
  const ascii = original
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    // camelCase → camel_case before lowering
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
  let name = ascii.length === 0 ? `column_${position + 1}` : /^[0-9]/.test(ascii) ? `c_${ascii}` : ascii;
  name = name.slice(0, MAX_BASE).replace(/_+$/, '');
  if (RESERVED.has(name)) name = `${name}_`;
  return name;
}

/** Normalises a header row: unique names in order, each with its trimmed original. */
export function normaliseHeaders(originals: readonly string[]): { name: string; originalName: string }[] {
  const used = new Set<string>();
  return originals.map((raw, i) => {
    const originalName = raw.trim();
    const base = baseName(originalName, i);
    let name = base;
    for (let n = 2; used.has(name); n++) name = `${base}_${n}`;
    used.add(name);
    return { name, originalName };
  });
}
