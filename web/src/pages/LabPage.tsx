/**
 * The Lab: write SQL over the datasets you can read and run it (Run or Ctrl/Cmd+Enter). A SELECT
 * answers rows in a grid, page by page, with a quick chart; CREATE MODEL … AS SELECT starts
 * training and shows its curve live, then links to the model version it made. A refused query is
 * marked in the editor where the hub says the problem is. The text is kept across visits. A
 * deployed model can be called from here too (Try a deployed model).
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { formatNumber } from '../components/format';
import { usePageTitle } from '../components/use-page-title';
import { useMe } from '../forms/OwnerSelect';
import { examples } from '../lab/examples';
import { QuickChart } from '../lab/QuickChart';
import { ResultsGrid } from '../lab/ResultsGrid';
import { loadSavedQuery, saveQuery } from '../lab/saved-query';
import { SqlEditor } from '../lab/SqlEditor';
import { TrainingPanel } from '../lab/TrainingPanel';
import { TryDeploymentPanel } from '../lab/TryDeploymentPanel';
import type { SqlResult } from '../lab/types';
import { useLabSchema } from '../lab/use-lab-schema';
import { useSqlRun } from '../lab/use-sql-run';
import '../lab/lab.css';

const isMac = typeof navigator !== 'undefined' && /Mac|iPhone|iPad/.test(navigator.platform);

export function LabPage() {
  usePageTitle('Lab');
  const me = useMe();
  const schema = useLabSchema(me);
  const starters = examples(schema, me);
  const saved = useRef(loadSavedQuery());
  const [query, setQuery] = useState(() => saved.current ?? starters[0].query);
  const touched = useRef(saved.current !== null);
  const sqlRun = useSqlRun();

  // Without a saved query, the first example follows the caller's datasets once they are known.
  const firstExample = starters[0].query;
  useEffect(() => {
    if (!touched.current) setQuery(firstExample);
  }, [firstExample]);

  const onChange = useCallback((text: string) => {
    touched.current = true;
    setQuery(text);
    saveQuery(text);
  }, []);

  const latestQuery = useRef(query);
  latestQuery.current = query;
  const { run } = sqlRun;
  const runNow = useCallback(() => {
    if (latestQuery.current.trim() !== '') run(latestQuery.current);
  }, [run]);

  const { result, problem } = sqlRun;
  return (
    <div className="page lab-page">
      <div className="page-heading">
        <h1>Lab</h1>
        <p className="muted">
          Query the datasets you can read with SQL (PostgreSQL), name them <code>owner.dataset</code> or <code>owner.dataset@3</code>, and
          train a model with <code>CREATE MODEL owner.name OPTIONS (…) AS SELECT …</code> on contributed compute.
        </p>
      </div>

      <div className="lab-examples button-row" role="group" aria-label="Example queries">
        <span className="muted small">Start from:</span>
        {starters.map((example) => (
          <button
            key={example.title}
            type="button"
            className="button secondary small"
            onClick={() => onChange(example.query)}
            data-testid="lab-example"
            data-title={example.title}
          >
            {example.title}
          </button>
        ))}
      </div>

      <SqlEditor
        value={query}
        onChange={onChange}
        onRun={runNow}
        schema={schema}
        problem={problem}
        label="SQL query"
        describedBy={problem ? 'lab-problem' : undefined}
        testId="lab-editor"
      />
      <div className="lab-run-row">
        <button type="button" className="button" onClick={runNow} disabled={sqlRun.running} data-testid="lab-run">
          {sqlRun.running ? 'Running…' : 'Run'}
        </button>
        <span className="muted small">{isMac ? '⌘' : 'Ctrl'}+Enter runs the query · Ctrl+Space completes datasets, columns and models</span>
      </div>

      {problem && (
        <div className="alert lab-problem" role="alert" id="lab-problem" data-testid="lab-problem" data-line={problem.line} data-column={problem.column}>
          {problem.line !== undefined && (
            <strong data-testid="lab-problem-where">
              Line {problem.line}, column {problem.column}
            </strong>
          )}{' '}
          <span data-testid="lab-problem-message">{problem.message}</span>
        </div>
      )}

      <TryDeploymentPanel />

      {result && <Result key={`${sqlRun.ran}\u0000${result.statement}\u0000${String(result.rows[0]?.[0])}`} result={result} sqlRun={sqlRun} />}
    </div>
  );
}

function Result({ result, sqlRun }: { result: SqlResult; sqlRun: ReturnType<typeof useSqlRun> }) {
  const jobColumn = result.columns.findIndex((c) => c.name === 'job_id');
  const modelColumn = result.columns.findIndex((c) => c.name === 'model');
  const training = result.statement === 'CREATE_MODEL' && jobColumn >= 0 && typeof result.rows[0]?.[jobColumn] === 'string';
  return (
    <div className="lab-result" data-testid="lab-result" data-statement={result.statement}>
      {training && <TrainingPanel jobId={result.rows[0][jobColumn] as string} model={String(result.rows[0][modelColumn] ?? '')} />}
      <h2>{training ? 'Answer' : 'Results'}</h2>
      {result.datasets.length > 0 && (
        <p className="muted small" data-testid="lab-read">
          Read {result.datasets.map((d) => `${d.owner}.${d.name}@${d.version}`).join(', ')} · {formatNumber(result.totalCount)}{' '}
          {result.totalCount === 1 ? 'row' : 'rows'}
        </p>
      )}
      <ResultsGrid result={result} loadingMore={sqlRun.loadingMore} moreError={sqlRun.moreError} onMore={sqlRun.more} />
      {!training && (
        <details className="lab-chart-box" open data-testid="lab-chart-box">
          <summary>Chart</summary>
          <QuickChart result={result} />
        </details>
      )}
    </div>
  );
}
