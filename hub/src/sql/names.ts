/**
 * How queries name datasets and models. Owners are handles (letters, digits, single hyphens) and
 * names are slugs (letters, digits, ".", "_", "-"), so three spellings are accepted:
 *
 *   alice.weather                 plain names (a hyphen works too: my-org.weather)
 *   "my-org"."weather.2024"       PostgreSQL quoting, for names with "." or other characters
 *   `my-org.weather.2024`         BigQuery quoting: the owner ends at the first "."
 *
 * each optionally followed by `@version`, directly (no spaces): a number for datasets and models
 * (`alice.weather@3`), or an alias for models (`alice.churn@production`). In BigQuery quoting the
 * version goes inside: `alice.weather@3`. Names are matched case-insensitively.
 */
import { isPunct, type Token } from './lexer.js';

export type VersionSpec = { number: number } | { alias: string };

export interface NameRef {
  owner: string;
  name: string;
  version: VersionSpec | null;
  /** Source offsets of the whole reference. */
  start: number;
  end: number;
}

const OWNER = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;
const ALIAS = /^[a-z][a-z0-9_-]{0,49}$/;

export function isOwner(value: string): boolean {
  return OWNER.test(value);
}

export function isName(value: string): boolean {
  return NAME.test(value);
}

/** `owner.name` as shown back in messages. */
export function showRef(ref: Pick<NameRef, 'owner' | 'name' | 'version'>): string {
  const version = ref.version === null ? '' : `@${'number' in ref.version ? ref.version.number : ref.version.alias}`;
  return `${ref.owner}.${ref.name}${version}`;
}

/** Parses a version written after "@": a positive integer, or an alias. */
export function parseVersion(text: string): VersionSpec | null {
  if (/^[1-9]\d{0,8}$/.test(text)) return { number: Number(text) };
  if (ALIAS.test(text)) return { alias: text };
  return null;
}

/**
 * One name part at `tokens[i]`: an unquoted word (with hyphens glued on: my-org), or a quoted
 * name. Returns the value and the index after it, or null.
 */
function readPart(tokens: Token[], i: number): { value: string; next: number } | null {
  const first = tokens[i];
  if (!first) return null;
  if (first.kind === 'quoted') return { value: first.value, next: i + 1 };
  if (first.kind !== 'ident' && first.kind !== 'number') return null;
  let value = first.value;
  let next = i + 1;
  // my-org: "my", "-", "org" with nothing between them.
  while (tokens[next]?.kind === 'op' && tokens[next].value === '-' && tokens[next].start === tokens[next - 1].end) {
    const after = tokens[next + 1];
    if (!after || after.start !== tokens[next].end || (after.kind !== 'ident' && after.kind !== 'number')) break;
    value += `-${after.value}`;
    next += 2;
  }
  if (first.kind === 'number' && next === i + 1) return null;
  return { value, next };
}

export type RefProblem = { at: number; problem: string };

/**
 * Reads `owner.name[@version]` at `tokens[i]`. Answers null when the tokens there do not look
 * like a two-part name at all, a problem when they look like one but are not valid.
 */
export function readNameRef(
  tokens: Token[],
  i: number,
  options: { versionedOnly?: boolean } = {},
): { ref: NameRef; next: number } | RefProblem | null {
  const first = tokens[i];
  if (!first) return null;
  if (first.kind === 'backtick') {
    const match = /^([^.@]*)\.([^@]*)(?:@(.*))?$/.exec(first.value);
    if (!match) return { at: first.start, problem: `\`${first.value}\` is not a name like \`owner.name\` or \`owner.name@3\`` };
    const [, owner, name, versionText] = match;
    const version = versionText === undefined ? null : parseVersion(versionText);
    if (versionText !== undefined && !version) return { at: first.start, problem: `"${versionText}" is not a version number or alias` };
    const problem = checkParts(owner, name);
    if (problem) return { at: first.start, problem };
    return { ref: { owner, name, version, start: first.start, end: first.end }, next: i + 1 };
  }
  const owner = readPart(tokens, i);
  if (!owner || !isPunct(tokens[owner.next], '.')) return null;
  const name = readPart(tokens, owner.next + 1);
  if (!name) return null;
  let next = name.next;
  let end = tokens[next - 1].end;
  let version: VersionSpec | null = null;
  const at = tokens[next];
  if (at?.kind === 'op' && at.value === '@' && at.start === end) {
    const v = tokens[next + 1];
    version = v && v.start === at.end && (v.kind === 'number' || v.kind === 'ident') ? parseVersion(v.value) : null;
    if (!version) return { at: at.start, problem: 'expected a version number or alias right after "@" (like @3 or @production)' };
    next += 2;
    end = v.end;
  }
  // Inside a SELECT, node-sql-parser reads plain `owner.name` itself; only `owner.name@3` needs us.
  if (options.versionedOnly && version === null) return null;
  const problem = checkParts(owner.value, name.value);
  if (problem) return { at: first.start, problem };
  return { ref: { owner: owner.value, name: name.value, version, start: first.start, end }, next };
}

function checkParts(owner: string, name: string): string | null {
  if (!isOwner(owner)) return `"${owner}" is not a valid owner handle (letters, digits and single hyphens)`;
  if (!isName(name)) return `"${name}" is not a valid name (letters, digits, ".", "_" or "-")`;
  return null;
}

export function isRefProblem(value: unknown): value is RefProblem {
  return typeof value === 'object' && value !== null && 'problem' in value;
}
