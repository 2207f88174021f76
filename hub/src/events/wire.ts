/**
 * How a value travels between hubs: JSON, with every Date kept a Date. A Date is written as the
 * one-key object `{"\u0000date": "<ISO time>"}` and turned back into a Date when read. The key
 * starts with NUL, which no PostgreSQL text or jsonb value can hold, so no stored JSON (a job's
 * payload or result, epoch metrics) can be mistaken for a tagged Date. Values JSON has no room
 * for are written as JSON writes them (`undefined` fields left out, NaN as null).
 */
const DATE_TAG = '\u0000date';

export function encode(value: unknown): string {
  return JSON.stringify(value, function (this: Record<string, unknown>, key: string, written: unknown) {
    // `written` is what toJSON made of a Date already; the holder still has the Date itself.
    const raw = this[key];
    if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? null : { [DATE_TAG]: raw.toISOString() };
    return written;
  });
}

export function decode(text: string): unknown {
  return JSON.parse(text, (_key, value: unknown) => {
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const tagged = (value as Record<string, unknown>)[DATE_TAG];
      if (typeof tagged === 'string' && Object.keys(value).length === 1) return new Date(tagged);
    }
    return value;
  });
}
