/**
 * One benchmark: its header (owner/name, visibility, open or closed, tags), its description as
 * markdown, the task and metrics, the rules and deadline, and a data card: the dev split dataset
 * (a link to it, where its rows, profile and export are), the hidden split's size, and the columns
 * a model gets and the one it predicts; the live leaderboard, the submit form and the viewer's
 * submissions; for its admins, a form to change or delete it. Visitors
 * without an account read public benchmarks; a benchmark the user may not see is "not found", as
 * the hub says.
 */
import { Link, useParams } from 'react-router';
import { BENCHMARK } from '../api/benchmark-operations';
import { useQuery } from '../api/use-query';
import { METRIC_INFO, type BenchmarkDetail } from '../benchmarks/types';
import { DataTable } from '../components/DataTable';
import { DateTime } from '../components/DateTime';
import { formatNumber, statusWord } from '../components/format';
import { ItemPlaceholder } from '../components/ItemPlaceholder';
import { Markdown } from '../components/Markdown';
import { StatusBadge } from '../components/StatusBadge';
import { Tags } from '../components/Tags';
import { usePageTitle } from '../components/use-page-title';
import { datasetPath } from '../datasets/dataset-path';
import { BenchmarkLeaderboard } from '../benchmarks/BenchmarkLeaderboard';
import { ManageBenchmark } from '../benchmarks/ManageBenchmark';

export function BenchmarkPage() {
  const { owner = '', name = '' } = useParams();
  usePageTitle(`${owner}/${name}`);
  const { data, error, reload } = useQuery(BENCHMARK, { owner, name });
  const benchmark = data?.benchmark;
  if (!benchmark) {
    return (
      <div className="page">
        <p>
          <Link to="/leaderboards">← All benchmarks</Link>
        </p>
        <ItemPlaceholder error={error} what="Benchmark" slug={`${owner}/${name}`} notFoundTestId="benchmark-not-found" />
      </div>
    );
  }
  return <BenchmarkDetails key={benchmark.id} benchmark={benchmark} reload={reload} />;
}

function BenchmarkDetails({ benchmark: b, reload }: { benchmark: BenchmarkDetail; reload(): void }) {
  const columns = [...b.featureColumns.map((c) => ({ ...c, role: 'feature' })), { name: b.label, type: b.labelType, role: 'label' }];
  return (
    <div className="page">
      <p>
        <Link to="/leaderboards">← All benchmarks</Link>
      </p>
      <div className="page-heading">
        <div>
          <h1 data-testid="benchmark-title">
            <span className="muted">{b.owner}/</span>
            {b.name} <StatusBadge status={b.visibility} testId="benchmark-visibility" /> <StatusBadge status={b.open ? 'OPEN' : 'CLOSED'} testId="benchmark-open" />
          </h1>
          <p className="muted">
            {statusWord(b.task)} · created <DateTime value={b.createdAt} />
          </p>
          <Tags tags={b.tags} testId="benchmark-tags" />
        </div>
      </div>
      <div className="page-grid">
        <section className="card" aria-labelledby="benchmark-about">
          <h2 id="benchmark-about">About</h2>
          <Markdown text={b.description} testId="benchmark-description" />
        </section>
        <aside className="card">
          <h2>Rules</h2>
          <dl className="facts" data-testid="benchmark-rules">
            <dt>Metric</dt>
            <dd data-testid="benchmark-metric">
              {METRIC_INFO[b.metric].label} ({b.higherIsBetter ? 'higher is better' : 'lower is better'})
            </dd>
            {b.secondaryMetrics.length > 0 && (
              <>
                <dt>Also reported</dt>
                <dd>{b.secondaryMetrics.map((m) => METRIC_INFO[m].label).join(', ')}</dd>
              </>
            )}
            <dt>Deadline</dt>
            <dd data-testid="benchmark-deadline">{b.deadline ? <DateTime value={b.deadline} /> : 'None: a standing benchmark'}</dd>
            <dt>Submissions</dt>
            <dd>{b.rules.submissionsPerDay} per team per day</dd>
            <dt>Team size</dt>
            <dd>up to {b.rules.teamSize}</dd>
          </dl>
          {b.viewerIsAdmin && <ManageBenchmark key={`${b.description}/${b.deadline}/${b.visibility}/${b.tags.join()}/${b.rules.submissionsPerDay}/${b.rules.teamSize}`} benchmark={b} onChanged={reload} />}
        </aside>
      </div>
      <p>
        <Link to={`/models?${new URLSearchParams({ bestOn: `${b.owner}/${b.name}` })}`} data-testid="benchmark-best-models">
          Models ranked on this benchmark, best first
        </Link>
      </p>
      <BenchmarkLeaderboard benchmark={b} />
      <section className="card" aria-labelledby="benchmark-data">
        <h2 id="benchmark-data">Data</h2>
        <dl className="facts" data-testid="benchmark-data-card">
          <dt>Dev split</dt>
          <dd>
            {b.devDataset && b.devVersion ? (
              <>
                <Link to={`${datasetPath(b.devDataset.owner, b.devDataset.name)}?version=${b.devVersion.number}`} data-testid="benchmark-dev-link">
                  {b.devDataset.owner}/{b.devDataset.name}
                </Link>{' '}
                · {formatNumber(b.devVersion.rowCount)} rows with labels: explore, query with SQL and train on them
              </>
            ) : (
              <span className="muted">not visible to you</span>
            )}
          </dd>
          <dt>Hidden test split</dt>
          <dd data-testid="benchmark-hidden">
            {formatNumber(b.testRowCount)} rows ({formatNumber(b.publicRowCount)} scored on the public leaderboard, {formatNumber(b.testRowCount - b.publicRowCount)} for the final ranking); their labels never leave the hub
          </dd>
        </dl>
        <DataTable
          rows={columns}
          rowKey={(c) => c.name}
          rowAttributes={(c) => ({ 'data-testid': 'benchmark-column', 'data-role': c.role })}
          caption="Columns"
          testId="benchmark-columns"
          empty="No columns."
          columns={[
            { header: 'Column', cell: (c) => <code>{c.name}</code> },
            { header: 'Type', cell: (c) => c.type.toLowerCase() },
            { header: 'Role', cell: (c) => (c.role === 'label' ? <strong>label (predicted)</strong> : 'feature') },
          ]}
        />
      </section>
    </div>
  );
}
