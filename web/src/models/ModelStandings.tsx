/**
 * A model's standings: its rank among the models on each benchmark the viewer may read, with the
 * ranking score and the version holding the place (public scores while a benchmark is open, the
 * final private ones after its deadline). Writers enter the model in a standing benchmark (each
 * new version is then submitted to it, for a team if they name one) or take it out.
 */
import { Link } from 'react-router';
import { ENTER_STANDING_BENCHMARK, LEAVE_STANDING_BENCHMARK, MODEL_STANDINGS } from '../api/benchmark-operations';
import { request } from '../api/graphql-client';
import { useMyOrganizations } from '../api/use-my-organizations';
import { useQuery } from '../api/use-query';
import { benchmarkPath } from '../benchmarks/benchmark-path';
import { METRIC_INFO } from '../benchmarks/types';
import { DataTable } from '../components/DataTable';
import { ErrorMessage } from '../components/ErrorMessage';
import { RowActionButton } from '../components/RowActionButton';
import { useRowAction } from '../components/use-row-action';
import { Field } from '../forms/Field';
import { Form, SubmitButton } from '../forms/Form';
import { TextField } from '../forms/TextField';
import { useForm } from '../forms/use-form';

const score = (value: number | null | undefined) => (value === null || value === undefined ? '—' : Number(value.toPrecision(5)).toString());

export function ModelStandings({ owner, name, canWrite }: { owner: string; name: string; canWrite: boolean }) {
  const { data, error, reload } = useQuery(MODEL_STANDINGS, { owner, name });
  const rowAction = useRowAction();
  const standings = data?.model.standings ?? [];
  return (
    <section className="card" aria-labelledby="standings-heading">
      <h2 id="standings-heading">Standings</h2>
      <ErrorMessage error={error ?? rowAction.error} />
      <DataTable
        rows={standings}
        rowKey={(s) => s.benchmark.id}
        rowAttributes={(s) => ({ 'data-testid': 'model-standing', 'data-rank': String(s.rank ?? '') })}
        caption="Its place among the models on each benchmark"
        testId="model-standings"
        empty="Not ranked on any benchmark."
        columns={[
          {
            header: 'Benchmark',
            cell: (s) => (
              <Link to={benchmarkPath(s.benchmark.owner, s.benchmark.name)}>
                {s.benchmark.owner}/{s.benchmark.name}
              </Link>
            ),
          },
          { header: 'Rank', cell: (s) => (s.rank ? <span data-testid="model-standing-rank">{`${s.rank} of ${s.models}`}</span> : <span className="muted">not scored yet</span>) },
          {
            header: 'Score',
            cell: (s) =>
              s.rank ? `${METRIC_INFO[s.benchmark.metric].label} ${score(s.score)} (v${s.modelVersion}${s.final ? ', final' : ''})` : '—',
          },
          {
            header: 'Entered',
            cell: (s) =>
              s.entered ? (
                <>
                  new versions{s.team ? ` for ${s.team}` : ''}{' '}
                  {canWrite && (
                    <RowActionButton
                      rowAction={rowAction}
                      row={s.benchmark.id}
                      name="leave"
                      label="Leave"
                      busyLabel="Leaving…"
                      action={() => request(LEAVE_STANDING_BENCHMARK, { model: { owner, name }, benchmark: { owner: s.benchmark.owner, name: s.benchmark.name } })}
                      onDone={reload}
                      ariaLabel={`Stop submitting new versions to ${s.benchmark.owner}/${s.benchmark.name}`}
                      testId="model-standing-leave"
                    />
                  )}
                </>
              ) : (
                ''
              ),
          },
        ]}
      />
      {canWrite && <EnterForm owner={owner} name={name} onEntered={reload} />}
    </section>
  );
}

function EnterForm({ owner, name, onEntered }: { owner: string; name: string; onEntered(): void }) {
  const form = useForm({ benchmark: '', team: '' });
  const team = form.field('team');
  const { organizations } = useMyOrganizations();

  async function enter() {
    const [benchOwner = '', benchName = ''] = form.values.benchmark.trim().split('/');
    const done = await form.run(() =>
      request(ENTER_STANDING_BENCHMARK, { model: { owner, name }, benchmark: { owner: benchOwner, name: benchName }, team: form.values.team || null }),
    );
    if (done) {
      form.reset();
      onEntered();
    }
  }

  return (
    <Form form={form} onSubmit={enter} heading="Enter a standing benchmark" alertTestId="enter-benchmark-alert">
      <TextField
        label="Benchmark"
        placeholder="owner/name"
        hint="One without a deadline: the newest version and each new one are submitted to it as you."
        required
        testId="enter-benchmark-name"
        {...form.field('benchmark')}
      />
      {organizations && organizations.length > 0 && (
        <Field label="Team" error={team.error} testId="enter-benchmark-team">
          {(control) => (
            <select {...control} value={team.value} onChange={(event) => team.onChange(event.target.value)}>
              <option value="">Alone</option>
              {organizations.map((o) => (
                <option key={o.handle} value={o.handle}>
                  {o.handle}
                </option>
              ))}
            </select>
          )}
        </Field>
      )}
      <SubmitButton busy={form.busy} busyLabel="Entering…" testId="enter-benchmark">
        Enter
      </SubmitButton>
    </Form>
  );
}
