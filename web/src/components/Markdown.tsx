/**
 * Markdown written by users (a dataset's description), rendered as React elements by
 * react-markdown: raw HTML in the text is not rendered (skipHtml drops it rather than showing it
 * as text), and link and image URLs pass react-markdown's default filter, which drops
 * `javascript:` and other unsafe protocols. Nothing goes through innerHTML.
 */
import ReactMarkdown from 'react-markdown';

export function Markdown({ text, empty = 'No description.', testId }: { text: string; empty?: string; testId?: string }) {
  if (!text.trim()) return <p className="muted" data-testid={testId}>{empty}</p>;
  return (
    <div className="markdown" data-testid={testId}>
      <ReactMarkdown skipHtml components={{ a: ({ node: _node, ...props }) => <a {...props} rel="noopener noreferrer nofollow" /> }}>
        {text}
      </ReactMarkdown>
    </div>
  );
}
