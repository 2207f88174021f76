/**
 * The predict job's HTTP endpoints on the hub (schema/ml.ts lists them), called with the job
 * token. Network errors and 5xx are retried a few times with backoff; a 404 means the token no
 * longer opens the job (lease lost, job canceled) and a 400 that the hub refused what we sent:
 * both end the attempt. Answers are parsed before they are used.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { rowsChunk, type RowsChunk } from '../../../../schema/index.js';
import { PermanentJobError, type JobContext } from '../job-handler.js';

const RETRIES = 6;

export class PredictHub {
  constructor(private readonly ctx: Pick<JobContext<'predict'>, 'hubFetch' | 'signal'>) {}

  private async call(what: string, path: string, init: () => RequestInit = () => ({})): Promise<Response> {
    let lastError = '';
    for (let attempt = 0; attempt <= RETRIES; attempt++) {
      if (attempt > 0) await sleep(Math.min(8000, 250 * 2 ** attempt), undefined, { signal: this.ctx.signal });
      this.ctx.signal.throwIfAborted();
      let res: Response;
      try {
        res = await this.ctx.hubFetch(path, init());
      } catch (error) {
        if (this.ctx.signal.aborted) throw error;
        lastError = (error as Error).message;
        continue;
      }
      if (res.ok) return res;
      const text = await res.text().catch(() => '');
      let message = text.slice(0, 500);
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
      } catch {
        // not JSON: keep the text
      }
      if (res.status === 404) throw new Error(`${what}: the hub no longer lets this attempt work on the job (lease lost or job canceled)`);
      if (res.status === 400 || res.status === 413) throw new PermanentJobError(`${what}: the hub refused it: ${message}`);
      if (res.status < 500 && res.status !== 408 && res.status !== 429) throw new Error(`${what}: the hub answered ${res.status}: ${message}`);
      lastError = `HTTP ${res.status}: ${message}`;
    }
    throw new Error(`${what}: the hub did not answer after ${RETRIES + 1} tries (${lastError})`);
  }

  async file(path: string): Promise<ArrayBuffer> {
    return (await this.call(`downloading the model file ${path}`, `/ml/file?path=${encodeURIComponent(path)}`)).arrayBuffer();
  }

  async rows(offset: number, limit: number): Promise<RowsChunk> {
    const res = await this.call('reading the input rows', `/ml/rows?offset=${offset}&limit=${limit}`);
    const parsed = rowsChunk.safeParse(await res.json());
    if (!parsed.success) throw new Error(`reading the input rows: the hub's answer is malformed (${parsed.error.issues[0].message})`);
    return parsed.data;
  }

  async predictions(offset: number, outputs: (number | null)[][]): Promise<void> {
    await this.call('uploading predictions', '/ml/predictions', () => ({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ offset, outputs }),
    }));
  }
}
