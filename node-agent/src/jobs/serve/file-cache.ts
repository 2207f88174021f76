/**
 * The agent's on-disk cache of model files, addressed by content (sha256), so a version served
 * again — by a replacement replica, a second replica on this machine, or after a restart — is not
 * downloaded again.
 *
 * Nothing is used or kept unchecked: a downloaded file whose hash or size differs from what the
 * hub promised is refused (downloaded once more, then the load fails), and a cached file that no
 * longer hashes to its name is fetched again. Files are written to a unique temporary name and
 * renamed into place (rename is atomic on one file system), so replicas sharing a machine never
 * read each other's half-written files. A cache directory that cannot be written costs speed,
 * never the replica: the bytes are used from memory.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface CachedFile {
  sha256: string;
  size: number;
  /** For messages. */
  path: string;
}

export interface FileCacheEvents {
  /** Where the bytes came from; a write failure is reported and otherwise ignored. */
  hit?(file: CachedFile): void;
  downloaded?(file: CachedFile): void;
  writeFailed?(file: CachedFile, error: Error): void;
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export class FileCache {
  constructor(
    readonly dir: string,
    private readonly events: FileCacheEvents = {},
  ) {}

  /** Where a file with this hash lives in the cache. */
  location(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return path.join(this.dir, sha256.slice(0, 2), sha256);
  }

  /** The file's bytes, from the cache when they still match, else from `download` (checked, then cached). */
  async get(file: CachedFile, download: () => Promise<ArrayBuffer>): Promise<Uint8Array> {
    const where = this.location(file.sha256);
    const cached = await readFile(where).catch(() => null);
    if (cached && cached.length === file.size && sha256Hex(cached) === file.sha256) {
      this.events.hit?.(file);
      return new Uint8Array(cached.buffer, cached.byteOffset, cached.length);
    }
    let bytes: Uint8Array | undefined;
    let problem = '';
    for (let attempt = 0; attempt < 2 && !bytes; attempt++) {
      const got = new Uint8Array(await download());
      const hash = sha256Hex(got);
      if (got.length === file.size && hash === file.sha256) bytes = got;
      else problem = `got ${got.length} bytes hashing to ${hash}, expected ${file.size} bytes hashing to ${file.sha256}`;
    }
    if (!bytes) throw new Error(`the model file ${file.path} downloaded from the hub is not the version's file: ${problem}`);
    this.events.downloaded?.(file);
    await this.put(where, bytes).catch((error: Error) => this.events.writeFailed?.(file, error));
    return bytes;
  }

  private async put(where: string, bytes: Uint8Array): Promise<void> {
    await mkdir(path.dirname(where), { recursive: true });
    const temporary = `${where}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(temporary, bytes);
      await rename(temporary, where);
    } catch (error) {
      await rm(temporary, { force: true }).catch(() => undefined);
      throw error;
    }
  }
}
