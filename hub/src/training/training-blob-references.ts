import type { DataSource } from 'typeorm';
import type { BlobReferences } from '../artifacts/index.js';

/** Training's references into the artifact store: every checkpoint's state and weights, and the models tuning trials keep. For the BlobSweeper. */
export function trainingBlobReferences(db: DataSource): BlobReferences {
  return async (sha256s) => {
    if (sha256s.length === 0) return new Set();
    const rows: { sha256: string }[] = await db.query(
      `SELECT state_sha256 AS sha256 FROM training_checkpoints WHERE state_sha256 = ANY($1::text[])
       UNION SELECT weights_sha256 FROM training_checkpoints WHERE weights_sha256 = ANY($1::text[])
       UNION SELECT f.value->>'sha256' FROM training_runs r, jsonb_each(r.trial_artifact->'files') AS f
         WHERE r.trial_artifact ? 'files' AND f.value->>'sha256' = ANY($1::text[])`,
      [[...sha256s]],
    );
    return new Set(rows.map((r) => r.sha256));
  };
}
