/**
 * A counting semaphore with a bounded waiting line, for the TF.js model checks: each check holds
 * a model's weights in memory (read from disk) and its tensors, so how many run at once bounds the
 * memory uploads take, whatever their number. A caller past the waiting line is refused with
 * RATE_LIMITED (429) at once, rather than holding its upload open indefinitely.
 */
import { AppError } from '../errors.js';

export class CheckSlots {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    /** AIMASS_MODEL_CHECK_CONCURRENCY */
    private readonly concurrency: number,
    /** AIMASS_MODEL_CHECK_QUEUE */
    private readonly maxWaiting: number,
  ) {}

  /** Runs `work` in a slot, waiting for one if all are taken. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.maxWaiting) {
        throw new AppError('RATE_LIMITED', `${this.running + this.waiting.length} model uploads are being checked; try again shortly`, [], 5);
      }
      // The slot is handed over by release(): running stays counted through the hand-over.
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
    }
  }

  /** Checks running and waiting now (for tests and metrics). */
  get load(): { running: number; waiting: number } {
    return { running: this.running, waiting: this.waiting.length };
  }
}
