/**
 * The spec being edited, held two ways that stay in step: the JSON text (what the JSON view
 * edits) and the value it parses to (what the layer editor edits and the hub checks). Text that
 * does not parse keeps the last value and says why; the layer editor waits until it parses again.
 */
import { useCallback, useState } from 'react';

export interface SpecDocument {
  text: string;
  /** The parsed text; the last one that parsed while `parseError` is set */
  spec: unknown;
  parseError: string | null;
  /** Whether it changed since it was loaded or saved */
  dirty: boolean;
  setSpec(spec: unknown): void;
  setText(text: string): void;
  /** Starts over from `spec` (loaded or saved): not dirty. */
  reset(spec: unknown): void;
}

export const formatSpec = (spec: unknown) => JSON.stringify(spec, null, 2);

export function useSpecDocument(initial: () => unknown): SpecDocument {
  const [state, setState] = useState(() => {
    const spec = initial();
    return { text: formatSpec(spec), spec, parseError: null as string | null, savedText: formatSpec(spec) };
  });

  const setSpec = useCallback((spec: unknown) => setState((s) => ({ ...s, spec, text: formatSpec(spec), parseError: null })), []);
  const setText = useCallback(
    (text: string) =>
      setState((s) => {
        try {
          return { ...s, text, spec: JSON.parse(text) as unknown, parseError: null };
        } catch (error) {
          return { ...s, text, parseError: error instanceof Error ? error.message : String(error) };
        }
      }),
    [],
  );
  const reset = useCallback((spec: unknown) => setState({ text: formatSpec(spec), spec, parseError: null, savedText: formatSpec(spec) }), []);

  return {
    text: state.text,
    spec: state.spec,
    parseError: state.parseError,
    dirty: state.parseError !== null || formatSpec(state.spec) !== state.savedText,
    setSpec,
    setText,
    reset,
  };
}
