/**
 * Loads TF.js with the fastest backend this machine can run. Providers choose what to install:
 * tfjs-node-gpu and tfjs-node are never our dependencies (their install downloads a native
 * library), so they are looked for at run time and skipped when missing or broken — a package
 * whose install script was denied is present but throws on import (see STACK.md).
 *
 * Nothing here loads TF.js at import time, so importing this module is free: only the thread that
 * calls loadBestBackend pays for TF.js (about 0.3 s and tens of MB).
 */
import { gpuInfo as nvidiaGpuInfo, type GpuInfo } from './gpu-info.js';

type Tf = typeof import('@tensorflow/tfjs');

export interface LoadedTf {
  tf: typeof import('@tensorflow/tfjs');
  backend: 'tensorflow-gpu' | 'tensorflow' | 'wasm' | 'cpu';
  gpu: { name: string; memoryBytes: number | null } | null;
}

export type BackendName = LoadedTf['backend'];

/** A faster backend that was passed over, and why (for the agent's log). */
export interface SkippedBackend {
  name: string;
  error: string;
}

export interface LoadedBackend extends LoadedTf {
  /** Every faster candidate that failed, in the order tried; empty when the first one worked. */
  tried: SkippedBackend[];
}

export interface LoadBackendDeps {
  /** Loads a package by name (default: dynamic `import()`). */
  importModule?: (name: string) => Promise<unknown>;
  /** Only asked when the GPU package loaded (default: nvidia-smi). */
  gpuInfo?: () => Promise<GpuInfo | null>;
}

export const TFJS_NODE_GPU = '@tensorflow/tfjs-node-gpu';
export const TFJS_NODE = '@tensorflow/tfjs-node';
export const TFJS = '@tensorflow/tfjs';
export const TFJS_WASM = '@tensorflow/tfjs-backend-wasm';

const defaultImport = (name: string): Promise<unknown> => import(/* @vite-ignore */ name);

let cached: Promise<LoadedBackend> | undefined;

/**
 * The best backend, loaded once per module instance — that is, per thread: each worker thread has
 * its own module graph, hence its own TF.js. Later calls return the same promise and ignore
 * `deps`. A failure is not cached, so a later call tries again.
 */
export function loadBestBackend(deps?: LoadBackendDeps): Promise<LoadedBackend> {
  if (!cached) {
    cached = loadBestBackendUncached(deps);
    cached.catch(() => {
      cached = undefined;
    });
  }
  return cached;
}

/**
 * Tries tfjs-node-gpu, tfjs-node, TF.js on WASM and TF.js on plain JS, in that order. `gpu` is
 * set only for the tfjs-node-gpu backend (the other backends cannot use a GPU, so reporting one
 * would mislead the hub's scheduling); it is null there too when nvidia-smi sees no GPU, in which
 * case TensorFlow runs on the CPU — still faster than WASM.
 */
export async function loadBestBackendUncached(deps: LoadBackendDeps = {}): Promise<LoadedBackend> {
  const importModule = deps.importModule ?? defaultImport;
  const getGpuInfo = deps.gpuInfo ?? nvidiaGpuInfo;
  const tried: SkippedBackend[] = [];

  const attempt = async (name: string, load: () => Promise<LoadedTf>): Promise<LoadedBackend | undefined> => {
    try {
      return { ...(await load()), tried: [...tried] };
    } catch (error) {
      tried.push({ name, error: reason(error) });
      return undefined;
    }
  };

  const loaded =
    (await attempt(TFJS_NODE_GPU, async () => {
      const tf = await useBackend(await importTf(importModule, TFJS_NODE_GPU), 'tensorflow');
      return { tf, backend: 'tensorflow-gpu', gpu: await getGpuInfo().catch(() => null) };
    })) ??
    (await attempt(TFJS_NODE, async () => {
      const tf = await useBackend(await importTf(importModule, TFJS_NODE), 'tensorflow');
      return { tf, backend: 'tensorflow', gpu: null };
    })) ??
    (await attempt(TFJS_WASM, async () => {
      const tf = await importTf(importModule, TFJS);
      await importModule(TFJS_WASM);
      await withoutNewCrashHandlers(() => useBackend(tf, 'wasm'));
      return { tf, backend: 'wasm', gpu: null };
    })) ??
    (await attempt(TFJS, async () => {
      const tf = await useBackend(await importTf(importModule, TFJS), 'cpu');
      return { tf, backend: 'cpu', gpu: null };
    }));
  if (loaded) return loaded;
  throw new Error(`No TF.js backend could be loaded: ${tried.map((t) => `${t.name}: ${t.error}`).join('; ')}`);
}

async function importTf(importModule: (name: string) => Promise<unknown>, name: string): Promise<Tf> {
  const imported = (await importModule(name)) as { default?: unknown } | null;
  // The packages are CommonJS: `import()` gives all of `module.exports` only as `default`; the
  // named exports beside it are whatever Node's static analysis of the source could find.
  const tf = (imported?.default ?? imported) as Partial<Tf> | null;
  if (typeof tf?.setBackend !== 'function' || typeof tf.getBackend !== 'function') {
    throw new Error(`${name} does not look like TF.js (no setBackend/getBackend)`);
  }
  return tf as Tf;
}

async function useBackend(tf: Tf, backend: string): Promise<Tf> {
  // setBackend resolves false (after a console warning) when the backend fails to initialise.
  if (!(await tf.setBackend(backend))) throw new Error(`tf.setBackend('${backend}') returned false`);
  await tf.ready();
  if (tf.getBackend() !== backend) throw new Error(`tf.getBackend() is '${tf.getBackend()}', not '${backend}'`);
  return tf;
}

/**
 * The WASM backend's Emscripten runtime, on initialisation, adds process handlers that rethrow
 * every uncaught exception and unhandled rejection: the process (or worker) then dies even when
 * the agent handles those events itself. TF.js never uses what they exist for (Emscripten's
 * `exit()`), so the handlers added while the backend starts are removed again.
 */
async function withoutNewCrashHandlers<T>(fn: () => Promise<T>): Promise<T> {
  const events = ['uncaughtException', 'unhandledRejection'];
  // As a plain emitter: process's typed overloads take one event name at a time.
  const emitter: NodeJS.EventEmitter = process;
  const before = new Map(events.map((event) => [event, new Set(emitter.listeners(event))]));
  try {
    return await fn();
  } finally {
    for (const event of events) {
      for (const listener of emitter.listeners(event)) {
        if (!before.get(event)!.has(listener)) emitter.removeListener(event, listener as (...args: unknown[]) => void);
      }
    }
  }
}

function reason(error: unknown): string {
  if (error instanceof Error) return error.message.trim() || error.name;
  // TF.js's WASM init rejects with a plain `{ message }` object.
  if (typeof error === 'object' && error !== null && typeof (error as { message?: unknown }).message === 'string') {
    return (error as { message: string }).message;
  }
  return String(error);
}
