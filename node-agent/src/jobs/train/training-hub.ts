/**
 * The training job's HTTP endpoints on the hub (schema/training.ts lists them), called with the
 * job token, through hubCall (retries, and what each refusal means). Everything the hub answers is parsed before it is used — a checkpoint
 * was written by another agent, which we trust no more than the hub trusts us.
 */
import {
  checkpointState,
  checkpointWeightBytes,
  rowsChunk,
  type CheckpointState,
  type EpochReport,
  type RowsChunk,
  type TrainedModelInfo,
} from '../../../../schema/index.js';
import { hubCall } from '../hub-call.js';
import type { JobContext } from '../job-handler.js';

export interface FinishedModel {
  modelVersionId: string;
  versionNumber: number;
  epochs: number;
  stoppedEarly: boolean;
}

export class TrainingHub {
  constructor(private readonly ctx: Pick<JobContext<'train'>, 'hubFetch' | 'signal'>) {}

  private call(what: string, path: string, init?: () => RequestInit): Promise<Response> {
    return hubCall(this.ctx, what, path, init);
  }

  async rows(offset: number, limit: number): Promise<RowsChunk> {
    const res = await this.call('reading the training rows', `/rows?offset=${offset}&limit=${limit}`);
    const body: unknown = await res.json();
    const malformed = (why: string) => new Error(`reading the training rows: the hub's answer is malformed (${why})`);
    // rowsChunk checks all but the rows, which are checked here by hand (an array of arrays, as
    // rowsChunk says): zod's first parses of thousands of rows in a fresh worker cost tens of ms a chunk.
    const rows = (body as { rows?: unknown } | null)?.rows;
    const parsed = rowsChunk.safeParse(body !== null && typeof body === 'object' && !Array.isArray(body) ? { ...body, rows: [] } : body);
    if (!parsed.success) throw malformed(parsed.error.issues[0].message);
    if (!Array.isArray(rows) || !rows.every((row) => Array.isArray(row))) throw malformed('rows must be an array of arrays');
    return { ...parsed.data, rows: rows as unknown[][] };
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

  /** The version made, and the hub's own timing of its steps (its Server-Timing, in ms; for the agent's step log only). */
  async uploadModel(modelJson: object, weights: Uint8Array, info: TrainedModelInfo): Promise<{ made: FinishedModel; hubTimings: Record<string, number> }> {
    const res = await this.call('uploading the trained model', '/model', () => {
      const form = new FormData();
      form.append('files', new Blob([JSON.stringify(modelJson)], { type: 'application/json' }), 'model.json');
      form.append('files', new Blob([weights as Uint8Array<ArrayBuffer>]), 'weights.bin');
      form.append('files', new Blob([JSON.stringify(info)], { type: 'application/json' }), 'training.json');
      return { method: 'POST', body: form };
    });
    return { made: finishedModel(await res.json()), hubTimings: serverTiming(res.headers.get('server-timing')) };
  }
}

/** `name;dur=12.5, …` as milliseconds by name; anything else in the header is left out. */
export function serverTiming(header: string | null): Record<string, number> {
  const timings: Record<string, number> = {};
  for (const entry of (header ?? '').split(',').slice(0, 16)) {
    const [name, ...params] = entry.split(';').map((part) => part.trim());
    const dur = params.find((p) => p.startsWith('dur='));
    const ms = Number(dur?.slice(4));
    if (/^[A-Za-z0-9_-]{1,32}$/.test(name) && Number.isFinite(ms) && ms >= 0) timings[name] = ms;
  }
  return timings;
}

function finishedModel(value: unknown): FinishedModel {
  const v = value as Partial<FinishedModel> | null;
  if (typeof v?.modelVersionId !== 'string' || typeof v.versionNumber !== 'number' || typeof v.epochs !== 'number' || typeof v.stoppedEarly !== 'boolean') {
    throw new Error('the hub answered the model upload with something unexpected');
  }
  return { modelVersionId: v.modelVersionId, versionNumber: v.versionNumber, epochs: v.epochs, stoppedEarly: v.stoppedEarly };
}
