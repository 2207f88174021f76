/**
 * OPTIONS(…) as written: `( name = value, … )` read from tokens into {@link WrittenOption}s (strings,
 * numbers, booleans, arrays, STRUCT(…), HPARAM_RANGE / HPARAM_CANDIDATES), and the checks every
 * option shares (a kind, a whole number in range, one of a list with "did you mean"). Which
 * options exist and what they mean is model-options.ts.
 */
import { isPunct, isWord, type Token } from './lexer.js';
import { sqlError } from './sql-error.js';
import type { SourceText } from './source-text.js';

/** Makes the error for a problem at an offset of the query. */
export type Problem = (at: number, message: string) => Error;

/** An option's value as written. `start` is its offset in the query. */
export type OptionValue = { start: number } & (
  | { kind: 'string'; value: string }
  | { kind: 'number'; value: number; integer: boolean }
  | { kind: 'bool'; value: boolean }
  | { kind: 'array'; items: OptionValue[] }
  | { kind: 'range'; min: OptionValue; max: OptionValue }
  | { kind: 'candidates'; items: OptionValue[] }
  | { kind: 'struct'; fields: OptionValue[] }
);

export interface WrittenOption {
  name: string;
  nameStart: number;
  value: OptionValue;
}

const KIND_NAMES: Record<OptionValue['kind'], string> = {
  string: 'a string',
  number: 'a number',
  bool: 'TRUE or FALSE',
  array: 'an array',
  range: 'HPARAM_RANGE(…)',
  candidates: 'HPARAM_CANDIDATES(…)',
  struct: 'a STRUCT(…)',
};

/**
 * Reads `( name = value, … )` starting at the "(" at `tokens[i]`; returns the options and the
 * index after ")".
 */
export function readOptions(source: SourceText, tokens: Token[], i: number): { options: WrittenOption[]; next: number } {
  const fail = (at: number, problem: string) => sqlError(source, at, problem);
  const endOffset = (k: number) => tokens[k]?.start ?? tokens.at(-1)?.end ?? 0;
  if (!isPunct(tokens[i], '(')) throw fail(endOffset(i), 'expected "(" after OPTIONS');
  let k = i + 1;
  const options: WrittenOption[] = [];
  if (isPunct(tokens[k], ')')) throw fail(tokens[k].start, 'OPTIONS() is empty: it must set at least model_type');
  for (;;) {
    const nameToken = tokens[k];
    if (!nameToken || nameToken.kind !== 'ident') throw fail(endOffset(k), 'expected an option name like model_type');
    if (!isPunct(tokens[k + 1], '=') && !(tokens[k + 1]?.kind === 'op' && tokens[k + 1].value === '=')) {
      throw fail(endOffset(k + 1), `expected "=" after ${nameToken.value}`);
    }
    const { value, next } = readValue(source, tokens, k + 2);
    options.push({ name: nameToken.value, nameStart: nameToken.start, value });
    k = next;
    if (isPunct(tokens[k], ',')) {
      k++;
      continue;
    }
    if (isPunct(tokens[k], ')')) return { options, next: k + 1 };
    throw fail(endOffset(k), 'expected "," or ")" in OPTIONS');
  }
}

