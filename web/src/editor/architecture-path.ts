/** Where a saved architecture opens in the portal's model editor. */
export function architecturePath(owner: string, name: string): string {
  return `/editor/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
}
