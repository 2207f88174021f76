/**
 * ML.TRAINING_INFO(MODEL owner.name[@version]), after BigQuery ML
 * (https://cloud.google.com/bigquery/docs/reference/standard-sql/bigqueryml-syntax-train):
 * the epochs a training run's agent reported, plus each epoch's metrics.
 */
import type { DataSource } from 'typeorm';
import type { Principal } from '../accounts/index.js';
import type { CatalogService } from '../catalog/index.js';
import { SqlError, type PreparedStatement, type SqlStatement } from '../sql/index.js';
import { TrainingRun } from './training-run.entity.js';
import type { StatementRows } from './training.service.js';

/** After BigQuery's ML.TRAINING_INFO, plus the metrics each epoch reported. */
const TRAINING_INFO_COLUMNS = [
  { name: 'training_run', type: 'bigint' },
  { name: 'iteration', type: 'bigint' },
  { name: 'loss', type: 'double precision' },
  { name: 'eval_loss', type: 'double precision' },
  { name: 'learning_rate', type: 'double precision' },
  { name: 'duration_ms', type: 'bigint' },
  { name: 'metrics', type: 'jsonb' },
];

/**
 * ML.TRAINING_INFO(MODEL owner.name[@version]): the epochs of the run that made that version,
 * or of the model's latest run (readable while it trains). One row per epoch — the latest
 * attempt's, when an epoch was run again after a resume — in epoch order.
 */
export async function trainingInfo(
  deps: { db: DataSource; catalog: CatalogService },
  principal: Principal,
  prepared: PreparedStatement,
  page: { offset: number; first: number },
): Promise<StatementRows> {
  const runs = deps.db.getRepository(TrainingRun);
  const statement = prepared.statement as Extract<SqlStatement, { kind: 'ML_TRAINING_INFO' }>;
  const ref = statement.model;
  const at = prepared.source.position(ref.offset);
  const model = await deps.catalog.get(principal, ref.owner, ref.name);
  let run: TrainingRun | null;
  if (ref.version) {
    const version = await deps.catalog.version(principal, ref.owner, ref.name, ref.version);
    run = await runs.findOneBy({ modelVersionId: version.id });
    if (!run) throw new SqlError('BAD_USER_INPUT', `version ${version.number} of model ${ref.owner}.${ref.name} was not trained with CREATE MODEL: it has no training info`, at);
  } else {
    // Of a tuning (its trials are written together): the best trial once picked, else the first.
    run = await runs
      .createQueryBuilder('r')
      .where('r.modelId = :id', { id: model.id })
      .orderBy('r.createdAt', 'DESC')
      .addOrderBy('r.modelVersionId IS NOT NULL', 'DESC')
      .addOrderBy('r.trialNumber', 'ASC', 'NULLS FIRST')
      .getOne();
    if (!run) throw new SqlError('BAD_USER_INPUT', `model ${ref.owner}.${ref.name} has no training runs: train it with CREATE MODEL … AS SELECT …`, at);
  }
  const [{ index }] = await deps.db.query(`SELECT count(*)::int AS index FROM training_runs WHERE model_id = $1 AND created_at < $2`, [model.id, run.createdAt]);
  const [{ total }] = await deps.db.query(`SELECT count(DISTINCT epoch)::int AS total FROM training_epochs WHERE run_id = $1`, [run.id]);
  const epochs: { epoch: number; loss: number; eval_loss: number | null; learning_rate: number; duration_ms: number; metrics: Record<string, number> }[] = await deps.db.query(
    `SELECT * FROM (SELECT DISTINCT ON (epoch) epoch, loss, eval_loss, learning_rate, duration_ms, metrics FROM training_epochs
       WHERE run_id = $1 ORDER BY epoch, attempt DESC) AS e ORDER BY epoch OFFSET $2 LIMIT $3`,
    [run.id, page.offset, page.first],
  );
  const rows = epochs.map((e) => [index, e.epoch - 1, Number(e.loss), e.eval_loss === null ? null : Number(e.eval_loss), Number(e.learning_rate), e.duration_ms, e.metrics]);
  return { columns: TRAINING_INFO_COLUMNS, rows, totalCount: total };
}
