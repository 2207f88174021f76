/**
 * A CodeMirror 6 editor (https://codemirror.net/docs/ref/) owned by a React component: built
 * once in `host` with the editing basics every code box here shares (line numbers, undo,
 * bracket matching, highlighting, wrapping) plus the caller's `extensions`; every edit goes to
 * the latest `onChange`; a new `value` from outside replaces the document. Tab moves focus on
 * (CodeMirror's default), so keyboard users are not trapped. Returns the view, for effects that
 * dispatch to it (diagnostics, reconfiguration).
 */
import { history } from '@codemirror/commands';
import { bracketMatching, defaultHighlightStyle, indentOnInput, syntaxHighlighting } from '@codemirror/language';
import { EditorState, type Extension } from '@codemirror/state';
import { drawSelection, EditorView, highlightActiveLine, highlightActiveLineGutter, lineNumbers, type ViewUpdate } from '@codemirror/view';
import { useEffect, useRef, type RefObject } from 'react';

/** The style nonce of this page load (`<meta name="csp-nonce">`, written by the hub); empty in the Vite dev server. */
function cspNonce(): string {
  return document.querySelector<HTMLMetaElement>('meta[name="csp-nonce"]')?.content ?? '';
}

export function useCodeEditor(
  host: RefObject<HTMLDivElement | null>,
  value: string,
  onChange: (value: string, update: ViewUpdate) => void,
  /** Called once, when the editor is built. */
  extensions: () => Extension[],
): RefObject<EditorView | null> {
  const view = useRef<EditorView | null>(null);
  const changed = useRef(onChange);
  changed.current = onChange;

  useEffect(() => {
    const editor = new EditorView({
      parent: host.current!,
      state: EditorState.create({
        doc: value,
        extensions: [
          lineNumbers(),
          highlightActiveLineGutter(),
          history(),
          drawSelection(),
          indentOnInput(),
          bracketMatching(),
          highlightActiveLine(),
          syntaxHighlighting(defaultHighlightStyle, { fallback: true }),
          EditorView.lineWrapping,
          // CodeMirror mounts its styles in a <style> element; the hub's Content-Security-Policy
          // admits it by the nonce the hub writes into index.html for this page load.
          EditorView.cspNonce.of(cspNonce()),
          ...extensions(),
          EditorView.updateListener.of((update) => {
            if (update.docChanged) changed.current(update.state.doc.toString(), update);
          }),
        ],
      }),
    });
    view.current = editor;
    return () => {
      editor.destroy();
      view.current = null;
    };
    // Built once; later values arrive through the effect below, callbacks through refs.
  }, []);

  useEffect(() => {
    const editor = view.current;
    if (!editor) return;
    const current = editor.state.doc.toString();
    if (current !== value) editor.dispatch({ changes: { from: 0, to: current.length, insert: value } });
  }, [value]);

  return view;
}
