/**
 * The model editor's workspace: the spec (layers or JSON), checked by the hub as the user types,
 * its summary, and saving it. Starts from a saved architecture, or from a small starter spec.
 */
import { useEffect, useMemo } from 'react';
import { placeProblems } from './place-problems';
import { SaveArchitecture } from './SaveArchitecture';
import { starterSpec, tidySpec } from './spec-edits';
import { SpecEditor } from './SpecEditor';
import { SpecSummary } from './SpecSummary';
import type { Architecture } from './types';
import { useSpecDocument } from './use-spec-document';
import { useSpecValidation } from './use-spec-validation';

export interface ModelEditorProps {
  architecture: Architecture | undefined;
  canWrite: boolean;
  onSaved(architecture: Architecture, created: boolean): void;
  onDeleted(): void;
}

export function ModelEditor({ architecture, canWrite, onSaved, onDeleted }: ModelEditorProps) {
  const document = useSpecDocument(() => (architecture ? tidySpec(architecture.spec) : starterSpec()));
  const spec = document.parseError ? undefined : document.spec;
  const check = useSpecValidation(spec);
  const problems = useMemo(() => placeProblems(check.result?.errors ?? []), [check.result]);
  useLeaveWarning(document.dirty);

  return (
    <div className="editor-grid">
      <SpecEditor document={document} problems={problems} errors={check.result?.errors ?? []} summaries={check.result?.layers ?? []} />
      <div className="editor-side">
        <SpecSummary result={check.result} problems={problems} checking={check.checking} error={check.error} parseError={document.parseError} />
        <SaveArchitecture
          architecture={architecture}
          canWrite={canWrite}
          spec={spec}
          valid={check.checking ? undefined : check.result?.valid}
          dirty={document.dirty}
          onSaved={(saved, created) => {
            document.reset(tidySpec(saved.spec));
            onSaved(saved, created);
          }}
          onDeleted={onDeleted}
        />
      </div>
    </div>
  );
}

/** Asks before the tab is closed or reloaded with unsaved changes. */
function useLeaveWarning(dirty: boolean): void {
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    window.addEventListener('beforeunload', warn);
    return () => window.removeEventListener('beforeunload', warn);
  }, [dirty]);
}