function readValue(source: SourceText, tokens: Token[], k: number): { value: OptionValue; next: number } {
  const fail = (at: number, problem: string) => sqlError(source, at, problem);
  const t = tokens[k];
  if (!t) throw fail(tokens.at(-1)?.end ?? 0, 'expected a value');
  if (t.kind === 'string') return { value: { kind: 'string', value: t.value, start: t.start }, next: k + 1 };
  if (t.kind === 'quoted') throw fail(t.start, `"${t.value}" is a quoted name: write strings in single quotes ('${t.value}')`);
  const sign = t.kind === 'op' && (t.value === '-' || t.value === '+') ? t : null;
  const numberToken = sign ? tokens[k + 1] : t;
  if (numberToken?.kind === 'number') {
    const value = Number(numberToken.value) * (sign?.value === '-' ? -1 : 1);
    if (!Number.isFinite(value)) throw fail(t.start, 'this number is too large');
    return { value: { kind: 'number', value, integer: /^\d+$/.test(numberToken.value), start: t.start }, next: k + (sign ? 2 : 1) };
  }
  if (sign) throw fail(t.start, 'expected a number after the sign');
  if (isWord(t, 'true', 'false')) return { value: { kind: 'bool', value: t.value === 'true', start: t.start }, next: k + 1 };
  if (isPunct(t, '[')) {
    const items: OptionValue[] = [];
    let j = k + 1;
    if (isPunct(tokens[j], ']')) return { value: { kind: 'array', items, start: t.start }, next: j + 1 };
    for (;;) {
      const item = readValue(source, tokens, j);
      items.push(item.value);
      j = item.next;
      if (isPunct(tokens[j], ',')) j++;
      else if (isPunct(tokens[j], ']')) return { value: { kind: 'array', items, start: t.start }, next: j + 1 };
      else throw fail(tokens[j]?.start ?? t.start, 'expected "," or "]" in the array');
    }
  }
  if (isWord(t, 'hparam_range', 'hparam_candidates', 'struct')) {
    if (!isPunct(tokens[k + 1], '(')) throw fail(tokens[k + 1]?.start ?? t.end, `expected "(" after ${t.value.toUpperCase()}`);
    const args: OptionValue[] = [];
    let j = k + 2;
    if (!isPunct(tokens[j], ')')) {
      for (;;) {
        const arg = readValue(source, tokens, j);
        args.push(arg.value);
        j = arg.next;
        if (isPunct(tokens[j], ',')) j++;
        else if (isPunct(tokens[j], ')')) break;
        else throw fail(tokens[j]?.start ?? t.start, `expected "," or ")" in ${t.value.toUpperCase()}(…)`);
      }
    }
    const next = j + 1;
    if (t.value === 'struct') return { value: { kind: 'struct', fields: args, start: t.start }, next };
    if (t.value === 'hparam_range') {
      if (args.length !== 2 || args.some((a) => a.kind !== 'number')) throw fail(t.start, 'HPARAM_RANGE takes two numbers: HPARAM_RANGE(min, max)');
      if ((args[0] as { value: number }).value >= (args[1] as { value: number }).value) throw fail(t.start, 'HPARAM_RANGE(min, max) needs min < max');
      return { value: { kind: 'range', min: args[0], max: args[1], start: t.start }, next };
    }
    if (args.length !== 1 || args[0].kind !== 'array' || args[0].items.length === 0) {
      throw fail(t.start, 'HPARAM_CANDIDATES takes one non-empty array: HPARAM_CANDIDATES([a, b, …])');
    }
    return { value: { kind: 'candidates', items: args[0].items, start: t.start }, next };
  }
  throw fail(t.start, `expected a value (a 'string', a number, TRUE/FALSE, [an, array], HPARAM_RANGE or HPARAM_CANDIDATES), not ${JSON.stringify(source.text.slice(t.start, t.end))}`);
}

export function wrongKind(v: OptionValue, name: string, expected: string, fail: Problem): Error {
  return fail(v.start, `${name} must be ${expected}, not ${KIND_NAMES[v.kind]}`);
}

export function enumValue(option: WrittenOption, values: readonly string[], fail: Problem, name: string): string {
  const v = option.value;
  if (v.kind === 'range' || v.kind === 'candidates') throw fail(v.start, `${name} cannot be tuned: give one value`);
  return enumOf(v, name, values, fail);
}

/** BigQuery writes these in upper case ('ADAM', 'RANDOM'): compared case-insensitively. */
export function enumOf<T extends string>(v: OptionValue, name: string, values: readonly T[], fail: Problem): T {
  if (v.kind !== 'string') throw wrongKind(v, name, `one of ${values.map((x) => `'${x}'`).join(', ')}`, fail);
  const lower = v.value.toLowerCase() as T;
  if (!values.includes(lower)) {
    const guess = closest(lower, values);
    throw fail(v.start, `unknown ${name} '${v.value}': use ${values.map((x) => `'${x}'`).join(', ')}${guess ? ` (did you mean '${guess}'?)` : ''}`);
  }
  return lower;
}

export function integer(option: WrittenOption, fail: Problem, min: number, max: number): number {
  const v = option.value;
  if (v.kind !== 'number' || !v.integer) throw wrongKind(v, option.name, 'a whole number', fail);
  if (v.value < min || v.value > max) throw fail(v.start, `${option.name} must be between ${min} and ${max}`);
  return v.value;
}

export function bool(option: WrittenOption, fail: Problem): boolean {
  if (option.value.kind !== 'bool') throw wrongKind(option.value, option.name, 'TRUE or FALSE', fail);
  return option.value.value;
}

/** The candidate within edit distance 2 (or sharing a long prefix), for "did you mean". */
export function closest(word: string, candidates: readonly string[]): string | null {
  let best: string | null = null;
  let bestDistance = 3;
  for (const candidate of candidates) {
    const d = distance(word, candidate);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best) return best;
  return candidates.find((c) => c.length >= 5 && (word.startsWith(c.slice(0, 5)) || c.startsWith(word.slice(0, 5)))) ?? null;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length];
}
