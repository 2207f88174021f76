/**
 * Bounds the /metrics label set of deployments: the first `max` distinct (deployment, version)
 * pairs a hub meters keep their own labels for the life of the process; any further pair is
 * counted under deployment="other", version="other". A hub therefore exports at most
 * `max` + 1 series per metric and status, whatever callers and owners do.
 */
export class DeploymentLabels {
  private readonly known = new Set<string>();

  constructor(private readonly max: number) {}

  of(deployment: string, version: number): { deployment: string; version: string } {
    const key = `${deployment}@${version}`;
    if (this.known.has(key)) return { deployment, version: String(version) };
    if (this.known.size >= this.max) return { deployment: 'other', version: 'other' };
    this.known.add(key);
    return { deployment, version: String(version) };
  }
}
