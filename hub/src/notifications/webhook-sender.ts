/**
 * One webhook POST, with the hub's rules for calling out: a timeout on the whole exchange,
 * addresses checked against SSRF (webhook-url.ts) on the connection actually made, no redirects
 * followed, and the receiver's answer read (at most 64 KiB) and thrown away.
 *
 * Retrying is decided here: network errors, timeouts, 5xx, 408 and 429 are worth another try;
 * other answers (4xx, 3xx) will not change by themselves, and a refused private address neither.
 */
import http from 'node:http';
import https from 'node:https';
import { guardedLookup, literalAddressProblem, PrivateAddressError } from './webhook-url.js';

export interface SendResult {
  ok: boolean;
  retryable: boolean;
  statusCode: number | null;
  error: string | null;
  durationMs: number;
}

const MAX_ANSWER_BYTES = 64 * 1024;

export function classify(statusCode: number): Pick<SendResult, 'ok' | 'retryable' | 'error'> {
  if (statusCode >= 200 && statusCode < 300) return { ok: true, retryable: false, error: null };
  if (statusCode >= 300 && statusCode < 400) return { ok: false, retryable: false, error: `answered ${statusCode}: redirects are not followed` };
  const retryable = statusCode >= 500 || statusCode === 408 || statusCode === 429;
  return { ok: false, retryable, error: `answered ${statusCode}` };
}

export function postWebhook(
  target: string,
  body: string,
  headers: Record<string, string>,
  options: { timeoutMs: number; allowPrivate: boolean; signal?: AbortSignal },
): Promise<SendResult> {
  const started = Date.now();
  const done = (partial: Omit<SendResult, 'durationMs'>): SendResult => ({ ...partial, durationMs: Date.now() - started });
  return new Promise((resolve) => {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      return resolve(done({ ok: false, retryable: false, statusCode: null, error: 'the webhook URL is not valid' }));
    }
    const refused = literalAddressProblem(url, options.allowPrivate);
    if (refused) return resolve(done({ ok: false, retryable: false, statusCode: null, error: refused.message }));
    let settled = false;
    const settle = (result: SendResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    const client = url.protocol === 'https:' ? https : http;
    const req = client.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), 'user-agent': 'AIMass-Webhooks/1', ...headers },
      lookup: guardedLookup(options.allowPrivate),
      agent: false,
    });
    const timer = setTimeout(() => req.destroy(new Error(`timed out after ${options.timeoutMs} ms`)), options.timeoutMs);
    const onAbort = () => req.destroy(new Error('the hub is stopping'));
    options.signal?.addEventListener('abort', onAbort, { once: true });
    req.on('response', (res) => {
      const statusCode = res.statusCode ?? 0;
      let read = 0;
      res.on('data', (chunk: Buffer) => {
        read += chunk.length;
        if (read > MAX_ANSWER_BYTES) res.destroy();
      });
      const finish = () => settle(done({ ...classify(statusCode), statusCode }));
      res.on('end', finish);
      res.on('close', finish);
      res.on('error', finish);
    });
    req.on('error', (error) => {
      const privateAddress = error instanceof PrivateAddressError;
      settle(done({ ok: false, retryable: !privateAddress, statusCode: null, error: describeError(error) }));
    });
    req.end(body);
  });
}

function describeError(error: Error & { code?: string }): string {
  if (error.code === 'ECONNREFUSED') return 'connection refused';
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN') return 'the host name did not resolve';
  if (error.code === 'ECONNRESET') return 'the connection was reset';
  return error.message.slice(0, 500);
}
