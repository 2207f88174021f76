/**
 * Who hears that a model version became usable: a version was added (an upload, a trained
 * version) or a draft's metadata (features, labels) was set. Listeners run after the change
 * committed, each on its own; one that fails is logged and the others still run. Leaderboards
 * listens: a model entered in a standing benchmark has each new version submitted to it.
 */
import type { Logger } from '../logger.js';

export interface VersionChange {
  modelId: string;
  /** The version's number. */
  number: number;
}

export type VersionListener = (change: VersionChange) => Promise<void>;

export class VersionListeners {
  private readonly listeners: VersionListener[] = [];

  constructor(private readonly log: Logger) {}

  listen(listener: VersionListener): void {
    this.listeners.push(listener);
  }

  /** Tells every listener; answers once they all ended (callers need not wait). */
  emit(change: VersionChange): Promise<void> {
    return Promise.allSettled(this.listeners.map((l) => l(change))).then((results) => {
      for (const r of results) if (r.status === 'rejected') this.log.warn({ err: r.reason, ...change }, 'a model version listener failed');
    });
  }
}
