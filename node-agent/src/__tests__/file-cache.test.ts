import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileCache, sha256Hex } from '../jobs/serve/file-cache.js';

const content = new TextEncoder().encode('{"modelTopology":{}}'.repeat(1000));
const file = { path: 'model.json', sha256: sha256Hex(content), size: content.length };

/** A download that counts its calls and answers `bytes` (a copy each time). */
function downloads(...answers: Uint8Array[]) {
  let calls = 0;
  const download = async () => {
    const bytes = answers[Math.min(calls, answers.length - 1)];
    calls++;
    return bytes.slice().buffer;
  };
  return { download, calls: () => calls };
}

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath, e.name)));
}

describe('Model file cache (content-addressed)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'aimass-cache-test-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  it('downloads a file once and serves it from disk afterwards, by its hash', async () => {
    const cache = new FileCache(dir);
    const d = downloads(content);
    expect(Buffer.from(await cache.get(file, d.download)).equals(Buffer.from(content))).toBe(true);
    expect(Buffer.from(await new FileCache(dir).get({ ...file, path: 'another/name.json' }, d.download)).equals(Buffer.from(content))).toBe(true);
    expect(d.calls()).toBe(1);
    expect(await filesUnder(dir)).toEqual([path.join(file.sha256.slice(0, 2), file.sha256)]);
  });

  it('refuses a download that does not hash to the promised sha256, after one more try, and caches nothing', async () => {
    const corrupt = content.slice();
    corrupt[10] ^= 1;
    const d = downloads(corrupt);
    await expect(new FileCache(dir).get(file, d.download)).rejects.toThrow(/model\.json downloaded from the hub is not the version's file/);
    expect(d.calls()).toBe(2);
    expect(await filesUnder(dir)).toEqual([]);

    const healed = downloads(corrupt, content);
    expect(Buffer.from(await new FileCache(dir).get(file, healed.download)).equals(Buffer.from(content))).toBe(true);
    expect(healed.calls()).toBe(2);
  });

  it('fetches again a cached file that no longer matches its hash, and repairs it', async () => {
    const cache = new FileCache(dir);
    await cache.get(file, downloads(content).download);
    await writeFile(cache.location(file.sha256), 'tampered');
    const d = downloads(content);
    expect(Buffer.from(await cache.get(file, d.download)).equals(Buffer.from(content))).toBe(true);
    expect(d.calls()).toBe(1);
    expect((await readFile(cache.location(file.sha256))).equals(Buffer.from(content))).toBe(true);
  });

  it('writes atomically: many replicas caching the same file at once leave one whole file and no temporaries', async () => {
    const results = await Promise.all(Array.from({ length: 12 }, () => new FileCache(dir).get(file, downloads(content).download)));
    for (const bytes of results) expect(sha256Hex(bytes)).toBe(file.sha256);
    expect(await filesUnder(dir)).toEqual([path.join(file.sha256.slice(0, 2), file.sha256)]);
    expect(sha256Hex(await readFile(new FileCache(dir).location(file.sha256)))).toBe(file.sha256);
  });

  it('still serves the bytes when the cache directory cannot be written', async () => {
    const blocked = path.join(dir, 'not-a-dir');
    await writeFile(blocked, 'a file where the cache directory should be');
    const failures: string[] = [];
    const cache = new FileCache(blocked, { writeFailed: (f, error) => failures.push(`${f.path}: ${error.message}`) });
    expect(sha256Hex(await cache.get(file, downloads(content).download))).toBe(file.sha256);
    expect(failures).toHaveLength(1);
  });
});
