/**
 * The panel that shows a just-created secret (in SecretBoxes, its children) until the user says
 * they have stored it.
 */
import type { ReactNode } from 'react';

export interface OneTimeSecretProps {
  testId: string;
  doneTestId: string;
  onDone(): void;
  children: ReactNode;
}

export function OneTimeSecret({ testId, doneTestId, onDone, children }: OneTimeSecretProps) {
  return (
    <div className="created" data-testid={testId}>
      {children}
      <button type="button" className="button secondary small" onClick={onDone} data-testid={doneTestId}>
        I have stored it
      </button>
    </div>
  );
}
