import type { DataSource } from 'typeorm';
import type { BlobReferences } from '../artifacts/index.js';

/**
 * The catalog's references into the artifact store: every file of every model version (forks
 * included: they name the same blobs as their source). For the BlobSweeper.
 */
export function modelBlobReferences(db: DataSource): BlobReferences {
  return async (sha256s) => {
    if (sha256s.length === 0) return new Set();
    const rows: { sha256: string }[] = await db.query(
      `SELECT DISTINCT f.value->>'sha256' AS sha256 FROM model_versions v, jsonb_each(v.files) f WHERE f.value->>'sha256' = ANY($1::text[])`,
      [[...sha256s]],
    );
    return new Set(rows.map((r) => r.sha256));
  };
}
