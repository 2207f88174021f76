/**
 * Spec values as the layer editor's text inputs show them, and back. Reading back never refuses:
 * what is not a number stays text, so the spec carries what the user typed and the hub says
 * what is wrong with it, at that field.
 */

/** `undefined` for an empty input (the field is left out), a number when it reads as one, else the text. */
export function readNumber(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : trimmed;
}

export function showNumber(value: unknown): string {
  return value === undefined || value === null ? '' : typeof value === 'string' ? value : JSON.stringify(value);
}

/** Words for a dimension of free size. */
const FREE = new Set(['?', 'null', 'none', '*']);

/** "28, 28, 1" → [28, 28, 1]; "?, 8" → [null, 8] (any length); a trailing comma is ignored while typing. */
export function readList(text: string, allowFree: boolean): unknown {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const parts = trimmed.replace(/^\[|\]$/g, '').split(',').map((part) => part.trim());
  if (parts.length > 1 && parts[parts.length - 1] === '') parts.pop();
  return parts.map((part) => (allowFree && FREE.has(part.toLowerCase()) ? null : readNumber(part) ?? part));
}

/** [28, 28, 1] → "28, 28, 1"; null → "?". Anything else is shown as JSON. */
export function showList(value: unknown): string {
  if (value === undefined) return '';
  if (!Array.isArray(value)) return typeof value === 'string' ? value : JSON.stringify(value);
  return value.map((item) => (item === null ? '?' : typeof item === 'string' ? item : JSON.stringify(item))).join(', ');
}

/** "3" → 3; "3, 5" → [3, 5]: a size or a (height, width) pair. */
export function readSizeOrPair(text: string): unknown {
  const list = readList(text, false);
  return Array.isArray(list) && list.length === 1 ? list[0] : list;
}

/** "a, b" → ["a", "b"]: names of inputs or layers. */
export function readNames(text: string): string[] {
  return text
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
}

export function showNames(value: unknown): string {
  return Array.isArray(value) ? value.map((name) => (typeof name === 'string' ? name : JSON.stringify(name))).join(', ') : showNumber(value);
}

/** [null, 28, 28, 1] → "[null, 28, 28, 1]": a shape as the summary shows it (TF.js's way, batch first). */
export function formatShape(shape: readonly (number | null)[] | null): string {
  return shape ? `[${shape.map((d) => (d === null ? 'null' : String(d))).join(', ')}]` : '?';
}
