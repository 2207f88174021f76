/**
 * Outlier ejection (Envoy's outlier detection, passive health checking): a replica that failed
 * `failures` times in a row, or whose mean latency is `latencyFactor` times the median of its
 * peers' (each over at least {@link MIN_SAMPLES} answers), is taken out of rotation for
 * `baseMs` × the number of times it was ejected, at most `maxMs`; then it takes requests again.
 * Never more than half the replicas of a deployment are out at once: a fault shared by all of
 * them (a bad model version, an overloaded cluster) must not empty the deployment.
 */
import type { ReplicaState } from './replica-state.js';

/** Answers a replica and a peer need before their latencies are compared. */
export const MIN_SAMPLES = 10;
/** A latency this close to the peers' is never an outlier, whatever the ratio (sub-millisecond jitter). */
const MIN_EXCESS_MS = 20;

export interface OutlierPolicy {
  failures: number;
  latencyFactor: number;
  baseMs: number;
  maxMs: number;
}

export type EjectionReason = 'failures' | 'latency';

export class OutlierDetector {
  constructor(private readonly policy: OutlierPolicy) {}

  /** An answer; returns why the replica was ejected, if it was. */
  succeeded(replica: ReplicaState, peers: readonly ReplicaState[], now: number): EjectionReason | undefined {
    replica.consecutiveFailures = 0;
    // A replica that behaved for as long as the longest ejection starts afresh.
    if (replica.ejections > 0 && replica.ejectedUntil === 0 && now - replica.lastEjectedAt > this.policy.maxMs) replica.ejections = 0;
    if (replica.samples < MIN_SAMPLES) return undefined;
    const others = peers.filter((peer) => peer !== replica && peer.samples >= MIN_SAMPLES && !peer.ejected(now)).map((peer) => peer.meanMs);
    if (others.length === 0) return undefined;
    const median = medianOf(others);
    if (replica.meanMs > this.policy.latencyFactor * median && replica.meanMs - median > MIN_EXCESS_MS) {
      return this.eject(replica, peers, now) ? 'latency' : undefined;
    }
    return undefined;
  }

  /** A failure of the replica (not a refusal for load); returns why it was ejected, if it was. */
  failed(replica: ReplicaState, peers: readonly ReplicaState[], now: number): EjectionReason | undefined {
    replica.consecutiveFailures += 1;
    if (replica.consecutiveFailures < this.policy.failures) return undefined;
    return this.eject(replica, peers, now) ? 'failures' : undefined;
  }

  private eject(replica: ReplicaState, peers: readonly ReplicaState[], now: number): boolean {
    if (replica.ejected(now)) return false;
    const all = peers.includes(replica) ? peers : [...peers, replica];
    const out = all.filter((peer) => peer.ejected(now)).length;
    if (out + 1 > Math.floor(all.length / 2)) return false;
    replica.ejections += 1;
    replica.ejectedUntil = now + Math.min(this.policy.baseMs * replica.ejections, this.policy.maxMs);
    replica.lastEjectedAt = now;
    replica.consecutiveFailures = 0;
    // Back in rotation it proves its latency again rather than being judged on the old samples.
    replica.samples = 0;
    replica.meanMs = 0;
    return true;
  }
}

function medianOf(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}
