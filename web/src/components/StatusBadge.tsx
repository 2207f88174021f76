/** A status (an enum value such as ONLINE or RUNNING) as a coloured badge that reads as a word. */
import { statusWord } from './format';

export function StatusBadge({ status, title, testId }: { status: string; title?: string; testId?: string }) {
  return (
    <span className={`badge status-${status.toLowerCase()}`} title={title} data-status={status} data-testid={testId}>
      {statusWord(status)}
    </span>
  );
}
