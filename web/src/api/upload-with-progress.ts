/**
 * POSTs a body to one of the hub's REST upload routes over XMLHttpRequest, because fetch()
 * reports no upload progress. Carries the session token; resolves with the JSON answer when the
 * status is `expected`; otherwise rejects with a GraphQLRequestError built from the hub's
 * `{ error: { code, message, fields? } }` (and ends the session on UNAUTHENTICATED, as GraphQL
 * requests do).
 */
import { GraphQLRequestError } from './graphql-request-error';
import { clearSession, getToken } from './session';

export interface UploadRequest {
  url: string;
  /** A file as the raw body, or several files as multipart/form-data. */
  body: Blob | FormData;
  /** Set for a raw body; the browser writes the multipart boundary itself. */
  contentType?: string;
  /** Bytes sent so far and the total, as the browser reports them. */
  onProgress(sent: number, total: number): void;
  signal?: AbortSignal;
  /** The success status; default 201 Created. */
  expected?: number;
}

export function uploadWithProgress<T>({ url, body, contentType, onProgress, signal, expected = 201 }: UploadRequest): Promise<T> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', url);
    const token = getToken();
    if (token) xhr.setRequestHeader('authorization', `Bearer ${token}`);
    if (contentType) xhr.setRequestHeader('content-type', contentType);
    xhr.responseType = 'text';
    let total = body instanceof Blob ? body.size : filesSize(body);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) total = event.total;
      onProgress(event.loaded, Math.max(total, event.loaded));
    };
    // The last progress event may be skipped for a small body; the upload's load says it is all sent.
    xhr.upload.onload = () => onProgress(total, total);
    xhr.onerror = () => reject(new GraphQLRequestError('NETWORK', 'The upload was cut off: the hub cannot be reached, or it closed the connection.'));
    xhr.onabort = () => reject(new GraphQLRequestError('NETWORK', 'The upload was canceled.'));
    xhr.onload = () => {
      let answer: unknown;
      try {
        answer = JSON.parse(xhr.responseText);
      } catch {
        reject(new GraphQLRequestError('INTERNAL', `The hub answered ${xhr.status} without a JSON body.`));
        return;
      }
      if (xhr.status === expected) {
        resolve(answer as T);
        return;
      }
      const error = GraphQLRequestError.fromErrors([{ message: errorOf(answer).message, extensions: errorOf(answer) }]);
      if (error.code === 'UNAUTHENTICATED' && token && token === getToken()) clearSession();
      reject(error);
    };
    signal?.addEventListener('abort', () => xhr.abort());
    xhr.send(body);
  });
}

/** The bytes of a form's files: what the browser will report as the total, less the multipart framing. */
function filesSize(form: FormData): number {
  let size = 0;
  form.forEach((value) => {
    if (typeof value !== 'string') size += value.size;
  });
  return size;
}

/** `{ error: { code, message, fields } }` → its inner object, or an empty one. */
function errorOf(body: unknown): Record<string, unknown> {
  const error = typeof body === 'object' && body !== null ? (body as { error?: unknown }).error : undefined;
  return typeof error === 'object' && error !== null ? (error as Record<string, unknown>) : {};
}
