/** Where a deployment's page is: /deployments/{owner}/{name}. */
export function deploymentPath(owner: string, name: string): string {
  return `/deployments/${encodeURIComponent(owner)}/${encodeURIComponent(name)}`;
}
