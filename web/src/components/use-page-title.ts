import { useEffect } from 'react';

/** Sets the document title to "<title> · AI Mass" while the page is shown. */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = title ? `${title} · AI Mass` : 'AI Mass';
  }, [title]);
}
