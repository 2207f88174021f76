/**
 * Something shown once (an API key secret, a node token, the command that carries it), with a
 * copy button (see useCopy) and a warning that it will not be shown again.
 */
import { useRef } from 'react';
import { useCopy } from './use-copy';

export interface SecretBoxProps {
  label: string;
  value: string;
  /** Omit to show no warning (e.g. a second box about the same secret). */
  warning?: string;
  testId: string;
}

export function SecretBox({ label, value, warning, testId }: SecretBoxProps) {
  const field = useRef<HTMLTextAreaElement>(null);
  const { copy, status } = useCopy(value, field);

  return (
    <div className="secret-box">
      <label className="secret-label" htmlFor={`${testId}-value`}>
        {label}
      </label>
      <div className="secret-row">
        <textarea
          id={`${testId}-value`}
          ref={field}
          className="secret-value"
          readOnly
          rows={Math.min(4, Math.max(1, Math.ceil(value.length / 64)))}
          spellCheck={false}
          value={value}
          onFocus={(event) => event.currentTarget.select()}
          data-testid={testId}
        />
        <button type="button" className="button secondary" onClick={copy} data-testid={`${testId}-copy`}>
          Copy
        </button>
      </div>
      <p className="secret-status" role="status">
        {status}
      </p>
      {warning && <p className="warning">{warning}</p>}
    </div>
  );
}
