/**
 * Markdown written by users (descriptions, model cards), rendered as React elements by
 * react-markdown: raw HTML in the text is not rendered (skipHtml drops it rather than showing it
 * as text), and link and image URLs pass react-markdown's default filter, which drops
 * `javascript:` and other unsafe protocols. Nothing goes through innerHTML. GitHub's extensions
 * (tables, task lists, strikethrough, autolinks) are on: model cards put their metrics in tables.
 */
import ReactMarkdown from 'react-markdown';
import remarkGfm from 'remark-gfm';

export function Markdown({ text, empty = 'No description.', testId }: { text: string; empty?: string; testId?: string }) {
  if (!text.trim()) return <p className="muted" data-testid={testId}>{empty}</p>;
  return (
    <div className="markdown" data-testid={testId}>
      <ReactMarkdown skipHtml remarkPlugins={[remarkGfm]} components={{ a: ({ node: _node, ...props }) => <a {...props} rel="noopener noreferrer nofollow" /> }}>
        {text}
      </ReactMarkdown>
    </div>
  );
}
