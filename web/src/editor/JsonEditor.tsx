/**
 * The spec as JSON text in CodeMirror 6 (https://codemirror.net/docs/ref/): line numbers, JSON
 * highlighting, bracket matching, undo, and syntax errors marked where they are. Tab moves focus
 * on (CodeMirror's default), so keyboard users are not trapped. The text is the caller's: every
 * edit goes to `onChange`, and a new `value` from outside replaces the document.
 */
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { json, jsonParseLinter } from '@codemirror/lang-json';
import { bracketMatching, defaultHighlightStyle, foldGutter, foldKeymap, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { linter, lintGutter } from '@codemirror/lint';
import { Compartment, EditorState } from '@codemirror/state';
import { drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, keymap, lineNumbers } from '@codemirror/view';
import { useEffect, useRef } from 'react';

export interface JsonEditorProps {
  value: string;
  onChange(value: string): void;
  /** The accessible name of the editing area */
  label: string;
  /** Ids of elements that describe it (an error message) */
  describedBy?: string;
  invalid?: boolean;
  testId: string;
}

export function JsonEditor({ value, onChange, label, describedBy, invalid, testId }: JsonEditorProps) {
  const host = useRef<HTMLDivElement>(null);
  const view = useRef<EditorView | null>(null);
  const handler = useRef(onChange);
  const attributes = useRef(new Compartment());
  const attributeValues = contentAttributes(label, testId, describedBy, invalid);
  useEffect(() => {
    handler.current = onChange;
  }, [onChange]);

  useEffect(() => {
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          foldGutter(),
          history(),
          drawSelection(),
          indentOnInput(),
          bracketMatching(),
          highlightActiveLine(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          keymap.of([...defaultKeymap, ...historyKeymap, ...foldKeymap]),
          json(),
          linter(jsonParseLinter(), { delay: 300 }),
          lintGutter(),
          EditorView.lineWrapping,
          attributes.current.of(EditorView.contentAttributes.of(attributeValues)),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) handler.current(update.state.doc.toString());
          }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
    // Created once; later values and attributes arrive through the effects below.
  }, []);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const current = editor.state.doc.toString();
    if (current !== value) editor.dispatch({ changes: { from: 0, to: current.length, insert: value } });
  }, [value]);

  // The accessible name, description and state go on the editable element itself.
  const attributesKey = JSON.stringify(attributeValues);
  useEffect(() => {
    view.current?.dispatch({ effects: attributes.current.reconfigure(EditorView.contentAttributes.of(JSON.parse(attributesKey) as Record<string, string>)) });
  }, [attributesKey]);

  return <div ref={host} className={invalid ? 'code-editor invalid' : 'code-editor'} />;
}

function contentAttributes(label: string, testId: string, describedBy: string | undefined, invalid: boolean | undefined): Record<string, string> {
  return {
    'aria-label': label,
    'data-testid': testId,
    ...(describedBy ? { 'aria-describedby': describedBy } : {}),
    ...(invalid ? { 'aria-invalid': 'true' } : {}),
  };
}
