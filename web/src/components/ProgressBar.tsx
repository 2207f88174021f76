/** Progress from 0 to 1 as a bar, with an optional message beside it. */
export function ProgressBar({ value, message, testId }: { value: number; message?: string | null; testId?: string }) {
  const percent = Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div className="progress" data-testid={testId}>
      <div
        className="progress-track"
        role="progressbar"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        aria-valuetext={message ? `${percent}%: ${message}` : `${percent}%`}
      >
        <div className="progress-fill" style={{ width: `${percent}%` }} />
      </div>
      <span className="progress-label">
        {percent}%{message ? <span className="muted"> · {message}</span> : null}
      </span>
    </div>
  );
}
