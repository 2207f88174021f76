/** A hub process's memory, read from Linux /proc: for tests that some input keeps memory flat. */
import { readFileSync, writeFileSync } from 'node:fs';

export const MB = 1024 * 1024;

/** Resident memory now (VmRSS) and its peak (VmHWM) since the process started or {@link resetPeak}. */
export function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const bytes = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status)![1]) * 1024;
  return { rss: bytes('VmRSS'), peak: bytes('VmHWM') };
}

/** Resets the peak the kernel keeps (VmHWM) to the current resident size (`5` to clear_refs, Linux 4.0+). */
export function resetPeak(pid: number): void {
  writeFileSync(`/proc/${pid}/clear_refs`, '5');
}

/**
 * Runs `work` and answers how far the process's peak resident memory rose above its resident
 * memory before it, in bytes.
 */
export async function peakGrowth<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; growth: number }> {
  const before = memoryOf(pid).rss;
  resetPeak(pid);
  const result = await work();
  return { result, growth: memoryOf(pid).peak - before };
}
