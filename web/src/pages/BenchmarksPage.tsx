/**
 * Leaderboards: the benchmarks the user may see (public ones without an account), newest first,
 * with a search box and a tag filter (asked once typing pauses), a task filter and open/closed; beside them the
 * form that makes a benchmark from a dataset version (visitors are asked to sign in).
 */
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { BENCHMARKS } from '../api/benchmark-operations';
import { usePagedQuery } from '../api/use-paged-query';
import { useSession } from '../auth/session-context';
import { benchmarkPath } from '../benchmarks/benchmark-path';
import { BenchmarksTable } from '../benchmarks/BenchmarksTable';
import { CreateBenchmarkForm } from '../benchmarks/CreateBenchmarkForm';
import { BENCHMARK_TASKS, type BenchmarkListItem, type BenchmarkTask } from '../benchmarks/types';
import { PagedListView } from '../components/ListView';
import { statusWord } from '../components/format';
import { useDebouncedValue } from '../components/use-debounced-value';
import { usePageTitle } from '../components/use-page-title';
import { SignInTo } from '../sharing/SignInTo';

type Openness = '' | 'open' | 'closed';

export function BenchmarksPage() {
  usePageTitle('Leaderboards');
  const navigate = useNavigate();
  const { state: session } = useSession();
  const [filter, setFilter] = useState('');
  const [task, setTask] = useState<BenchmarkTask | ''>('');
  const [openness, setOpenness] = useState<Openness>('');
  const [tagText, setTagText] = useState('');
  const search = useDebouncedValue(filter.trim());
  const tag = useDebouncedValue(tagText.trim().toLowerCase());
  const variables = {
    ...(search ? { search } : {}),
    ...(tag ? { tags: [tag] } : {}),
    ...(task ? { task } : {}),
    ...(openness ? { open: openness === 'open' } : {}),
  };
  const list = usePagedQuery<BenchmarkListItem>(BENCHMARKS, 'benchmarks', variables, 50);

  return (
    <div className="page">
      <div className="page-heading">
        <h1>Leaderboards</h1>
        <p className="muted">Benchmarks: a dev split anyone who can see the benchmark explores and trains on, and a hidden test split only the hub scores against.</p>
      </div>
      <div className="page-grid">
        <section className="card" aria-labelledby="benchmarks-heading">
          <div className="toolbar">
            <h2 id="benchmarks-heading">Benchmarks</h2>
            <label className="filter">
              <span>Search</span>
              <input type="search" value={filter} onChange={(event) => setFilter(event.target.value)} placeholder="name, tag, words…" data-testid="benchmarks-filter" />
            </label>
            <label className="filter">
              <span>Tag</span>
              <input type="search" value={tagText} onChange={(event) => setTagText(event.target.value)} placeholder="a tag" data-testid="benchmarks-tag" />
            </label>
            <label className="filter">
              <span>Task</span>
              <select value={task} onChange={(event) => setTask(event.target.value as BenchmarkTask | '')} data-testid="benchmarks-task">
                <option value="">Any</option>
                {BENCHMARK_TASKS.map((t) => (
                  <option key={t} value={t}>
                    {statusWord(t)}
                  </option>
                ))}
              </select>
            </label>
            <label className="filter">
              <span>Status</span>
              <select value={openness} onChange={(event) => setOpenness(event.target.value as Openness)} data-testid="benchmarks-open">
                <option value="">Open or closed</option>
                <option value="open">Open</option>
                <option value="closed">Closed</option>
              </select>
            </label>
          </div>
          <PagedListView list={list}>
            {(benchmarks) => (
              <BenchmarksTable
                benchmarks={benchmarks}
                empty={search || tag || task || openness ? 'No benchmark matches these filters.' : 'There are no benchmarks yet: make the first from a dataset version.'}
              />
            )}
          </PagedListView>
        </section>
        <aside className="card">
          {session.status === 'signed-out' ? (
            <>
              <h2>Make a benchmark</h2>
              <p className="muted">Anyone may read public benchmarks; making one needs an account.</p>
              <SignInTo action="create a benchmark" testId="sign-in-to-create-benchmark" />
            </>
          ) : (
            <CreateBenchmarkForm onCreated={(b) => navigate(benchmarkPath(b.owner, b.name))} />
          )}
        </aside>
      </div>
    </div>
  );
}
