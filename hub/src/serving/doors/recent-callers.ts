/**
 * The inference hot path's memory of who called what, so a steady stream of requests does not cost
 * database round trips each: who a bearer token is (the credential lookup) and whether that caller
 * may call a deployment (`callable`), each kept for a few seconds.
 *
 * What this may delay, and by how much: a revoked session or API key is forgotten at once on every
 * hub (the `credentialRevoked` signal); any other change (a key's expiry, sharing, visibility, a
 * subscription ended, a deployment changed on another hub or deleted) reaches callers within
 * {@link CALLER_TTL_MS}. A failed lookup is never kept, nor a deployment its budget stopped: the
 * next request asks again.
 */
import type { Principal, Scope } from '../../accounts/index.js';
import type { Signals } from '../../db/signals.js';
import type { Authenticator } from '../../http/route-access.js';
import type { CallerAccess, DeploymentTarget } from '../deployment-target.js';
import type { CallableDeployments } from './inference-service.js';

export const CALLER_TTL_MS = 3_000;
/** Entries kept at most; the oldest go first. */
const MAX_ENTRIES = 10_000;

class Expiring<V> {
  private readonly entries = new Map<string, { value: V; until: number }>();

  constructor(private readonly now: () => number) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.until > this.now()) return entry.value;
    this.entries.delete(key);
    return undefined;
  }

  set(key: string, value: V, until: number): void {
    this.entries.delete(key);
    this.entries.set(key, { value, until });
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value!);
  }

  deleteWhere(test: (value: V) => boolean): void {
    for (const [key, entry] of this.entries) if (test(entry.value)) this.entries.delete(key);
  }
}

/** The credential lookup, remembered per token for a few seconds (see the module comment). */
export class RecentAuthenticator implements Authenticator<Principal, Scope> {
  private readonly principals: Expiring<Principal>;
  readonly stop: () => void;

  constructor(
    private readonly inner: Authenticator<Principal, Scope>,
    signals: Pick<Signals, 'on'>,
    private readonly now: () => number = Date.now,
  ) {
    this.principals = new Expiring(now);
    this.stop = signals.on('credentialRevoked', ({ credentialId }) => this.principals.deleteWhere((p) => p.credentialId === credentialId));
  }

  async authenticate(token: string): Promise<Principal> {
    const known = this.principals.get(token);
    if (known) return known;
    const principal = await this.inner.authenticate(token);
    this.principals.set(token, principal, this.now() + CALLER_TTL_MS);
    return principal;
  }

  requireKeyAccess(principal: Principal, scope: Scope): void {
    this.inner.requireKeyAccess(principal, scope);
  }
}

/** `callable`, remembered per credential and deployment for a few seconds (see the module comment). */
export class RecentCallable implements CallableDeployments {
  private readonly answers: Expiring<{ credentialId: string; answer: { target: DeploymentTarget; access: CallerAccess } }>;
  readonly stop: () => void;

  constructor(
    private readonly inner: CallableDeployments,
    signals: Pick<Signals, 'on'>,
    private readonly now: () => number = Date.now,
  ) {
    this.answers = new Expiring(now);
    this.stop = signals.on('credentialRevoked', ({ credentialId }) => this.answers.deleteWhere((a) => a.credentialId === credentialId));
  }

  async callable(principal: Principal, owner: string, name: string): Promise<{ target: DeploymentTarget; access: CallerAccess }> {
    const key = `${principal.credentialId}\u0000${owner.toLowerCase()}\u0000${name.toLowerCase()}`;
    const known = this.answers.get(key);
    if (known) return known.answer;
    const answer = await this.inner.callable(principal, owner, name);
    // A deployment its budget stopped is read again on each request: it answers the moment the
    // budget is raised (on any hub), and refusing it costs nothing a replica would do.
    if (!answer.target.stoppedBecause) this.answers.set(key, { credentialId: principal.credentialId, answer }, this.now() + CALLER_TTL_MS);
    return answer;
  }

  /** A deployment changed here (settings, version): its answers are asked again. */
  forget(deploymentId: string): void {
    this.answers.deleteWhere((a) => a.answer.target.id === deploymentId);
  }
}
