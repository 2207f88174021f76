import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { gpuInfo, parseNvidiaSmi, type GpuInfo } from '../tf/gpu-info.js';
import { loadBestBackend, loadBestBackendUncached, type LoadBackendDeps } from '../tf/load-backend.js';

const GPU = { name: 'NVIDIA GeForce RTX 3090', memoryBytes: 24576 * 1024 * 1024 };

function fakeTf(label: string, working: string[] = ['tensorflow', 'wasm', 'cpu']) {
  let current = '';
  return {
    label,
    setBackend: vi.fn(async (name: string) => {
      if (!working.includes(name)) return false;
      current = name;
      return true;
    }),
    getBackend: () => current,
    ready: async () => {},
  };
}

const missing = (name: string) => Object.assign(new Error(`Cannot find package '${name}'`), { code: 'ERR_MODULE_NOT_FOUND' });

/** A fake `import()`: each name maps to a module, or to an error to throw. */
function deps(modules: Record<string, unknown>) {
  return {
    importModule: vi.fn(async (name: string) => {
      const module = modules[name];
      if (module === undefined) throw missing(name);
      if (module instanceof Error) throw module;
      return module;
    }),
    gpuInfo: vi.fn(async (): Promise<GpuInfo | null> => GPU),
  } satisfies LoadBackendDeps;
}

const addonMissing = new Error('The Node.js native addon module (tfjs_binding.node) can not be found at path: …');

describe('loadBestBackend fallback order', () => {
  it('uses tfjs-node-gpu when it loads, unwrapping the CommonJS default export, with the GPU attached', async () => {
    const gpuTf = fakeTf('gpu');
    const d = deps({ '@tensorflow/tfjs-node-gpu': { default: gpuTf }, '@tensorflow/tfjs-node': fakeTf('node') });
    const loaded = await loadBestBackendUncached(d);
    expect(loaded).toMatchObject({ backend: 'tensorflow-gpu', gpu: GPU, tried: [] });
    expect(loaded.tf).toBe(gpuTf);
    expect(gpuTf.setBackend).toHaveBeenCalledWith('tensorflow');
    expect(d.importModule).toHaveBeenCalledTimes(1);
  });

  it('keeps tfjs-node-gpu with gpu null when nvidia-smi sees no GPU', async () => {
    const d = deps({ '@tensorflow/tfjs-node-gpu': fakeTf('gpu') });
    d.gpuInfo.mockResolvedValue(null);
    expect(await loadBestBackendUncached(d)).toMatchObject({ backend: 'tensorflow-gpu', gpu: null });
  });

  it('falls back to tfjs-node when the GPU package throws, without asking for GPU info', async () => {
    const nodeTf = fakeTf('node');
    const d = deps({ '@tensorflow/tfjs-node-gpu': addonMissing, '@tensorflow/tfjs-node': { default: nodeTf } });
    const loaded = await loadBestBackendUncached(d);
    expect(loaded).toMatchObject({ backend: 'tensorflow', gpu: null });
    expect(loaded.tf).toBe(nodeTf);
    expect(loaded.tried).toEqual([{ name: '@tensorflow/tfjs-node-gpu', error: addonMissing.message }]);
    expect(d.gpuInfo).not.toHaveBeenCalled();
  });

  it('falls back to WASM when both native packages fail', async () => {
    const tf = fakeTf('tfjs');
    const d = deps({ '@tensorflow/tfjs': tf, '@tensorflow/tfjs-backend-wasm': {}, '@tensorflow/tfjs-node': addonMissing });
    const loaded = await loadBestBackendUncached(d);
    expect(loaded).toMatchObject({ backend: 'wasm', gpu: null });
    expect(loaded.tf).toBe(tf);
    expect(tf.setBackend).toHaveBeenCalledWith('wasm');
    expect(loaded.tried).toEqual([
      { name: '@tensorflow/tfjs-node-gpu', error: "Cannot find package '@tensorflow/tfjs-node-gpu'" },
      { name: '@tensorflow/tfjs-node', error: addonMissing.message },
    ]);
  });

  it('treats a native package whose setBackend resolves false as failed', async () => {
    const d = deps({ '@tensorflow/tfjs-node': fakeTf('node', []), '@tensorflow/tfjs': fakeTf('tfjs'), '@tensorflow/tfjs-backend-wasm': {} });
    const loaded = await loadBestBackendUncached(d);
    expect(loaded.backend).toBe('wasm');
    expect(loaded.tried[1]).toEqual({ name: '@tensorflow/tfjs-node', error: "tf.setBackend('tensorflow') returned false" });
  });

  it("falls back to cpu when WASM's setBackend resolves false", async () => {
    const tf = fakeTf('tfjs', ['cpu']);
    const loaded = await loadBestBackendUncached(deps({ '@tensorflow/tfjs': tf, '@tensorflow/tfjs-backend-wasm': {} }));
    expect(loaded).toMatchObject({ backend: 'cpu', gpu: null });
    expect(loaded.tf).toBe(tf);
    expect(tf.getBackend()).toBe('cpu');
    expect(loaded.tried.map((t) => t.name)).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-backend-wasm']);
    expect(loaded.tried[2].error).toBe("tf.setBackend('wasm') returned false");
  });

  it("falls back to cpu when WASM's setBackend throws or its package is missing", async () => {
    const tf = fakeTf('tfjs');
    tf.setBackend.mockImplementationOnce(async () => {
      throw new Error('wasm exploded');
    });
    let loaded = await loadBestBackendUncached(deps({ '@tensorflow/tfjs': tf, '@tensorflow/tfjs-backend-wasm': {} }));
    expect(loaded.backend).toBe('cpu');
    expect(loaded.tried[2]).toEqual({ name: '@tensorflow/tfjs-backend-wasm', error: 'wasm exploded' });

    loaded = await loadBestBackendUncached(deps({ '@tensorflow/tfjs': fakeTf('tfjs') }));
    expect(loaded.backend).toBe('cpu');
    expect(loaded.tried[2]).toEqual({ name: '@tensorflow/tfjs-backend-wasm', error: "Cannot find package '@tensorflow/tfjs-backend-wasm'" });
  });

  it('refuses a module that is not TF.js, and fails with every reason when nothing loads', async () => {
    const d = deps({ '@tensorflow/tfjs-node-gpu': { default: { hello: 1 } } });
    await expect(loadBestBackendUncached(d)).rejects.toThrow(
      /^No TF.js backend could be loaded: @tensorflow\/tfjs-node-gpu: @tensorflow\/tfjs-node-gpu does not look like TF.js.*; @tensorflow\/tfjs-node: Cannot find.*; @tensorflow\/tfjs-backend-wasm: Cannot find.*; @tensorflow\/tfjs: Cannot find/,
    );
  });
});

