/**
 * A benchmark's live leaderboard, the submit form and "my submissions". The board is read again
 * whenever the hub says it changed (`leaderboardChanged`), and while one of the viewer's
 * submissions is still queued or running. Private scores appear only when the hub answers them
 * (after the deadline, or to the benchmark's admins).
 */
import { useEffect, useState } from 'react';
import { BENCHMARK_BOARD, LEADERBOARD_CHANGED, SUBMIT_TO_BENCHMARK } from '../api/benchmark-operations';
import { request, subscribe } from '../api/graphql-client';
import { useMyOrganizations } from '../api/use-my-organizations';
import { useQuery } from '../api/use-query';
import { DataTable } from '../components/DataTable';
import { DateTime } from '../components/DateTime';
import { ErrorMessage } from '../components/ErrorMessage';
import { StatusBadge } from '../components/StatusBadge';
import { Field } from '../forms/Field';
import { Form, SubmitButton } from '../forms/Form';
import { useForm } from '../forms/use-form';
import { METRIC_INFO, type BenchmarkDetail } from './types';

const POLL_MS = 3_000;

const score = (value: number | null | undefined) => (value === null || value === undefined ? '—' : Number(value.toPrecision(5)).toString());

export function BenchmarkLeaderboard({ benchmark: b }: { benchmark: BenchmarkDetail }) {
  const [refresh, setRefresh] = useState(0);
  const { data, error } = useQuery(BENCHMARK_BOARD, { owner: b.owner, name: b.name }, refresh);
  const board = data?.benchmark;
  const pending = board?.mySubmissions.some((s) => s.status === 'QUEUED' || s.status === 'RUNNING') ?? false;

  useEffect(() => subscribe(LEADERBOARD_CHANGED, { owner: b.owner, name: b.name }, () => setRefresh((n) => n + 1)), [b.owner, b.name]);
  useEffect(() => {
    if (!pending) return;
    const timer = setInterval(() => setRefresh((n) => n + 1), POLL_MS);
    return () => clearInterval(timer);
  }, [pending]);

  const metric = METRIC_INFO[b.metric].label;
  const final = board?.leaderboard.final ?? false;
  return (
    <>
      <section className="card" aria-labelledby="benchmark-leaderboard">
        <h2 id="benchmark-leaderboard">{final ? 'Final leaderboard (private scores)' : 'Leaderboard (public scores)'}</h2>
        <ErrorMessage error={error} />
        <DataTable
          rows={board?.leaderboard.entries ?? []}
          rowKey={(e) => e.submission.id}
          rowAttributes={(e) => ({ 'data-testid': 'leaderboard-row', 'data-rank': String(e.rank) })}
          caption={`${metric} (${b.higherIsBetter ? 'higher' : 'lower'} is better)`}
          testId="leaderboard"
          empty="No scored submission yet."
          emptyTestId="leaderboard-empty"
          columns={[
            { header: 'Rank', cell: (e) => e.rank },
            ...(final ? [{ header: 'Public rank', cell: (e: { publicRank?: number | null }) => e.publicRank ?? '—' }] : []),
            { header: 'Submitter', cell: (e) => e.submitter },
            { header: 'Model', cell: (e) => (e.submission.model ? `${e.submission.model}@${e.submission.modelVersion}` : <span className="muted">private model</span>) },
            {
              header: 'Public score',
              cell: (e) => (
                <span data-testid="leaderboard-public-score">
                  {score(e.submission.publicScore)}
                  {e.submission.publicInterval && (
                    <span className="muted">
                      {' '}
                      [{score(e.submission.publicInterval.low)}, {score(e.submission.publicInterval.high)}]
                    </span>
                  )}
                </span>
              ),
            },
            ...(final || board?.leaderboard.entries.some((e) => e.submission.privateScore !== null)
              ? [{ header: 'Private score', cell: (e: { submission: { privateScore?: number | null } }) => score(e.submission.privateScore) }]
              : []),
            { header: 'Submissions', cell: (e) => e.submissions },
            { header: 'Last', cell: (e) => <DateTime value={e.lastSubmittedAt} /> },
          ]}
        />
      </section>
      {board && (board.compatibleModelVersions.length > 0 || board.mySubmissions.length > 0) && (
        <section className="card" aria-labelledby="benchmark-mine">
          <h2 id="benchmark-mine">My submissions</h2>
          {b.open && board.compatibleModelVersions.length > 0 && (
            <SubmitForm benchmark={b} versions={board.compatibleModelVersions} onSubmitted={() => setRefresh((n) => n + 1)} />
          )}
          <DataTable
            rows={board.mySubmissions}
            rowKey={(s) => s.id}
            rowAttributes={() => ({ 'data-testid': 'my-submission' })}
            caption="Your submissions, newest first"
            testId="my-submissions"
            empty="You have not submitted to this benchmark."
            columns={[
              { header: 'Model', cell: (s) => (s.model ? `${s.model}@${s.modelVersion}` : `version ${s.modelVersion}`) },
              { header: 'By', cell: (s) => <span data-testid="my-submission-by">{s.submitter}{s.team ? ` for ${s.team}` : ''}{s.automatic ? ' (standing entry)' : ''}</span> },
              { header: 'Status', cell: (s) => <StatusBadge status={s.status} testId="my-submission-status" /> },
              { header: 'Public score', cell: (s) => score(s.publicScore) },
              { header: 'Private score', cell: (s) => (s.privateScore === null ? <span className="muted">after the deadline</span> : score(s.privateScore)) },
              { header: 'Verification', cell: (s) => <span data-testid="my-submission-verification">{verificationWords(s.verification)}</span> },
              { header: 'Submitted', cell: (s) => <DateTime value={s.createdAt} /> },
              { header: 'Error', cell: (s) => s.error ?? '' },
            ]}
          />
        </section>
      )}
    </>
  );
}

