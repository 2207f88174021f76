/** The Lab's query survives a reload: the last text typed is kept in localStorage. */
const KEY = 'aimass.lab.query';

export function loadSavedQuery(): string | null {
  try {
    return localStorage.getItem(KEY);
  } catch {
    // Storage may be disabled (private mode, policy): start from an example.
    return null;
  }
}

export function saveQuery(query: string): void {
  try {
    localStorage.setItem(KEY, query);
  } catch {
    // Full or disabled storage only costs the restore on the next visit.
  }
}
