/**
 * The inference hot path's memory of who called what, so a steady stream of requests does not cost
 * database round trips each: who a bearer token is (the credential lookup) and whether that caller
 * may call a deployment (`callable`), each kept for a few seconds.
 *
 * What this may delay, and by how much: a revoked session or API key is forgotten at once on every
 * hub (the `credentialRevoked` signal); any other change (a key's expiry, sharing, visibility, a
 * subscription ended, a deployment changed on another hub or deleted) reaches callers within
 * {@link CALLER_TTL_MS}. A failed lookup is never kept, nor a deployment its budget stopped: the
 * next request asks again. How lookups are shared and renewed: remembered-lookups.ts.
 */
import type { Principal, Scope } from '../../accounts/index.js';
import type { Signals } from '../../db/signals.js';
import type { Authenticator } from '../../http/route-access.js';
import type { CallerAccess, DeploymentTarget } from '../deployment-target.js';
import type { CallableDeployments } from './inference-service.js';
import { RememberedLookups } from './remembered-lookups.js';

export const CALLER_TTL_MS = 3_000;

/** The credential lookup, remembered per token for a few seconds (see the module comment). */
export class RecentAuthenticator implements Authenticator<Principal, Scope> {
  private readonly principals: RememberedLookups<Principal>;
  readonly stop: () => void;

  constructor(
    private readonly inner: Authenticator<Principal, Scope>,
    signals: Pick<Signals, 'on'>,
    now: () => number = Date.now,
  ) {
    this.principals = new RememberedLookups(CALLER_TTL_MS, now);
    this.stop = signals.on('credentialRevoked', ({ credentialId }) => this.principals.forgetWhere((p) => p.credentialId === credentialId));
  }

  authenticate(token: string): Promise<Principal> {
    return this.principals.get(token, () => this.inner.authenticate(token));
  }

  requireKeyAccess(principal: Principal, scope: Scope): void {
    this.inner.requireKeyAccess(principal, scope);
  }
}

/** `callable`, remembered per credential and deployment for a few seconds (see the module comment). */
export class RecentCallable implements CallableDeployments {
  private readonly answers: RememberedLookups<{ credentialId: string; answer: { target: DeploymentTarget; access: CallerAccess } }>;
  readonly stop: () => void;

  constructor(
    private readonly inner: CallableDeployments,
    signals: Pick<Signals, 'on'>,
    now: () => number = Date.now,
  ) {
    this.answers = new RememberedLookups(CALLER_TTL_MS, now);
    this.stop = signals.on('credentialRevoked', ({ credentialId }) => this.answers.forgetWhere((a) => a.credentialId === credentialId));
  }

  async callable(principal: Principal, owner: string, name: string): Promise<{ target: DeploymentTarget; access: CallerAccess }> {
    const key = `${principal.credentialId}\u0000${owner.toLowerCase()}\u0000${name.toLowerCase()}`;
    const remembered = await this.answers.get(
      key,
      async () => ({ credentialId: principal.credentialId, answer: await this.inner.callable(principal, owner, name) }),
      // A deployment its budget stopped is read again on each request: it answers the moment the
      // budget is raised (on any hub), and refusing it costs nothing a replica would do.
      (a) => !a.answer.target.stoppedBecause,
    );
    return remembered.answer;
  }

  /** A deployment changed here (settings, version): its answers are asked again. */
  forget(deploymentId: string): void {
    this.answers.forgetWhere((a) => a.answer.target.id === deploymentId);
  }
}
