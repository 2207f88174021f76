/**
 * Calendar months in UTC, the period a budget covers: a month is named by its first day
 * ('2026-12-01', as PostgreSQL's `date` answers it), and a stretch of time is split at month
 * boundaries so each month counts exactly its own part.
 */

/** The first day of the UTC month holding `ms`, 'YYYY-MM-01'. */
export function monthOf(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${String(d.getUTCMonth() + 1).padStart(2, '0')}-01`;
}

/** Epoch ms of the start of the UTC month after the one holding `ms`. */
export function nextMonthStart(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
}

/** A month as stored ('YYYY-MM-01', or a Date PostgreSQL answered for a `date`) in the 'YYYY-MM-01' form. */
export function monthKey(value: string | Date): string {
  if (typeof value === 'string') return value.slice(0, 10);
  // node-postgres reads a `date` as local midnight: its local parts are the stored day.
  return `${value.getFullYear()}-${String(value.getMonth() + 1).padStart(2, '0')}-01`;
}

/** The milliseconds of [from, to) falling in each UTC month, in order; empty when to <= from. */
export function splitByMonth(from: number, to: number): { month: string; ms: number }[] {
  const parts: { month: string; ms: number }[] = [];
  let at = from;
  while (at < to) {
    const end = Math.min(to, nextMonthStart(at));
    parts.push({ month: monthOf(at), ms: end - at });
    at = end;
  }
  return parts;
}
