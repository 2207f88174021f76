/**
 * Uploading a dataset version: the file as the raw body of
 * `POST /api/datasets/:owner/:name/versions?format=…&raggedRows=…` (hub/src/datasets/datasets.routes.ts),
 * with progress (see uploadWithProgress). Resolves with the 201 answer; rejects with a
 * GraphQLRequestError built from the hub's `{ error: { code, message, fields? } }`.
 */
import type { DatasetColumn, IngestReport } from './types';
import { uploadWithProgress } from './upload-with-progress';

export type UploadFormat = 'csv' | 'tsv' | 'jsonl';
export type RaggedPolicy = 'reject' | 'pad';

export interface UploadedVersion {
  id: string;
  number: number;
  status: string;
  rowCount: number;
  columns: (Omit<DatasetColumn, 'type'> & { type: string })[];
  ingestReport: IngestReport;
  createdAt: string;
}

export interface UploadOptions {
  owner: string;
  name: string;
  file: Blob;
  format: UploadFormat;
  raggedRows: RaggedPolicy;
  /** Bytes sent so far and the total, as the browser reports them. */
  onProgress(sent: number, total: number): void;
  signal?: AbortSignal;
}

/** The format a file name suggests: .tsv/.tab → tsv, .jsonl/.ndjson → jsonl, anything else csv. */
export function formatFromFileName(fileName: string): UploadFormat {
  const extension = fileName.toLowerCase().split('.').pop() ?? '';
  if (extension === 'tsv' || extension === 'tab') return 'tsv';
  if (extension === 'jsonl' || extension === 'ndjson') return 'jsonl';
  return 'csv';
}

export function uploadDatasetVersion({ owner, name, file, format, raggedRows, onProgress, signal }: UploadOptions): Promise<UploadedVersion> {
  const query = new URLSearchParams({ format, raggedRows });
  return uploadWithProgress<UploadedVersion>({
    url: `/api/datasets/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/versions?${query}`,
    body: file,
    contentType: 'application/octet-stream',
    onProgress,
    signal,
  });
}
