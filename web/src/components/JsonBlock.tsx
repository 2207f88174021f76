/** A JSON value, pretty-printed; `empty` when there is none. */
export function JsonBlock({ value, empty = 'none', testId }: { value: unknown; empty?: string; testId?: string }) {
  if (value === null || value === undefined) return <p className="muted" data-testid={testId}>{empty}</p>;
  return (
    <pre className="json" data-testid={testId}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}
