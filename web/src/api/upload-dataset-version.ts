/**
 * Uploading a dataset version: the file as the raw body of
 * `POST /api/datasets/:owner/:name/versions?format=…&raggedRows=…` (hub/src/datasets/datasets.routes.ts),
 * over XMLHttpRequest because fetch() reports no upload progress. Resolves with the 201 answer;
 * rejects with a GraphQLRequestError built from the hub's `{ error: { code, message, fields? } }`.
 */
import { GraphQLRequestError } from './graphql-request-error';
import { clearSession, getToken } from './session';
import type { DatasetColumn, IngestReport } from './types';

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
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    const query = new URLSearchParams({ format, raggedRows });
    xhr.open('POST', `/api/datasets/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/versions?${query}`);
    const token = getToken();
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.setRequestHeader('content-type', 'application/octet-stream');
    xhr.responseType = 'text';
    xhr.upload.onprogress = (event) => onProgress(event.loaded, event.lengthComputable ? event.total : file.size);
    // The last progress event may be skipped for a small body; the upload's load says it is all sent.
    xhr.upload.onload = () => onProgress(file.size, file.size);
    xhr.onerror = () => reject(new GraphQLRequestError('NETWORK', 'The upload was cut off: the hub cannot be reached, or it closed the connection.'));
    xhr.onabort = () => reject(new GraphQLRequestError('NETWORK', 'The upload was canceled.'));
    xhr.onload = () => {
      let body: unknown;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        reject(new GraphQLRequestError('INTERNAL', `The hub answered ${xhr.status} without a JSON body.`));
        return;
      }
      if (xhr.status === 201) {
        resolve(body as UploadedVersion);
        return;
      }
      const error = GraphQLRequestError.fromErrors([{ message: errorOf(body).message, extensions: errorOf(body) }]);
      if (error.code === 'UNAUTHENTICATED' && token && token === getToken()) clearSession();
      reject(error);
    };
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(file);
  });
}

/** `{ error: { code, message, fields } }` → its inner object, or an empty one. */
function errorOf(body: unknown): Record<string, unknown> {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
}
