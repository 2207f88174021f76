/**
 * Something shown once (an API key secret, a node token, the command that carries it), with a
 * copy button and a warning that it will not be shown again. Copying falls back to selecting the
 * text where the Clipboard API is unavailable (plain http on another host).
 */
import { useRef, useState } from 'react';

export interface SecretBoxProps {
  label: string;
  value: string;
  /** Omit to show no warning (e.g. a second box about the same secret). */
  warning?: string;
  testId: string;
}

export function SecretBox({ label, value, warning, testId }: SecretBoxProps) {
  const field = useRef<HTMLTextAreaElement>(null);
  const [status, setStatus] = useState('');

  async function copy() {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(value);
      setStatus('Copied');
    } catch {
      field.current?.select();
      const copied = document.execCommand?.('copy') ?? false;
      setStatus(copied ? 'Copied' : 'Selected: press Ctrl+C (⌘C) to copy');
    }
  }

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
