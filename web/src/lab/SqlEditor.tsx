/**
 * The Lab's SQL editor, CodeMirror 6 (https://codemirror.net/docs/ref/) as in the model editor:
 * PostgreSQL highlighting, completion of keywords and of the caller's datasets, columns and
 * models, and Ctrl/Cmd+Enter to run. A problem the hub reports is drawn as a lint diagnostic at
 * its line and column, until the text is edited. Tab moves focus on (CodeMirror's default).
 */
import { autocompletion, completionKeymap } from '@codemirror/autocomplete';
import { defaultKeymap, historyKeymap } from '@codemirror/commands';
import { keywordCompletionSource, PostgreSQL, sql } from '@codemirror/lang-sql';
import { diagnosticCount, lintGutter, setDiagnostics, type Diagnostic } from '@codemirror/lint';
import { Prec, type Text } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { useEffect, useRef } from 'react';
import { useCodeEditor } from '../components/use-code-editor';
import { labCompletionSource, withoutTypedWord } from './sql-completion';
import type { LabSchema, SqlProblem } from './types';

export interface SqlEditorProps {
  value: string;
  onChange(value: string): void;
  /** Ctrl/Cmd+Enter */
  onRun(): void;
  schema: LabSchema;
  /** The last run's problem, marked where it is */
  problem: SqlProblem | undefined;
  label: string;
  describedBy?: string;
  testId: string;
}

export function SqlEditor({ value, onChange, onRun, schema, problem, label, describedBy, testId }: SqlEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  // The editor is built once; these refs let its callbacks see the latest props.
  const latest = useRef({ onRun, schema });
  latest.current = { onRun, schema };
  const view = useCodeEditor(
    host,
    value,
    (text, update) => {
      onChange(text);
      // The hub's diagnosis was of the text it was given; an edit makes it stale.
      if (diagnosticCount(update.state) > 0) update.view.dispatch(setDiagnostics(update.state, []));
    },
    () => [
      Prec.highest(
        keymap.of([
          {
            key: 'Mod-Enter',
            run: () => {
              latest.current.onRun();
              return true;
            },
          },
        ]),
      ),
      keymap.of([...completionKeymap, ...defaultKeymap, ...historyKeymap]),
      sql({ dialect: PostgreSQL, upperCaseKeywords: true }),
      autocompletion({
        icons: true,
        override: [
          withoutTypedWord(keywordCompletionSource(PostgreSQL, true)),
          withoutTypedWord(labCompletionSource(() => latest.current.schema)),
        ],
      }),
      lintGutter(),
      EditorView.contentAttributes.of({
        'aria-label': label,
        'data-testid': testId,
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
      }),
    ],
  );

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    editor.dispatch(setDiagnostics(editor.state, problem ? [diagnosticOf(editor.state.doc, problem)] : []));
  }, [problem]);

  return <div ref={host} className={problem ? 'code-editor sql-editor invalid' : 'code-editor sql-editor'} />;
}

/** The problem at its line and column (1-based), over the word there; the first line when the hub gave no place. */
function diagnosticOf(doc: Text, problem: SqlProblem): Diagnostic {
  const lineNumber = Math.min(Math.max(problem.line ?? 1, 1), doc.lines);
  const line = doc.line(lineNumber);
  const from = problem.column !== undefined ? Math.min(line.from + Math.max(problem.column - 1, 0), line.to) : line.from;
  const rest = doc.sliceString(from, line.to);
  const word = /^[A-Za-z0-9_."'@-]+/.exec(rest)?.[0].length ?? 0;
  const to = problem.column !== undefined ? from + Math.max(word, from < line.to ? 1 : 0) : line.to;
  return { from, to, severity: 'error', message: problem.message, source: 'hub' };
}
