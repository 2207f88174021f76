/**
 * A date-time from the hub as "12 seconds ago" in the reader's language, kept current while it is
 * shown; the exact time is in its tooltip.
 */
import { useEffect, useState } from 'react';

const RELATIVE = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
const EXACT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
  ['second', 1],
];

export function RelativeTime({ value, empty = '—' }: { value: string | null | undefined; empty?: string }) {
  const now = useNow(5_000);
  if (!value) return <span className="muted">{empty}</span>;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return <span>{value}</span>;
  return (
    <time dateTime={value} title={EXACT.format(date)}>
      {formatRelative(date.getTime() - now)}
    </time>
  );
}

/** `deltaMs` from now (negative: past) in the largest whole unit. */
export function formatRelative(deltaMs: number): string {
  const seconds = Math.round(deltaMs / 1000);
  // Clocks differ a little between hub and browser: "now" rather than "in 2 seconds".
  if (Math.abs(seconds) < 5) return RELATIVE.format(0, 'second');
  for (const [unit, size] of UNITS) {
    if (Math.abs(seconds) >= size) return RELATIVE.format(Math.trunc(seconds / size), unit);
  }
  return RELATIVE.format(0, 'second');
}

/** The current time, updated every `intervalMs` while the component is mounted. */
function useNow(intervalMs: number): number {
  const [now, setNow] = useState(Date.now);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}
