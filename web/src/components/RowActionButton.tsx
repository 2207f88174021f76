/**
 * A button that runs one action on one row of a table through the table's useRowAction: the
 * row's buttons are disabled while any of its actions runs, and this one says `busyLabel`.
 */
import type { RowAction } from './use-row-action';

export interface RowActionButtonProps {
  rowAction: RowAction;
  row: string;
  name: string;
  label: string;
  busyLabel: string;
  /** Asked with window.confirm first, when given. */
  confirm?: string;
  action(): Promise<unknown>;
  onDone?(): void;
  danger?: boolean;
  ariaLabel: string;
  testId: string;
}

export function RowActionButton({ rowAction, row, name, label, busyLabel, confirm, action, onDone, danger, ariaLabel, testId }: RowActionButtonProps) {
  const pending = rowAction.pending?.row === row;
  return (
    <button
      type="button"
      className={danger ? 'button danger small' : 'button secondary small'}
      disabled={pending}
      onClick={async () => {
        if (await rowAction.run(row, name, action, confirm)) onDone?.();
      }}
      aria-label={ariaLabel}
      data-testid={testId}
    >
      {pending && rowAction.pending?.name === name ? busyLabel : label}
    </button>
  );
}
