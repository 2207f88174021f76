/**
 * MlService's choice between the online answer and the job, without a hub: an ML.PREDICT of at most
 * AIMASS_ML_ONLINE_MAX_ROWS rows is answered by the predictor (no job queued) with the job's columns
 * and a page of the rows; more rows, no predictor, no deployment or a failed online call queue the job.
 */
import 'reflect-metadata';
import { describe, expect, it } from 'vitest';
import type { Principal } from '../../accounts/index.js';
import type { CatalogService } from '../../catalog/index.js';
import type { JobsService } from '../../compute/index.js';
import type { Config } from '../../config.js';
import type { DatasetsService } from '../../datasets/index.js';
import { AppError } from '../../errors.js';
import { parseStatement, type PreparedStatement } from '../../sql/index.js';
import type { TrainingSql } from '../../training/index.js';
import { MlService } from '../ml.service.js';
import type { OnlinePredictCall, OnlinePredictor } from '../online-predictor.js';

const principal = { user: { id: 'u1', username: 'alice' }, via: 'session', credentialId: 's1', scopes: 'all' } as unknown as Principal;
const columns = [
  { name: 'id', type: 'integer' },
  { name: 'petal', type: 'double precision' },
  { name: 'color', type: 'text' },
];
const input = [
  [1, 0.5, 'red'],
  [2, -1.25, null],
  [3, 2, 'blue'],
];

class JobQueued extends Error {}

function service(options: { onlineMaxRows: number; predictor?: OnlinePredictor }) {
  const queued: unknown[] = [];
  const sql: TrainingSql = {
    columnsOf: async () => columns,
    runWrapped: async (_select, wrap) => (wrap('q').includes('count(') ? { columns: [{ name: 'n', type: 'bigint' }], rows: [[input.length]] } : { columns, rows: input }),
  };
  const version = {
    id: 'v1',
    number: 1,
    files: { 'model.json': { sha256: 'x', size: 1 } },
    signature: {
      features: [
        { name: 'petal', type: 'number', preprocessing: { kind: 'standardize', mean: 0, std: 1 } },
        { name: 'color', type: 'category', preprocessing: { kind: 'one_hot', vocabulary: ['red', 'blue', '__missing__'] } },
      ],
      labels: ['a', 'b'],
    },
    lineage: { hyperparameters: { label: 'species' } },
  };
  const catalog = {
    version: async () => version,
    byOwnerAndName: async () => ({ id: 'm1', ownerId: 'u1', visibility: 'private' }),
  } as unknown as CatalogService;
  const datasets = { recordUsage: async () => undefined } as unknown as DatasetsService;
  const jobs = {
    enqueue: async (job: unknown) => {
      queued.push(job);
      throw new JobQueued();
    },
  } as unknown as JobsService;
  const db = { query: async () => [] } as never;
  const config = { ml: { onlineMaxRows: options.onlineMaxRows, maxRows: 1000, waitMs: 0, resultHours: 1 }, training: { chunkRows: 100 } } as unknown as Config;
  const ml = new MlService(db, config, sql, catalog, datasets, jobs);
  if (options.predictor) ml.useOnlinePredictor(options.predictor);
  return { ml, queued };
}

function prepared(): PreparedStatement {
  const parsed = parseStatement('SELECT * FROM ML.PREDICT(MODEL alice.iris, (SELECT id, petal, color FROM alice.flowers))');
  return { source: parsed.source, statement: parsed.statement, select: { sql: 'SELECT 1', datasets: [] } } as unknown as PreparedStatement;
}

const predictor = (answer: (call: OnlinePredictCall) => Promise<Awaited<ReturnType<OnlinePredictor['predict']>>>) => {
  const calls: OnlinePredictCall[] = [];
  return { calls, predictor: { predict: async (_p: Principal, call: OnlinePredictCall) => (calls.push(call), answer(call)) } };
};

describe('ML.PREDICT online or as a job', () => {
  it('answers a small ML.PREDICT through the predictor: the job’s columns, a page of the rows, no job', async () => {
    const online = predictor(async (call) => ({ outputs: call.records.map((_, i) => (i === 1 ? [0.9, 0.1] : [0.2, 0.8])), deployment: 'alice/iris' }));
    const { ml, queued } = service({ onlineMaxRows: 3, predictor: online.predictor });
    const first = await ml.run(principal, prepared(), { offset: 0, first: 2 });
    expect(queued).toEqual([]);
    expect(online.calls).toEqual([
      {
        model: { id: 'm1', owner: 'alice', name: 'iris' },
        versionNumber: 1,
        records: [{ petal: 0.5, color: 'red' }, { petal: -1.25, color: null }, { petal: 2, color: 'blue' }],
      },
    ]);
    expect(first.columns.map((c) => c.name)).toEqual(['id', 'petal', 'color', 'predicted_species', 'predicted_species_probs']);
    expect(first.totalCount).toBe(3);
    expect(first.rows).toEqual([
      [1, 0.5, 'red', 'b', [{ label: 'a', prob: 0.2 }, { label: 'b', prob: 0.8 }]],
      [2, -1.25, null, 'a', [{ label: 'a', prob: 0.9 }, { label: 'b', prob: 0.1 }]],
    ]);
    // The next page is predicted online again (no job was kept to page through).
    const next = await ml.run(principal, prepared(), { offset: 2, first: 2 });
    expect(next.rows).toEqual([[3, 2, 'blue', 'b', [{ label: 'a', prob: 0.2 }, { label: 'b', prob: 0.8 }]]]);
    expect(next.totalCount).toBe(3);
    expect(queued).toEqual([]);
  });

  it('queues the job for more rows than the limit, without a predictor, without a deployment, and when the online call fails', async () => {
    const cases: { onlineMaxRows: number; predictor?: OnlinePredictor }[] = [
      { onlineMaxRows: 2, predictor: predictor(async () => ({ outputs: [], deployment: 'x' })).predictor },
      { onlineMaxRows: 3 },
      { onlineMaxRows: 3, predictor: predictor(async () => null).predictor },
      { onlineMaxRows: 3, predictor: predictor(async () => Promise.reject(new AppError('UNAVAILABLE', 'no ready replica'))).predictor },
      { onlineMaxRows: 3, predictor: predictor(async () => Promise.reject(new AppError('RATE_LIMITED', 'daily quota spent'))).predictor },
      // An answer that does not fit the version (a row short) is not believed.
      { onlineMaxRows: 3, predictor: predictor(async () => ({ outputs: [[0.5, 0.5]], deployment: 'x' })).predictor },
    ];
    for (const c of cases) {
      const { ml, queued } = service(c);
      await expect(ml.run(principal, prepared(), { offset: 0, first: 10 })).rejects.toBeInstanceOf(JobQueued);
      expect(queued).toHaveLength(1);
      expect(queued[0]).toMatchObject({ kind: 'predict', payload: { rowCount: 3, model: 'alice.iris@1' } });
    }
  });
});
