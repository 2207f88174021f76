/**
 * Try it: a form built from the deployment's features, sent as one raw record through GraphQL
 * `predict`; the answer below it, and the same call as curl for the REST front doors. A refused
 * call (over a limit, no replica ready, past its deadline) says the hub's message, and when to
 * try again if the hub said.
 */
import { useMemo, useState, type FormEvent } from 'react';
import { request } from '../api/graphql-client';
import { GraphQLRequestError } from '../api/graphql-request-error';
import { StatusBadge } from '../components/StatusBadge';
import { CurlCommands } from './CurlCommands';
import { PREDICT } from './deployment-operations';
import { FeatureInputs } from './FeatureInputs';
import { initialValues, toInstance } from './feature-values';
import { PredictionView } from './PredictionView';
import type { PredictionResult, TryDeployment } from './types';

export function TryItPanel({ deployment, headingLevel = 2 }: { deployment: TryDeployment; headingLevel?: 2 | 3 }) {
  const [values, setValues] = useState(() => initialValues(deployment.features));
  const [result, setResult] = useState<PredictionResult>();
  const [error, setError] = useState<GraphQLRequestError>();
  const [sending, setSending] = useState(false);
  /** Calls answered so far (data-calls: a test sees a new answer arrive) */
  const [calls, setCalls] = useState(0);
  const built = useMemo(() => toInstance(deployment.features, values), [deployment.features, values]);
  const slug = `${deployment.owner}/${deployment.name}`;
  const Heading = `h${headingLevel}` as const;

  async function send(event: FormEvent) {
    event.preventDefault();
    if (!('instance' in built)) return;
    setSending(true);
    setError(undefined);
    try {
      setResult((await request(PREDICT, { deployment: slug, instances: [built.instance] })).predict);
    } catch (problem) {
      setResult(undefined);
      setError(GraphQLRequestError.from(problem));
    } finally {
      setSending(false);
      setCalls((n) => n + 1);
    }
  }

  return (
    <div className="try-it" data-testid="try-it" data-deployment={slug} data-calls={calls}>
      <Heading>
        Try it <span className="muted small">{slug}</span> <StatusBadge status={deployment.status} testId="try-status" />
      </Heading>
      <form className="form" onSubmit={send} aria-label={`Try ${slug}`}>
        <FeatureInputs
          features={deployment.features}
          values={values}
          onChange={(name, value) => setValues((current) => ({ ...current, [name]: value }))}
          problem={'field' in built ? built : undefined}
        />
        <div className="button-row">
          <button type="submit" className="button" disabled={sending || !('instance' in built)} data-testid="try-send">
            {sending ? 'Predicting…' : 'Predict'}
          </button>
          {deployment.status === 'IDLE' && <span className="muted small">Scaled to zero: this request starts a replica and waits for it (a cold start).</span>}
          {deployment.status !== 'READY' && deployment.status !== 'DEGRADED' && deployment.status !== 'IDLE' && (
            <span className="muted small">No replica is ready yet: the hub will say so.</span>
          )}
        </div>
      </form>
      {error && <PredictError error={error} />}
      {result && <PredictionView result={result} labelName={deployment.labelName} />}
      {'instance' in built && <CurlCommands deployment={deployment} instance={built.instance} />}
    </div>
  );
}

function PredictError({ error }: { error: GraphQLRequestError }) {
  return (
    <p className="alert" role="alert" data-testid="try-error" data-code={error.code}>
      {error.message}
      {error.retryAfterSeconds !== undefined && !/retry in \d+ s/.test(error.message) && <> (try again in {error.retryAfterSeconds} s)</>}
    </p>
  );
}
