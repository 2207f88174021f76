/**
 * What the agent tells the hub of its machine: what it has (its `hello`), how busy it is (each
 * heartbeat), and what a replica can hold at once.
 */
import os from 'node:os';
import { servePayload, type Capabilities } from '../../schema/index.js';
import type { AgentConfig } from './config.js';
import type { LoadedBackend } from './tf/load-backend.js';

/** maxQueue + maxBatchSize of a serve payload (the worker checks the payload; a bad one never gets ready). */
export function replicaCapacity(payload: unknown): number {
  const parsed = servePayload.safeParse(payload);
  return parsed.success ? parsed.data.maxQueue + parsed.data.batching.maxBatchSize : 0;
}

export function capabilities(config: AgentConfig, backend: Pick<LoadedBackend, 'backend' | 'gpu'>): Capabilities {
  return {
    backend: backend.backend,
    cpuCores: cpuCores(),
    memoryBytes: os.totalmem(),
    gpu: backend.gpu,
    slots: config.slots,
    labels: config.labels,
  };
}

/** The one-minute load average per core, and the memory in use (a heartbeat's figures). */
export function machineLoad(): { load: number; memoryUsedBytes: number } {
  return { load: os.loadavg()[0] / cpuCores(), memoryUsedBytes: Math.max(0, os.totalmem() - os.freemem()) };
}

function cpuCores(): number {
  return Math.max(1, os.availableParallelism?.() ?? os.cpus().length);
}
