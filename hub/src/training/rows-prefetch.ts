/**
 * The first chunks of a training job's rows, read while the job is being dispatched: queueing,
 * the claim, the hand-off to the agent and its worker's start take tens of milliseconds that the
 * agent's first reads (one sandboxed query per chunk) would otherwise follow. The agent asks for
 * its first chunks at once (ROWS_READ_AHEAD, schema/training.ts), so those are read here as soon
 * as the job is queued, and the door (training-agent-door.ts) answers a request for one of them
 * with it — after the job token is checked, as every request is.
 *
 * A chunk is held for at most {@link HOLD_MS} and served once; no more than {@link MAX_HELD_BYTES}
 * are held in all, for at most {@link MAX_JOBS_AHEAD} jobs (past that nothing more is read
 * ahead). A chunk asked on another hub, or after it was dropped, is read as before; a failed read
 * ahead is forgotten and the request reads again.
 */
import type { Metrics } from '../metrics.js';

/** How long a chunk read ahead waits for its request. */
export const HOLD_MS = 30_000;
/** The most bytes of chunks held at once. */
export const MAX_HELD_BYTES = 64 * 1024 * 1024;
/**
 * The most jobs whose chunks are held or being read at once: a burst of statements (a retraining
 * schedule) queues more jobs than agents take at once, and reading ahead for those that wait
 * would only hold sandbox connections and memory until the chunks expire.
 */
export const MAX_JOBS_AHEAD = 8;

type Outcome = 'used' | 'expired' | 'failed';

export class RowsPrefetch {
  /** By `jobId:offset:first`: the chunk's JSON text (null once its read failed). */
  private readonly held = new Map<string, { jobId: string; text: Promise<string | null>; bytes: number; timer: NodeJS.Timeout }>();
  private heldBytes = 0;
  /** Chunks held or being read, by job. */
  private readonly perJob = new Map<string, number>();

  constructor(private readonly metrics?: Pick<Metrics, 'trainingRowsPrefetched'>) {}

  /** Reads `chunks` (each `first` rows from its `offset`, as the door would answer them) with `read`. */
  start(jobId: string, chunks: readonly { offset: number; first: number }[], read: (offset: number, first: number) => Promise<string>): void {
    if (this.perJob.size >= MAX_JOBS_AHEAD) return;
    for (const { offset, first } of chunks) {
      if (this.heldBytes >= MAX_HELD_BYTES) return;
      const key = `${jobId}:${offset}:${first}`;
      if (this.held.has(key)) continue;
      this.perJob.set(jobId, (this.perJob.get(jobId) ?? 0) + 1);
      const entry = {
        jobId,
        text: read(offset, first).then(
          (text) => {
            if (this.held.get(key) === entry) {
              entry.bytes = text.length;
              this.heldBytes += text.length;
            }
            return text;
          },
          () => {
            this.drop(key, 'failed');
            return null;
          },
        ),
        bytes: 0,
        timer: setTimeout(() => this.drop(key, 'expired'), HOLD_MS).unref(),
      };
      this.held.set(key, entry);
    }
  }

  /** The chunk read ahead for this request, or null (none, or its read failed): it is served once. */
  async take(jobId: string, offset: number, first: number): Promise<string | null> {
    const key = `${jobId}:${offset}:${first}`;
    const entry = this.held.get(key);
    if (!entry) return null;
    const text = await entry.text;
    if (text === null || this.held.get(key) !== entry) return null;
    this.drop(key, 'used');
    return text;
  }

  private drop(key: string, outcome: Outcome): void {
    const entry = this.held.get(key);
    if (!entry) return;
    clearTimeout(entry.timer);
    this.held.delete(key);
    this.heldBytes -= entry.bytes;
    const left = (this.perJob.get(entry.jobId) ?? 1) - 1;
    if (left > 0) this.perJob.set(entry.jobId, left);
    else this.perJob.delete(entry.jobId);
    this.metrics?.trainingRowsPrefetched.inc({ outcome });
  }
}
