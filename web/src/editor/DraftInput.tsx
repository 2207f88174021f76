/**
 * A text (or number) input for a spec value that is not a string: it keeps what the user types
 * (so "3," or "0." stay on screen while typing) and hands the value it reads to `onChange` on
 * every keystroke. When the value changes from elsewhere (the JSON view, undo), the text follows.
 */
import { useState, type InputHTMLAttributes } from 'react';

export interface DraftInputProps extends Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'> {
  value: unknown;
  read(text: string): unknown;
  show(value: unknown): string;
  onChange(value: unknown): void;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function DraftInput({ value, read, show, onChange, ...input }: DraftInputProps) {
  const [text, setText] = useState(() => show(value));
  const [seen, setSeen] = useState(value);
  // Derived state, updated while rendering (https://react.dev/learn/you-might-not-need-an-effect#adjusting-some-state-when-a-prop-changes).
  if (!same(seen, value)) {
    setSeen(value);
    if (!same(read(text), value)) setText(show(value));
  }
  return (
    <input
      {...input}
      value={text}
      onChange={(event) => {
        const next = event.target.value;
        setText(next);
        const parsed = read(next);
        setSeen(parsed);
        onChange(parsed);
      }}
    />
  );
}