/** How the hub verified the evaluation (docs/evaluation.md, Verified evaluation), in words. */
function verificationWords(v: { state: string; round: number; runs: number; agreeingRuns: number; spotChecksPassed: number }): string {
  const rerun = v.round > 1 ? `, re-run (round ${v.round})` : '';
  const spot = v.spotChecksPassed > 0 ? `; ${v.spotChecksPassed} passed the hub’s spot check` : '';
  if (v.state === 'QUORUM') return `${v.agreeingRuns} of ${v.runs} runs on different owners’ nodes agree${spot}${rerun}`;
  if (v.state === 'SPOT_CHECKED') return `one trusted node’s run, checked by the hub${rerun}`;
  return `waiting: ${v.runs} run${v.runs === 1 ? '' : 's'} so far${spot}${rerun}`;
}

function SubmitForm({ benchmark: b, versions, onSubmitted }: { benchmark: BenchmarkDetail; versions: { owner: string; name: string; version: number }[]; onSubmitted(): void }) {
  const first = versions[0];
  const form = useForm({ model: `${first.owner}/${first.name}@${first.version}`, team: '' });
  const model = form.field('model');
  const team = form.field('team');
  const { organizations } = useMyOrganizations();

  async function submit() {
    const [ref, version] = form.values.model.split('@');
    const [owner, name] = ref.split('/');
    if (await form.run(() => request(SUBMIT_TO_BENCHMARK, { benchmark: { owner: b.owner, name: b.name }, model: { owner, name, version: Number(version) }, team: form.values.team || null }))) onSubmitted();
  }

  return (
    <Form form={form} onSubmit={submit} heading="Submit a model" alertTestId="submit-benchmark-alert">
      <Field label="Model version" error={model.error} hint={`Your versions whose features and task fit; ${b.rules.submissionsPerDay} submissions per UTC day.`} testId="submit-benchmark-model">
        {(control) => (
          <select {...control} value={model.value} onChange={(event) => model.onChange(event.target.value)}>
            {versions.map((v) => (
              <option key={`${v.owner}/${v.name}@${v.version}`} value={`${v.owner}/${v.name}@${v.version}`}>
                {v.owner}/{v.name}@{v.version}
              </option>
            ))}
          </select>
        )}
      </Field>
      {organizations && organizations.length > 0 && (
        <Field label="Team" error={team.error} hint={`Submit for an organization you belong to: its members are the team (up to ${b.rules.teamSize}) and share its daily submissions.`} testId="submit-benchmark-team">
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
      <SubmitButton busy={form.busy} busyLabel="Submitting…" testId="submit-benchmark">
        Submit
      </SubmitButton>
    </Form>
  );
}
