/**
 * Copying a text to the clipboard, falling back to selecting it in `field` where the Clipboard
 * API is unavailable (plain http on another host). `status` says what happened, for a
 * role="status" region beside the button.
 */
import { useCallback, useState, type RefObject } from 'react';

export function useCopy(value: string, field: RefObject<HTMLTextAreaElement | HTMLElement | null>): { copy(): Promise<void>; status: string } {
  const [status, setStatus] = useState('');
  const copy = useCallback(async () => {
    try {
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(value);
      setStatus('Copied');
    } catch {
      const element = field.current;
      if (element instanceof HTMLTextAreaElement) element.select();
      else if (element) window.getSelection()?.selectAllChildren(element);
      const copied = document.execCommand?.('copy') ?? false;
      setStatus(copied ? 'Copied' : 'Selected: press Ctrl+C (⌘C) to copy');
    }
  }, [value, field]);
  return { copy, status };
}
