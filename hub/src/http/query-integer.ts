/** A whole-number query parameter (`?offset=20`), or `fallback` when absent; BAD_USER_INPUT naming the field otherwise. */
import { badInput } from '../errors.js';

export function queryInteger(value: unknown, field: string, fallback: number): number {
  if (value === undefined) return fallback;
  const text = String(value);
  if (!/^\d{1,12}$/.test(text)) throw badInput(field, 'must be a whole number');
  return Number(text);
}
