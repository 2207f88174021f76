/** A few lines of code to paste somewhere (a shell, a script), with a copy button (see useCopy). */
import { useRef } from 'react';
import { useCopy } from './use-copy';

export function CodeSnippet({ label, code, testId }: { label: string; code: string; testId: string }) {
  const block = useRef<HTMLElement>(null);
  const { copy, status } = useCopy(code, block);
  return (
    <figure className="code-snippet">
      <figcaption>
        <span>{label}</span>
        <button type="button" className="button secondary small" onClick={copy} data-testid={`${testId}-copy`}>
          Copy
        </button>
        <span className="muted small" role="status">
          {status}
        </span>
      </figcaption>
      <pre className="json">
        <code ref={block} data-testid={testId}>
          {code}
        </code>
      </pre>
    </figure>
  );
}
