/** Helpers for model catalog tests: create models, build a real TF.js model, upload its files over HTTP. */
import http from 'node:http';
import * as tf from '@tensorflow/tfjs';
import type { TestHub } from './support/hub.js';

export const CREATE_MODEL = `mutation($input: CreateModelInput!) { createModel(input: $input) { id owner name task framework tags license visibility description downloads } }`;

export async function createModel(hub: TestHub, token: string, input: Record<string, unknown>): Promise<{ id: string; owner: string; name: string }> {
  const res = await hub.graphql(CREATE_MODEL, { input }, token);
  if (!res.data?.createModel) throw new Error(`createModel failed: ${JSON.stringify(res.errors)}`);
  return res.data.createModel;
}

export interface ModelFiles {
  model: tf.LayersModel;
  /** path → bytes, model.json included */
  files: Map<string, Uint8Array>;
}

let ready: Promise<void> | undefined;
export function tfReady(): Promise<void> {
  ready ??= tf.setBackend('cpu').then(() => tf.ready());
  return ready;
}

/** A small Sequential model (3 → 4 relu → 2 softmax) with its files as the TF.js layers format. */
export async function buildModel(shards = 1): Promise<ModelFiles> {
  await tfReady();
  const model = tf.sequential({
    layers: [tf.layers.dense({ inputShape: [3], units: 4, activation: 'relu' }), tf.layers.dense({ units: 2, activation: 'softmax' })],
  });
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  const data = saved!.weightData!;
  const weights = new Uint8Array(Array.isArray(data) ? Buffer.concat(data.map((d) => Buffer.from(d))) : Buffer.from(data as ArrayBuffer));
  const paths: string[] = [];
  const files = new Map<string, Uint8Array>();
  const step = Math.ceil(weights.length / shards);
  for (let i = 0; i < shards; i++) {
    const p = `group1-shard${i + 1}of${shards}.bin`;
    paths.push(p);
    files.set(p, weights.slice(i * step, (i + 1) * step));
  }
  const manifest = { format: 'layers-model', generatedBy: 'test', convertedBy: null, modelTopology: saved!.modelTopology, weightsManifest: [{ paths, weights: saved!.weightSpecs }] };
  files.set('model.json', new TextEncoder().encode(JSON.stringify(manifest)));
  return { model, files };
}

export interface UploadResponse {
  status: number;
  body: any;
}

/** POSTs `files` (path → bytes) as multipart/form-data to the upload endpoint. */
export async function uploadFiles(hub: TestHub, token: string | undefined, owner: string, name: string, files: Map<string, Uint8Array | string>): Promise<UploadResponse> {
  const form = new FormData();
  for (const [path, bytes] of files) form.append('files', new Blob([bytes as BlobPart]), path);
  const res = await fetch(`${hub.url}/api/models/${encodeURIComponent(owner)}/${encodeURIComponent(name)}/versions`, {
    method: 'POST',
    headers: token ? { authorization: `Bearer ${token}` } : {},
    body: form,
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: res.status, body };
}

/** Sends a raw multipart body with chunked transfer encoding (no Content-Length); resolves with the status or 'reset'. */
export function chunkedUpload(hub: TestHub, token: string, owner: string, name: string, path: string, bytes: Buffer, opts: { abortAfter?: number } = {}): Promise<number | 'reset' | 'aborted'> {
  const boundary = 'catalogtestboundary';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="files"; filename="${path}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve) => {
    const req = http.request(
      new URL(`/api/models/${owner}/${name}/versions`, hub.url),
      { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': `multipart/form-data; boundary=${boundary}`, 'transfer-encoding': 'chunked' } },
      (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      },
    );
    req.on('error', () => resolve('reset'));
    (async () => {
      let sent = 0;
      for (const chunk of [head, ...Array.from({ length: Math.ceil(bytes.length / 16384) }, (_, i) => bytes.subarray(i * 16384, (i + 1) * 16384)), tail]) {
        if (req.destroyed) return;
        if (!req.write(chunk)) await new Promise((r) => req.once('drain', r));
        if (opts.abortAfter !== undefined && ++sent >= opts.abortAfter) {
          await new Promise((r) => setTimeout(r, 200));
          req.destroy();
          return resolve('aborted');
        }
      }
      req.end();
    })();
  });
}

/** Sends only the headers of an upload declaring `length` bytes, and resolves with the hub's answer (which must come before any body). */
export function declaredUpload(hub: TestHub, token: string, owner: string, name: string, length: number): Promise<UploadResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request(new URL(`/api/models/${owner}/${name}/versions`, hub.url), {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'multipart/form-data; boundary=x', 'content-length': String(length) },
    });
    req.on('response', (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => (text += d));
      res.on('end', () => {
        req.destroy();
        resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) });
      });
    });
    req.on('error', reject);
    req.flushHeaders();
  });
}
