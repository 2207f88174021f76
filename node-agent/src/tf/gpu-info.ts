/**
 * The first NVIDIA GPU this machine exposes, as reported to the hub in the agent's capabilities.
 * Only nvidia-smi is asked: tfjs-node-gpu runs on CUDA, so a GPU it cannot see is no use to it.
 */
import { execFile } from 'node:child_process';

export interface GpuInfo {
  name: string;
  memoryBytes: number | null;
}

const MIB = 1024 * 1024;
// The hub's capabilities schema refuses longer names.
const MAX_NAME_LENGTH = 200;

/**
 * Parses `nvidia-smi --query-gpu=name,memory.total --format=csv,noheader,nounits` (one line per
 * GPU, e.g. `NVIDIA GeForce RTX 3090, 24576`, memory in MiB) and returns the first GPU.
 */
export function parseNvidiaSmi(stdout: string): GpuInfo | null {
  const line = stdout.split(/\r?\n/).find((l) => l.trim() !== '');
  if (line === undefined) return null;
  // Split at the last comma: the memory is always the last field, a name could contain one.
  const comma = line.lastIndexOf(',');
  if (comma < 0) return null;
  const name = line.slice(0, comma).trim().slice(0, MAX_NAME_LENGTH);
  const memory = line.slice(comma + 1).trim();
  if (name === '') return null;
  // Some GPUs report `[N/A]` or `[Not Supported]` instead of a figure: the GPU still counts.
  const mib = /^\d+(\.\d+)?$/.test(memory) ? Number(memory) : NaN;
  return { name, memoryBytes: Number.isFinite(mib) ? Math.round(mib * MIB) : null };
}

export function gpuInfo(): Promise<GpuInfo | null> {
  return new Promise((resolve) => {
    execFile(
      'nvidia-smi',
      ['--query-gpu=name,memory.total', '--format=csv,noheader,nounits'],
      // A wedged driver can make nvidia-smi hang; the agent must start regardless.
      { timeout: 2000, maxBuffer: 64 * 1024, windowsHide: true, encoding: 'utf8' },
      (error, stdout) => resolve(error ? null : parseNvidiaSmi(stdout)),
    );
  });
}
