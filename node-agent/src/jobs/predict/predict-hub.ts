/**
 * The predict job's HTTP endpoints on the hub (schema/ml.ts lists them), called with the job
 * token, through hubCall (retries, and what each refusal means). Answers are parsed before they are used.
 */
import { rowsChunk, type RowsChunk } from '../../../../schema/index.js';
import { hubCall } from '../hub-call.js';
import type { JobContext } from '../job-handler.js';

export class PredictHub {
  constructor(private readonly ctx: Pick<JobContext<'predict'>, 'hubFetch' | 'signal'>) {}

  private call(what: string, path: string, init?: () => RequestInit): Promise<Response> {
    return hubCall(this.ctx, what, path, init);
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