describe('loadBestBackend on this machine', () => {
  it('picks WASM (no native package installed here), once per process', async () => {
    const before = process.listenerCount('uncaughtException');
    const first = loadBestBackend();
    expect(loadBestBackend()).toBe(first);
    const loaded = await first;
    expect(loaded.backend).toBe('wasm');
    expect(loaded.gpu).toBeNull();
    expect(loaded.tf.getBackend()).toBe('wasm');
    expect(loaded.tried.map((t) => t.name)).toEqual(['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']);
    // Emscripten's rethrowing handlers were taken off again.
    expect(process.listenerCount('uncaughtException')).toBe(before);
    const sum = loaded.tf.tidy(() => loaded.tf.tensor([1, 2, 3]).sum().dataSync()[0]);
    expect(sum).toBe(6);
  });
});

describe('parseNvidiaSmi', () => {
  it('reads the first GPU, converting MiB to bytes', () => {
    expect(parseNvidiaSmi('NVIDIA GeForce RTX 3090, 24576\n')).toEqual(GPU);
    expect(parseNvidiaSmi('Tesla T4, 15360\r\nTesla T4, 15360\r\n')).toEqual({ name: 'Tesla T4', memoryBytes: 15360 * 1024 * 1024 });
    expect(parseNvidiaSmi('\n  NVIDIA A100-SXM4-80GB ,  81920  \n')).toEqual({ name: 'NVIDIA A100-SXM4-80GB', memoryBytes: 81920 * 1024 * 1024 });
  });

  it('keeps a GPU whose memory is not reported, and a comma in its name', () => {
    expect(parseNvidiaSmi('NVIDIA Jetson, Orin, [N/A]')).toEqual({ name: 'NVIDIA Jetson, Orin', memoryBytes: null });
    expect(parseNvidiaSmi('Some GPU, [Not Supported]\n')).toEqual({ name: 'Some GPU', memoryBytes: null });
  });

  it('returns null for anything else', () => {
    expect(parseNvidiaSmi('')).toBeNull();
    expect(parseNvidiaSmi('\n\n')).toBeNull();
    expect(parseNvidiaSmi('No devices were found')).toBeNull();
    expect(parseNvidiaSmi(', 1024')).toBeNull();
  });

  it('caps the name at what the hub accepts', () => {
    expect(parseNvidiaSmi(`${'x'.repeat(300)}, 1`)!.name).toHaveLength(200);
  });
});

describe('gpuInfo', () => {
  const pathBefore = process.env.PATH;
  const dirs: string[] = [];
  afterEach(() => {
    process.env.PATH = pathBefore;
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  /** Puts a fake `nvidia-smi` (a shell script body) first on PATH. */
  function fakeNvidiaSmi(body: string | null) {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'aimass-nvidia-smi-'));
    dirs.push(dir);
    if (body !== null) writeFileSync(path.join(dir, 'nvidia-smi'), `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    process.env.PATH = body === null ? dir : `${dir}${path.delimiter}${pathBefore}`;
  }

  it.skipIf(process.platform === 'win32')('asks nvidia-smi for name and memory, and gives null when it fails, hangs or is missing', async () => {
    fakeNvidiaSmi('[ "$*" = "--query-gpu=name,memory.total --format=csv,noheader,nounits" ] && echo "Tesla T4, 15360"');
    expect(await gpuInfo()).toEqual({ name: 'Tesla T4', memoryBytes: 15360 * 1024 * 1024 });
    fakeNvidiaSmi('echo "NVIDIA-SMI has failed"; exit 9');
    expect(await gpuInfo()).toBeNull();
    fakeNvidiaSmi(null);
    expect(await gpuInfo()).toBeNull();
    fakeNvidiaSmi('exec sleep 10');
    const start = performance.now();
    expect(await gpuInfo()).toBeNull();
    expect(performance.now() - start).toBeLessThan(4000);
  });
});
