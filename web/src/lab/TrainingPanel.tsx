/**
 * The training CREATE MODEL started, live: its status, the loss and eval loss of every epoch as
 * it is reported, and once the model is in, a link to the version it made.
 */
import { Link } from 'react-router';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ErrorMessage } from '../components/ErrorMessage';
import { StatusBadge } from '../components/StatusBadge';
import { modelPath } from '../models/model-path';
import { useTrainingRun } from './use-training-run';

const LOSS = '#2f5bd3';
const EVAL_LOSS = '#c2410c';

export function TrainingPanel({ jobId, model }: { jobId: string; model: string }) {
  const { run, epochs, job, error, liveError } = useTrainingRun(jobId);
  const total = typeof run?.hyperparameters.epochs === 'number' ? run.hyperparameters.epochs : undefined;
  const last = epochs[epochs.length - 1];
  const versionNumber = run?.model.versionNumber ?? (job?.status === 'SUCCEEDED' ? job.result?.versionNumber : undefined) ?? null;
  const owner = run?.model.owner;
  const name = run?.model.name;
  const data = epochs.map((e) => ({ epoch: e.epoch, loss: e.loss, evalLoss: e.evalLoss }));
  // The eval metric when there is an evaluation split, else the training one.
  const metrics = last ? Object.entries(last.metrics).filter(([, value]) => typeof value === 'number') : [];
  const metric = metrics.find(([key]) => key.startsWith('eval_')) ?? metrics[0];

  return (
    <section className="lab-training card" data-testid="lab-training" aria-labelledby="lab-training-title" data-job={jobId}>
      <h2 id="lab-training-title">
        Training {model} {job && <StatusBadge status={job.status} testId="lab-training-status" />}
      </h2>
      <ErrorMessage error={error} testId="lab-training-error" />
      <ErrorMessage error={liveError && `Live updates: ${liveError.message}`} testId="lab-training-live-error" />
      <p data-testid="lab-training-epochs" data-epochs={epochs.length}>
        {epochs.length === 0
          ? job?.status === 'QUEUED'
            ? 'Waiting for a compute node to pick the job up…'
            : 'No epoch reported yet.'
          : `Epoch ${last!.epoch}${total ? ` of ${total}` : ''}: loss ${figure(last!.loss)}${last!.evalLoss !== null ? `, eval loss ${figure(last!.evalLoss)}` : ''}${
              metric ? `, ${metric[0].replace(/_/g, ' ')} ${figure(metric[1])}` : ''
            }`}
      </p>
      {job?.status === 'FAILED' && <ErrorMessage error={job.error ?? 'Training failed.'} testId="lab-training-failed" />}
      {run?.stoppedEarly && <p className="muted small">Stopped early: the eval loss stopped improving.</p>}
      {data.length > 0 && (
        <div className="lab-curve" data-testid="lab-training-curve" data-points={data.length}>
          <ResponsiveContainer width="100%" height={240}>
            <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
              <CartesianGrid strokeDasharray="3 3" />
              <XAxis dataKey="epoch" type="number" domain={[1, total ?? 'dataMax']} allowDecimals={false} />
              <YAxis />
              <Tooltip />
              <Legend />
              <Line dataKey="loss" name="loss" stroke={LOSS} dot={data.length < 30} isAnimationActive={false} />
              <Line dataKey="evalLoss" name="eval loss" stroke={EVAL_LOSS} dot={data.length < 30} isAnimationActive={false} />
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
      <p className="button-row">
        {versionNumber !== null && owner && name && (
          <Link className="button" to={`${modelPath(owner, name)}?version=${versionNumber}`} data-testid="lab-model-version-link">
            Open {owner}/{name} version {versionNumber}
          </Link>
        )}
        <Link className="button secondary" to={`/jobs/${encodeURIComponent(jobId)}`} data-testid="lab-training-job-link">
          Job details
        </Link>
      </p>
    </section>
  );
}

function figure(value: number): string {
  return String(Number(value.toPrecision(4)));
}
