import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FsArtifactStore } from '../fs-artifact-store.js';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const read = async (s: Readable) => Buffer.concat(await s.toArray());

describe('FsArtifactStore', () => {
  let root: string;
  let store: FsArtifactStore;
  beforeEach(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'artifacts-'));
    store = new FsArtifactStore(root);
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  it('stores bytes under their sha256 and gives them back', async () => {
    const bytes = Buffer.from('hello weights');
    const put = await store.put(Readable.from([bytes.subarray(0, 5), bytes.subarray(5)]));
    expect(put).toEqual({ sha256: sha(bytes), size: bytes.length, created: true });
    expect(await store.has(put.sha256)).toBe(true);
    expect(await read(await store.get(put.sha256))).toEqual(bytes);
  });

  it('stores the same bytes once', async () => {
    const a = await store.put(Readable.from([Buffer.from('same')]));
    const b = await store.put(Readable.from([Buffer.from('same')]));
    expect(b).toEqual({ ...a, created: false });
    expect(await readdir(path.join(root, 'tmp'))).toEqual([]);
  });

  it('leaves nothing behind when the stream fails half way', async () => {
    async function* failing() {
      yield Buffer.from('partial');
      throw new Error('connection lost');
    }
    await expect(store.put(Readable.from(failing()))).rejects.toThrow('connection lost');
    expect(await readdir(path.join(root, 'tmp'))).toEqual([]);
    expect((await readdir(root)).filter((d) => d !== 'tmp')).toEqual([]);
  });

  it('leaves nothing behind when the stream has failed before the file is open', async () => {
    // A refused upload part arrives already destroyed: the write fails before its file opens, and
    // the file must not appear after the failure was answered.
    for (let i = 0; i < 20; i++) {
      const stream = new Readable({ read() {} });
      stream.on('error', () => undefined);
      stream.destroy(new Error('refused'));
      await expect(store.put(stream)).rejects.toThrow('refused');
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await readdir(path.join(root, 'tmp'))).toEqual([]);
  });

  it('answers NOT_FOUND for unknown or malformed hashes and deletes quietly', async () => {
    await expect(store.get('0'.repeat(64))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(store.get('../../etc/passwd')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    expect(await store.has('../x')).toBe(false);
    const put = await store.put(Readable.from([Buffer.from('gone')]));
    await store.delete(put.sha256);
    await store.delete(put.sha256);
    expect(await store.has(put.sha256)).toBe(false);
  });
});
