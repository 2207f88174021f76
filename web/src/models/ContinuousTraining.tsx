/**
 * A model's continuous training, for those who may change it (the hub answers null to others:
 * then nothing is shown): the promotion rule, the production version, the comparisons of
 * challengers with production (the deciding metric side by side, the decision and why, how long
 * it took; every metric under "Scores"), and the timeline. Owners promote a compared version by
 * hand or roll production back. Re-read every REFRESH_MS while a comparison is evaluating.
 */
import { useEffect, useMemo, useState } from 'react';
import type { ModelPromotionQuery } from '../api/generated';
import { request } from '../api/graphql-client';
import { useQuery } from '../api/use-query';
import { DataTable } from '../components/DataTable';
import { ErrorMessage } from '../components/ErrorMessage';
import { RelativeTime } from '../components/RelativeTime';
import { RowActionButton } from '../components/RowActionButton';
import { useRowAction } from '../components/use-row-action';
import { MODEL_PROMOTION, PROMOTE_VERSION, ROLL_BACK_PRODUCTION } from './promotion-operations';

const REFRESH_MS = 5_000;

type Comparison = NonNullable<ModelPromotionQuery['model']['promotionComparisons']>['edges'][number]['node'];
type Rule = NonNullable<ModelPromotionQuery['model']['promotionRule']>;

const score = (value: number | null) => (value === null ? '—' : Number(value.toFixed(4)).toString());

function ruleWords(rule: Rule, words: string): string {
  const sign = rule.lowerIsBetter ? '−' : '+';
  return `A challenger replaces production when its ${words} is better by at least ${sign}${rule.minImprovement} (and better at all), and no other metric falls by more than ${rule.tolerance}.`;
}

function decision(c: Comparison): string {
  if (c.status === 'EVALUATING') return 'Evaluating…';
  if (c.status === 'FAILED') return 'Failed';
  if (c.promoted) return 'Promoted';
  if (!c.decides) return c.wins ? 'Would win' : 'Would not win';
  return 'Kept as draft';
}

function duration(c: Comparison): string {
  if (!c.finishedAt) return '—';
  const seconds = Math.max(0, Math.round((Date.parse(c.finishedAt) - Date.parse(c.createdAt)) / 1000));
  return seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}

export function ContinuousTraining({ owner, name, canWrite, onChanged }: { owner: string; name: string; canWrite: boolean; onChanged(): void }) {
  const [tick, setTick] = useState(0);
  const variables = useMemo(() => ({ owner, name }), [owner, name]);
  const { data, error, reload } = useQuery(MODEL_PROMOTION, variables, tick);
  const rowAction = useRowAction();
  const model = data?.model;
  const comparisons = model?.promotionComparisons?.edges.map((e) => e.node) ?? [];
  const evaluating = comparisons.some((c) => c.status === 'EVALUATING');
  useEffect(() => {
    if (!evaluating) return undefined;
    const timer = setInterval(() => setTick((t) => t + 1), REFRESH_MS);
    return () => clearInterval(timer);
  }, [evaluating]);
  if (!model?.promotionRule) return error ? <ErrorMessage error={error} /> : null;
  const rule = model.promotionRule;
  const production = model.aliases.find((a) => a.alias === 'production')?.number ?? null;
  const deciding = comparisons.find((c) => c.scores.length > 0)?.scores[0]?.words ?? rule.metric;
  const changed = () => {
    reload();
    onChanged();
  };

  return (
    <section className="card" aria-labelledby="continuous-training-heading" data-testid="continuous-training">
      <h2 id="continuous-training-heading">Promotion to production</h2>
      <ErrorMessage error={error ?? rowAction.error} />
      <p data-testid="promotion-rule">
        {ruleWords(rule, deciding)} {!rule.custom && <span className="muted">(the default rule)</span>}
      </p>
      <p data-testid="production-version">
        Production: {production === null ? <span className="muted">no version</span> : <strong>version {production}</strong>}{' '}
        {canWrite && production !== null && (
          <RowActionButton
            rowAction={rowAction}
            row="production"
            name="roll-back"
            label="Roll back"
            busyLabel="Rolling back…"
            confirm="Point production back at the version it pointed at before?"
            action={() => request(ROLL_BACK_PRODUCTION, { owner, name })}
            onDone={changed}
            ariaLabel="Roll production back to the previous version"
            testId="roll-back-production"
          />
        )}
      </p>
      <DataTable
        rows={comparisons}
        rowKey={(c) => c.id}
        rowAttributes={(c) => ({ 'data-testid': 'comparison', 'data-status': c.status, 'data-promoted': String(c.promoted) })}
        caption="Versions compared with production, newest first"
        testId="comparisons"
        empty="No version has been compared with production yet."
        columns={[
          { header: 'When', cell: (c) => <RelativeTime value={c.createdAt} /> },
          { header: 'Versions', cell: (c) => `v${c.challengerVersion} vs ${c.championVersion === null ? 'none' : `v${c.championVersion}`}` },
          { header: 'On', cell: (c) => c.method.toLowerCase() },
          {
            header: 'Deciding metric',
            cell: (c) => {
              const s = c.scores[0];
              return s ? `${s.words}: ${score(s.challenger)} vs ${score(s.champion)}` : '—';
            },
          },
          {
            header: 'Decision',
            cell: (c) => (
              <>
                <strong data-testid="comparison-decision">{decision(c)}</strong>
                {c.reason && <div className="muted small" data-testid="comparison-reason">{c.reason}</div>}
                {c.scores.length > 0 && (
                  <details>
                    <summary>Scores</summary>
                    <table className="small">
                      <thead>
                        <tr>
                          <th scope="col">Metric</th>
                          <th scope="col">v{c.challengerVersion}</th>
                          <th scope="col">{c.championVersion === null ? 'production' : `v${c.championVersion}`}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {c.scores.map((s) => (
                          <tr key={s.metric}>
                            <td>{s.words}{s.lowerIsBetter ? ' ↓' : ''}</td>
                            <td>{score(s.challenger)}</td>
                            <td>{score(s.champion)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </details>
                )}
              </>
            ),
          },
          { header: 'Took', cell: duration },
          canWrite && {
            header: 'Actions',
            hideHeader: true,
            cell: (c) =>
              c.challengerVersion !== production && (
                <RowActionButton
                  rowAction={rowAction}
                  row={c.id}
                  name="promote"
                  label={`Promote v${c.challengerVersion}`}
                  busyLabel="Promoting…"
                  confirm={`Make version ${c.challengerVersion} production by hand?`}
                  action={() => request(PROMOTE_VERSION, { owner, name, version: c.challengerVersion })}
                  onDone={changed}
                  ariaLabel={`Make version ${c.challengerVersion} production`}
                  testId="promote-version"
                />
              ),
          },
        ]}
      />
      {model.timeline && model.timeline.edges.length > 0 && (
        <>
          <h3>Timeline</h3>
          <ol className="timeline" data-testid="model-timeline">
            {model.timeline.edges.map(({ node }) => (
              <li key={node.id} data-testid="model-timeline-event" data-kind={node.kind}>
                <span className="timeline-kind">{node.kind.replace(/_/g, ' ').toLowerCase()}</span> {node.message}{' '}
                <span className="muted">
                  <RelativeTime value={node.createdAt} />
                </span>
              </li>
            ))}
            {model.timeline.totalCount > model.timeline.edges.length && <li className="muted">and {model.timeline.totalCount - model.timeline.edges.length} earlier</li>}
          </ol>
        </>
      )}
    </section>
  );
}
