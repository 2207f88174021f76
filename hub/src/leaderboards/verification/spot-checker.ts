/**
 * Spot checks: for each submission the hub draws `rows` hidden keys at random (crypto), predicts
 * them itself with the submitted model (spot-predict.ts, in a RecyclingWorker thread) and keeps
 * those outputs (benchmark_submissions.spot_sample). Every run of the submission is compared with
 * them on those keys. The nodes receive every hidden row the same way, whether sampled or not:
 * nothing in a run's stream says which rows the hub checks.
 */
import { randomInt } from 'node:crypto';
import type { Readable } from 'node:stream';
import type { DataSource } from 'typeorm';
import type { FeatureSpec } from '../../../../schema/index.js';
import type { BenchmarksService } from '../../benchmarks/index.js';
import { RecyclingWorker } from '../../recycling-worker.js';
import type { SpotPredictAnswer, SpotPredictRequest } from './spot-predict.js';

/** What a submission's spot check holds: the sampled keys and the hub's outputs, or why the hub could not predict. */
export type SpotSample = { keys: number[]; outputs: number[][] } | { skipped: string };

/** The model files the hub reads for a spot check (the artifact store). */
export interface BlobReader {
  get(sha256: string): Promise<Readable>;
}

async function bytes(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
  return Buffer.concat(chunks);
}

export class SpotChecker {
  private readonly worker: RecyclingWorker<SpotPredictRequest, SpotPredictAnswer>;

  constructor(
    private readonly db: DataSource,
    private readonly benchmarks: BenchmarksService,
    private readonly blobs: BlobReader,
    private readonly rows: number,
    options: { workerUrl?: URL; idleMs?: number } = {},
  ) {
    this.worker = new RecyclingWorker<SpotPredictRequest, SpotPredictAnswer>({
      workerUrl: options.workerUrl ?? new URL('./spot-check-worker.js', import.meta.url),
      recycleAfter: 50,
      idleMs: options.idleMs,
      failed: (reason) => ({ ok: false, reason: `the hub's TF.js worker ${reason}` }),
    });
  }

  get enabled(): boolean {
    return this.rows > 0;
  }

  /** The submission's sample, drawn and predicted on first use (`jobId`: any of its runs, for the model and features). */
  async sample(submissionId: string, jobId: string): Promise<SpotSample> {
    const [stored] = await this.db.query(`SELECT spot_sample FROM benchmark_submissions WHERE id = $1`, [submissionId]);
    if (stored?.spot_sample) return stored.spot_sample as SpotSample;
    const sample = await this.draw(jobId);
    await this.db.query(`UPDATE benchmark_submissions SET spot_sample = $2 WHERE id = $1 AND spot_sample IS NULL`, [submissionId, JSON.stringify(sample)]);
    const [again] = await this.db.query(`SELECT spot_sample FROM benchmark_submissions WHERE id = $1`, [submissionId]);
    return (again?.spot_sample as SpotSample) ?? sample;
  }

  private async draw(jobId: string): Promise<SpotSample> {
    const [job] = await this.db.query(
      `SELECT m.benchmark_id, m.row_count, j.payload->'features' AS features, v.files FROM ml_jobs m JOIN jobs j ON j.id = m.job_id
         JOIN model_versions v ON v.id = m.model_version_id WHERE m.job_id = $1`,
      [jobId],
    );
    if (!job) return { skipped: 'the run is gone' };
    const total = Number(job.row_count);
    const want = Math.min(this.rows, total);
    const keys = new Set<number>();
    // Keys are 1…n (hidden-split.ts).
    while (keys.size < want) keys.add(randomInt(1, total + 1));
    const sorted = [...keys].sort((a, b) => a - b);
    const features = job.features as FeatureSpec[];
    const rows: unknown[][] = [];
    for (const key of sorted) {
      const chunk = await this.benchmarks.hiddenFeatures(job.benchmark_id, key - 1, 1);
      const row = chunk.rows[0];
      if (!row || row.key !== key) return { skipped: `hidden row ${key} is missing` };
      const at = new Map(chunk.columns.map((c, i) => [c, i]));
      rows.push(features.map((f) => (at.has(f.name) ? row.values[at.get(f.name)!] : null)));
    }
    const files = job.files as Record<string, { sha256: string }>;
    if (!files['model.json']) return { skipped: 'the version has no model.json' };
    const modelJson = (await bytes(await this.blobs.get(files['model.json'].sha256))).toString('utf8');
    let paths: string[];
    try {
      paths = (JSON.parse(modelJson).weightsManifest as { paths: string[] }[]).flatMap((g) => g.paths);
    } catch {
      return { skipped: 'model.json is not a TF.js layers model' };
    }
    const shards: Buffer[] = [];
    for (const path of paths) {
      if (!files[path]) return { skipped: `model.json names ${path}, which the version does not have` };
      shards.push(await bytes(await this.blobs.get(files[path].sha256)));
    }
    const joined = Buffer.concat(shards);
    const weightData = joined.buffer.slice(joined.byteOffset, joined.byteOffset + joined.byteLength) as ArrayBuffer;
    const answer = await this.worker.run({ modelJson, weightData, features, rows }, [weightData]);
    return answer.ok ? { keys: sorted, outputs: answer.outputs } : { skipped: answer.reason };
  }

  close(): Promise<void> {
    return this.worker.close();
  }
}
