/** A dataset's tags as a list of small labels; a dash when there are none. */
export function Tags({ tags, testId }: { tags: readonly string[]; testId?: string }) {
  if (tags.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="tags" data-testid={testId}>
      {tags.map((tag) => (
        <li key={tag}>
          <code>{tag}</code>
        </li>
      ))}
    </ul>
  );
}
