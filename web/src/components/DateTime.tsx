/**
 * A date-time from the hub (ISO), shown in the reader's locale, or a word when there is none.
 * `seconds` for events seconds apart (a job's start and end).
 */
const FORMAT = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
const FORMAT_SECONDS = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function DateTime({ value, empty = '—', seconds = false }: { value: string | null | undefined; empty?: string; seconds?: boolean }) {
  if (!value) return <span className="muted">{empty}</span>;
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return <span>{value}</span>;
  return (
    <time dateTime={value} title={date.toISOString()}>
      {(seconds ? FORMAT_SECONDS : FORMAT).format(date)}
    </time>
  );
}
