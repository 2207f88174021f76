/**
 * The training job's HTTP endpoints on the hub (schema/training.ts lists them), called with the
 * job token. Network errors and 5xx are retried a few times with backoff; a 404 means the token no
 * longer opens the job (lease lost, job canceled) and a 4xx that the hub refused what we sent:
 * both end the attempt. Everything the hub answers is parsed before it is used — a checkpoint
 * was written by another agent, which we trust no more than the hub trusts us.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import {
  checkpointState,
  checkpointWeightBytes,
  rowsChunk,
  type CheckpointState,
  type EpochReport,
  type RowsChunk,
  type TrainedModelInfo,
} from '../../../../schema/index.js';
import { PermanentJobError, type JobContext } from '../job-handler.js';

const RETRIES = 6;

export interface FinishedModel {
  modelVersionId: string;
  versionNumber: number;
  epochs: number;
  stoppedEarly: boolean;
}

export class TrainingHub {
  constructor(private readonly ctx: Pick<JobContext<'train'>, 'hubFetch' | 'signal'>) {}

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

  async rows(offset: number, limit: number): Promise<RowsChunk> {
    const res = await this.call('reading the training rows', `/rows?offset=${offset}&limit=${limit}`);
    const parsed = rowsChunk.safeParse(await res.json());
    if (!parsed.success) throw new Error(`reading the training rows: the hub's answer is malformed (${parsed.error.issues[0].message})`);
    return parsed.data;
  }

  async epochs(epochs: EpochReport[]): Promise<void> {
    await this.call('reporting epochs', '/epochs', () => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ epochs }) }));
  }

  /** The newest checkpoint, or null when there is none or it does not hold together (then training starts over). */
  async checkpoint(): Promise<{ state: CheckpointState; weights: Float32Array } | { state: null; problem: string | null }> {
    const res = await this.call('reading the checkpoint', '/checkpoint');
    if (res.status === 204) return { state: null, problem: null };
    const parsed = checkpointState.safeParse(await res.json().catch(() => null));
    if (!parsed.success) return { state: null, problem: `its state is malformed (${parsed.error.issues[0].path.join('.')}: ${parsed.error.issues[0].message})` };
    const bytes = await (await this.call('reading the checkpoint weights', '/checkpoint/weights')).arrayBuffer();
    if (bytes.byteLength !== checkpointWeightBytes(parsed.data)) return { state: null, problem: `its weights have ${bytes.byteLength} bytes, not ${checkpointWeightBytes(parsed.data)}` };
    return { state: parsed.data, weights: new Float32Array(bytes) };
  }

  async saveCheckpoint(state: CheckpointState, weights: Float32Array): Promise<void> {
    await this.call('uploading a checkpoint', '/checkpoints', () => {
      const form = new FormData();
      form.append('files', new Blob([JSON.stringify(state)], { type: 'application/json' }), 'state.json');
      form.append('files', new Blob([weights as Float32Array<ArrayBuffer>]), 'weights.bin');
      return { method: 'POST', body: form };
    });
  }

  /** The version an earlier attempt already made, if one did. */
  async finished(): Promise<FinishedModel | null> {
    const res = await this.call('asking for the trained model', '/model');
    return res.status === 204 ? null : finishedModel(await res.json());
  }

  async uploadModel(modelJson: object, weights: Uint8Array, info: TrainedModelInfo): Promise<FinishedModel> {
    const res = await this.call('uploading the trained model', '/model', () => {
      const form = new FormData();
      form.append('files', new Blob([JSON.stringify(modelJson)], { type: 'application/json' }), 'model.json');
      form.append('files', new Blob([weights as Uint8Array<ArrayBuffer>]), 'weights.bin');
      form.append('files', new Blob([JSON.stringify(info)], { type: 'application/json' }), 'training.json');
      return { method: 'POST', body: form };
    });
    return finishedModel(await res.json());
  }
}

function finishedModel(value: unknown): FinishedModel {
  const v = value as Partial<FinishedModel> | null;
  if (typeof v?.modelVersionId !== 'string' || typeof v.versionNumber !== 'number' || typeof v.epochs !== 'number' || typeof v.stoppedEarly !== 'boolean') {
    throw new Error('the hub answered the model upload with something unexpected');
  }
  return { modelVersionId: v.modelVersionId, versionNumber: v.versionNumber, epochs: v.epochs, stoppedEarly: v.stoppedEarly };
}
