/**
 * Tags (of a dataset or a model) as a list of small labels; a dash when there are none. With
 * `linkTo`, each tag links there (e.g. the catalog filtered by that tag).
 */
import { Link } from 'react-router';

export function Tags({ tags, linkTo, testId }: { tags: readonly string[]; linkTo?(tag: string): string; testId?: string }) {
  if (tags.length === 0) return <span className="muted">—</span>;
  return (
    <ul className="tags" data-testid={testId}>
      {tags.map((tag) => (
        <li key={tag}>{linkTo ? <Link to={linkTo(tag)} className="tag-link"><code>{tag}</code></Link> : <code>{tag}</code>}</li>
      ))}
    </ul>
  );
}
