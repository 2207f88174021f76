/**
 * A CREATE MODEL statement taken apart as text, for training it again (docs/retraining.md): its
 * options (` OPTIONS (…) AS `), its SELECT, and the datasets the SELECT names, each
 * pinned (`@n` written) or not. `pinnedSelect` writes the SELECT with every unpinned dataset
 * pinned to a given version, so the same query can be read again later on the same rows.
 */
import { SqlError } from './sql-error.js';
import { parseStatement } from './statement-parser.js';

export interface NamedDataset {
  owner: string;
  name: string;
  /** The version written after "@", or null: the statement reads the latest. */
  pinned: number | null;
}

export interface CreateModelParts {
  /** ` OPTIONS (…) AS ` as written (from the model's name to the SELECT). */
  options: string;
  /** The SELECT as written. */
  select: string;
  datasets: NamedDataset[];
}

/** Throws a {@link SqlError} when `statement` is not a CREATE MODEL. */
export function createModelParts(statement: string): CreateModelParts {
  const { statement: parsed, source } = parseStatement(statement);
  if (parsed.kind !== 'CREATE_MODEL') throw new SqlError('BAD_USER_INPUT', 'expected a CREATE MODEL statement', source.position(0));
  const datasets = new Map<string, NamedDataset>();
  for (const read of parsed.query.datasets) {
    const pinned = read.version && 'number' in read.version ? read.version.number : null;
    datasets.set(`${read.owner.toLowerCase()}/${read.name.toLowerCase()}@${pinned ?? ''}`, { owner: read.owner, name: read.name, pinned });
  }
  return {
    options: statement.slice(parsed.model.end ?? parsed.model.offset, parsed.query.start),
    select: statement.slice(parsed.query.start, parsed.query.end),
    datasets: [...datasets.values()],
  };
}

/**
 * The statement's SELECT with every dataset named without a version pinned to `versionOf(owner,
 * name)` (names written with `@n` stay as written). Null when a name's place in the text is not
 * known, or `versionOf` has no version for it.
 */
export function pinnedSelect(statement: string, versionOf: (owner: string, name: string) => number | null): string | null {
  const { statement: parsed } = parseStatement(statement);
  if (parsed.kind !== 'CREATE_MODEL') return null;
  const edits: { at: number; text: string }[] = [];
  for (const read of parsed.query.datasets) {
    if (read.version) continue;
    if (read.offset === null || read.end === null) return null;
    const version = versionOf(read.owner, read.name);
    if (version === null) return null;
    // `owner.name` (BigQuery quoting) takes the version inside the backticks.
    const at = statement[read.end - 1] === '`' ? read.end - 1 : read.end;
    edits.push({ at, text: `@${version}` });
  }
  let text = statement.slice(0, parsed.query.end);
  for (const edit of edits.sort((a, b) => b.at - a.at)) text = text.slice(0, edit.at) + edit.text + text.slice(edit.at);
  const shift = edits.filter((e) => e.at < parsed.query.start).reduce((n, e) => n + e.text.length, 0);
  return text.slice(parsed.query.start + shift);
}
