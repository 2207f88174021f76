/** Where a benchmark's page lives in the portal. */
export function benchmarkPath(owner: string, name: string): string {
  return `/leaderboards/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
}
