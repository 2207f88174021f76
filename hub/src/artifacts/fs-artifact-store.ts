/**
 * Artifact store on the local filesystem: `<root>/<aa>/<bb>/<sha256>`, written to `<root>/tmp`
 * first and renamed into place once the hash is known (rename is atomic within one filesystem).
 */
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { access, mkdir, open, readdir, rename, rm, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { notFound } from '../errors.js';
import { SHA256, type ArtifactStore, type PutResult, type StoredBlob } from './artifact-store.js';

export class FsArtifactStore implements ArtifactStore {
  constructor(private readonly root: string) {}

  private file(sha256: string): string {
    if (!SHA256.test(sha256)) throw notFound('Artifact');
    return path.join(this.root, sha256.slice(0, 2), sha256.slice(2, 4), sha256);
  }

  async put(body: Readable): Promise<PutResult> {
    const tmpDir = path.join(this.root, 'tmp');
    await mkdir(tmpDir, { recursive: true });
    const tmp = path.join(tmpDir, `${randomUUID()}.part`);
    const hash = createHash('sha256');
    let size = 0;
    const tap = new Transform({
      transform(chunk: Buffer, _encoding, callback) {
        hash.update(chunk);
        size += chunk.length;
        callback(null, chunk);
      },
    });
    // Opened before the pipeline, not by it: a body that has already failed (a refused upload
    // part) fails the pipeline at once, and a write stream still opening its file would create
    // it after the removal below had run, leaving it behind.
    const file = await open(tmp, 'wx');
    try {
      await pipeline(body, tap, file.createWriteStream());
      const sha256 = hash.digest('hex');
      const target = this.file(sha256);
      if (await this.has(sha256)) {
        await rm(tmp, { force: true });
        // Freshly used again: the orphan sweep leaves young blobs alone while their upload finishes.
        const now = new Date();
        await utimes(target, now, now).catch(() => undefined);
        return { sha256, size, created: false };
      }
      await mkdir(path.dirname(target), { recursive: true });
      await rename(tmp, target);
      return { sha256, size, created: true };
    } catch (error) {
      await rm(tmp, { force: true });
      throw error;
    }
  }

  async get(sha256: string): Promise<Readable> {
    const file = this.file(sha256);
    if (!(await this.has(sha256))) throw notFound('Artifact');
    return createReadStream(file);
  }

  async has(sha256: string): Promise<boolean> {
    if (!SHA256.test(sha256)) return false;
    return access(this.file(sha256)).then(
      () => true,
      () => false,
    );
  }

  async delete(sha256: string): Promise<void> {
    if (!SHA256.test(sha256)) return;
    await rm(this.file(sha256), { force: true });
  }

  async *list(): AsyncIterable<StoredBlob> {
    const hex2 = /^[0-9a-f]{2}$/;
    for (const a of await readdir(this.root).catch(() => [] as string[])) {
      if (!hex2.test(a)) continue;
      for (const b of await readdir(path.join(this.root, a)).catch(() => [] as string[])) {
        if (!hex2.test(b)) continue;
        for (const name of await readdir(path.join(this.root, a, b)).catch(() => [] as string[])) {
          if (!SHA256.test(name)) continue;
          const info = await stat(path.join(this.root, a, b, name)).catch(() => undefined);
          if (info) yield { sha256: name, modifiedAt: info.mtime };
        }
      }
    }
  }

  async modifiedAt(sha256: string): Promise<Date | undefined> {
    if (!SHA256.test(sha256)) return undefined;
    return (await stat(this.file(sha256)).catch(() => undefined))?.mtime;
  }

  /** Removes temporary files a crashed hub left behind (older than `ageMs`). */
  async sweepTemp(ageMs = 86_400_000): Promise<number> {
    const dir = path.join(this.root, 'tmp');
    let removed = 0;
    for (const name of await readdir(dir).catch(() => [] as string[])) {
      const file = path.join(dir, name);
      const info = await stat(file).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > ageMs) {
        await rm(file, { force: true });
        removed++;
      }
    }
    return removed;
  }
}
