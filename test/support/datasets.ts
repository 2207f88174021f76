/** Helpers for data-market tests: create a dataset, upload a version over real HTTP. */
import http from 'node:http';
import type { TestHub } from './hub.js';

export const CREATE_DATASET = `mutation($input: CreateDatasetInput!) { createDataset(input: $input) { id owner name visibility tags } }`;

export async function createDataset(hub: TestHub, token: string, input: Record<string, unknown>): Promise<{ id: string; owner: string; name: string }> {
  const res = await hub.graphql(CREATE_DATASET, { input }, token);
  if (!res.data?.createDataset) throw new Error(`createDataset failed: ${JSON.stringify(res.errors)}`);
  return res.data.createDataset;
}

export interface UploadResponse {
  status: number;
  body: any;
}

/** POSTs `body` to the upload endpoint; `query` becomes the query string. */
export async function upload(
  hub: TestHub,
  token: string | undefined,
  owner: string,
  name: string,
  body: string | Buffer,
  query: Record<string, string> = {},
): Promise<UploadResponse> {
  const qs = new URLSearchParams(query).toString();
  const res = await fetch(`${hub.url}/api/datasets/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/versions${qs ? `?${qs}` : ''}`, {
    method: 'POST',
    headers: { 'content-type': 'text/csv', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: typeof body === 'string' ? body : new Uint8Array(body),
  });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: res.status, body: parsed };
}

/**
 * Sends a body in chunks with chunked transfer encoding (no Content-Length) and resolves with the
 * status the hub answered, or 'reset' when it closed the connection first.
 */
export function streamUpload(hub: TestHub, token: string, pathAndQuery: string, chunks: Iterable<Buffer>, opts: { abortAfter?: number } = {}): Promise<number | 'reset' | 'aborted'> {
  return new Promise((resolve) => {
    const url = new URL(pathAndQuery, hub.url);
    const req = http.request(url, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'transfer-encoding': 'chunked' } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', () => resolve('reset'));
    let sent = 0;
    (async () => {
      for (const chunk of chunks) {
        if (req.destroyed) return;
        if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
        sent++;
        if (opts.abortAfter !== undefined && sent >= opts.abortAfter) {
          await new Promise((r) => setTimeout(r, 200));
          req.destroy();
          resolve('aborted');
          return;
        }
      }
      req.end();
    })();
  });
}
