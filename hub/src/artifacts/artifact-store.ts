/**
 * The artifact store: content-addressed blobs, named by the SHA-256 of their bytes. The hub keeps
 * model weights and model.json files here. {@link FsArtifactStore} keeps them on the local
 * filesystem; this interface is all another store (S3-compatible) has to implement.
 *
 * Contract: `put` hashes while it writes, and a blob becomes visible under its hash only once all
 * its bytes are written (a failed or cut-off write leaves nothing behind). Blobs are immutable:
 * putting the same bytes twice stores them once.
 */
import type { Readable } from 'node:stream';

export interface PutResult {
  sha256: string;
  size: number;
  /** False when a blob with these bytes was already stored. */
  created: boolean;
}

export interface ArtifactStore {
  put(body: Readable): Promise<PutResult>;
  /** The blob's bytes; throws NOT_FOUND (AppError) when there is no such blob. */
  get(sha256: string): Promise<Readable>;
  has(sha256: string): Promise<boolean>;
  /** Removes a blob (no error when absent). Only for blobs nothing refers to (see BlobSweeper). */
  delete(sha256: string): Promise<void>;
  /** Every stored blob, with when it was last written (or put again), in no particular order. */
  list(): AsyncIterable<StoredBlob>;
  /** When the blob was last written or put again; undefined when there is no such blob. */
  modifiedAt(sha256: string): Promise<Date | undefined>;
}

export interface StoredBlob {
  sha256: string;
  modifiedAt: Date;
}

export const SHA256 = /^[0-9a-f]{64}$/;
