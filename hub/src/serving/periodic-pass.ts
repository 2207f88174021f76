/**
 * A pass the serving controllers (reconciler, autoscaler, rollouts, budgets) run every few seconds
 * on each hub, and that code may also ask for at once (`run`). Passes never overlap: a call while
 * one is in progress gets that one. A pass that throws is logged and tried again by the next:
 * the controllers' state is in the database, so nothing is lost in between. `stop` waits for the
 * pass in progress, so a hub shutting down does not close the database under it.
 */
import type { Logger } from '../logger.js';

export class PeriodicPass {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  /** `failure`: what the log says when a pass throws ("reconciling deployments failed"). */
  constructor(
    private readonly pass: () => Promise<void>,
    private readonly intervalMs: number,
    private readonly log: Logger,
    private readonly failure: string,
  ) {}

  start(): void {
    this.timer = setInterval(() => void this.run(), this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  /** Runs a pass now, or joins the one in progress; never throws. */
  run(): Promise<void> {
    if (this.running) return this.running;
    this.running = (async () => {
      try {
        await this.pass();
      } catch (error) {
        this.log.error({ err: error }, this.failure);
      } finally {
        this.running = undefined;
      }
    })();
    return this.running;
  }
}
