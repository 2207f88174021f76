/**
 * Deletes blobs nothing refers to any more. The store itself does not know who uses a blob: each
 * domain that keeps blob hashes in its rows registers a {@link BlobReferences} function (the
 * catalog's model versions, training's checkpoints and tuning trials' models). A domain that
 * stores blobs MUST register one, or the periodic sweep takes its blobs a day after they were
 * written.
 *
 * Two ways in:
 * - `deleteUnreferenced(hashes)` right after rows that named those hashes are deleted (a model, a
 *   version, a failed upload). Identical bytes are stored once, so a blob another row still names
 *   — another version, a fork — stays.
 * - `sweepOrphans()` from housekeeping, for blobs a crash left behind (written, but the row never
 *   committed, or the row deleted and the hub killed before it swept). Only blobs older than
 *   `minAgeMs` are considered, so an upload in progress (its blobs written, its version row not
 *   yet) is left alone; `put` of existing bytes refreshes the blob's time for the same reason.
 */
import type { ArtifactStore } from './artifact-store.js';

/** Which of these hashes some row still names. */
export type BlobReferences = (sha256s: readonly string[]) => Promise<Set<string>>;

const BATCH = 500;

export class BlobSweeper {
  constructor(
    private readonly store: ArtifactStore,
    private readonly references: readonly BlobReferences[],
  ) {}

  private async referenced(sha256s: readonly string[]): Promise<Set<string>> {
    const used = new Set<string>();
    for (const source of this.references) for (const sha of await source(sha256s)) used.add(sha);
    return used;
  }

  /** Deletes those of `sha256s` that no row names; returns how many it deleted. */
  async deleteUnreferenced(sha256s: readonly string[]): Promise<number> {
    let deleted = 0;
    const unique = [...new Set(sha256s)];
    for (let i = 0; i < unique.length; i += BATCH) {
      const batch = unique.slice(i, i + BATCH);
      const used = await this.referenced(batch);
      for (const sha of batch) {
        if (used.has(sha)) continue;
        await this.store.delete(sha);
        deleted++;
      }
    }
    return deleted;
  }

  /** Deletes blobs older than `minAgeMs` that no row names (housekeeping); returns how many. */
  async sweepOrphans(minAgeMs = 86_400_000): Promise<number> {
    const cutoff = () => Date.now() - minAgeMs;
    let deleted = 0;
    let batch: string[] = [];
    const flush = async () => {
      const used = await this.referenced(batch);
      for (const sha of batch) {
        if (used.has(sha)) continue;
        // Put again since it was listed (an upload reusing the bytes)? Then it is not an orphan.
        const modified = await this.store.modifiedAt(sha);
        if (!modified || modified.getTime() > cutoff()) continue;
        await this.store.delete(sha);
        deleted++;
      }
      batch = [];
    };
    for await (const blob of this.store.list()) {
      if (blob.modifiedAt.getTime() > cutoff()) continue;
      batch.push(blob.sha256);
      if (batch.length >= BATCH) await flush();
    }
    if (batch.length > 0) await flush();
    return deleted;
  }
}
