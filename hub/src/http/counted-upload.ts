/**
 * Counts an upload by its outcome once the work behind it is over (aimass_uploads_total): on
 * success the version exists; on failure its transaction is rolled back and its temporary files are
 * gone, which is what a client that went away mid-upload cannot be told any other way.
 */
import { AppError } from '../errors.js';
import type { Metrics } from '../metrics.js';

export async function countedUpload<T>(uploads: Metrics['uploads'], kind: 'dataset' | 'model', work: Promise<T>): Promise<T> {
  try {
    const result = await work;
    uploads.inc({ kind, outcome: 'created' });
    return result;
  } catch (error) {
    uploads.inc({ kind, outcome: error instanceof AppError ? error.code : 'INTERNAL' });
    throw error;
  }
}
