/**
 * The spec as JSON text in CodeMirror 6 (components/use-code-editor.ts): JSON highlighting,
 * folding, and syntax errors marked where they are. The text is the caller's: every edit goes to
 * `onChange`, and a new `value` from outside replaces the document.
 */
import { defaultKeymap, historyKeymap } from '@codemirror/commands';
import { json, jsonParseLinter } from '@codemirror/lang-json';
import { foldGutter, foldKeymap } from '@codemirror/language';
import { linter, lintGutter } from '@codemirror/lint';
import { Compartment } from '@codemirror/state';
import { EditorView, keymap } from '@codemirror/view';
import { useEffect, useRef } from 'react';
import { useCodeEditor } from '../components/use-code-editor';

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
  const attributes = useRef(new Compartment());
  const attributeValues = contentAttributes(label, testId, describedBy, invalid);
  const view = useCodeEditor(host, value, onChange, () => [
    foldGutter(),
    keymap.of([...defaultKeymap, ...historyKeymap, ...foldKeymap]),
    json(),
    linter(jsonParseLinter(), { delay: 300 }),
    lintGutter(),
    attributes.current.of(EditorView.contentAttributes.of(attributeValues)),
  ]);

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
