/** Where a dataset's pages live in the portal. */
export function datasetPath(owner: string, name: string, suffix = ''): string {
  return `/datasets/${encodeURIComponent(owner)}/${encodeURIComponent(name)}${suffix}`;
}
