/**
 * "New benchmark" from a dataset version: owner and name, the dataset version (`owner/name@version`,
 * prefilled from `?dataset=`), once it is found its label column, the task and a metric that suits
 * it, the split (held-out and public fractions, seed), rules, an optional deadline, a markdown
 * description, tags and a visibility. The hub checks everything and says what is wrong beside
 * each field.
 */
import { useSearchParams } from 'react-router';
import { BENCHMARK_SOURCE_COLUMNS, CREATE_BENCHMARK } from '../api/benchmark-operations';
import { request } from '../api/graphql-client';
import type { Visibility } from '../api/types';
import { useQuery } from '../api/use-query';
import { statusWord } from '../components/format';
import { useDebouncedValue } from '../components/use-debounced-value';
import { Field } from '../forms/Field';
import { Form, SubmitButton } from '../forms/Form';
import { OwnerSelect, useMe } from '../forms/OwnerSelect';
import { splitTags } from '../forms/split-tags';
import { TextField } from '../forms/TextField';
import { useForm } from '../forms/use-form';
import { VisibilitySelect } from '../forms/VisibilitySelect';
import { BENCHMARK_TASKS, METRIC_INFO, metricsFor, type BenchmarkMetric, type BenchmarkTask } from './types';

const REF = /^([^/@\s]+)\/([^/@\s]+?)(?:@(\d+))?$/;

export function CreateBenchmarkForm({ onCreated }: { onCreated(benchmark: { owner: string; name: string }): void }) {
  const me = useMe();
  const [params] = useSearchParams();
  const form = useForm({
    owner: '',
    name: '',
    dataset: params.get('dataset') ?? '',
    label: '',
    task: 'CLASSIFICATION',
    metric: 'ACCURACY',
    'split.testFraction': '0.2',
    'split.publicFraction': '0.3',
    'split.seed': '0',
    'rules.submissionsPerDay': '5',
    'rules.teamSize': '5',
    deadline: '',
    description: '',
    tags: '',
    visibility: 'PUBLIC',
  });
  const task = form.values.task as BenchmarkTask;
  const ref = REF.exec(useDebouncedValue(form.values.dataset.trim()));
  const source = useQuery(
    BENCHMARK_SOURCE_COLUMNS,
    { owner: ref?.[1] ?? '', name: ref?.[2] ?? '', number: ref?.[3] ? Number(ref[3]) : null },
    0,
    !ref,
  );
  const columns = ref ? (source.data?.datasetVersion.columns ?? []) : [];

  async function submit() {
    const number = (key: Parameters<typeof form.field>[0]) => (form.values[key].trim() === '' ? null : Number(form.values[key]));
    const input = {
      owner: form.values.owner || me,
      name: form.values.name.trim(),
      dataset: form.values.dataset.trim(),
      label: form.values.label,
      task,
      metric: form.values.metric as BenchmarkMetric,
      split: { testFraction: number('split.testFraction'), publicFraction: number('split.publicFraction'), seed: number('split.seed') },
      rules: { submissionsPerDay: number('rules.submissionsPerDay'), teamSize: number('rules.teamSize') },
      deadline: form.values.deadline ? new Date(form.values.deadline).toISOString() : null,
      description: form.values.description,
      tags: splitTags(form.values.tags),
      visibility: form.values.visibility as Visibility,
    };
    const result = await form.run(() => request(CREATE_BENCHMARK, { input }));
    if (result) onCreated(result.createBenchmark);
  }

  const description = form.field('description');
  const label = form.field('label');
  const datasetField = form.field('dataset');
  return (
    <Form form={form} onSubmit={submit} heading="New benchmark" alertTestId="benchmark-alert">
      <OwnerSelect value={form.values.owner} onChange={(owner) => form.set('owner', owner)} error={form.problems.fields.owner} testId="benchmark-owner" />
      <TextField label="Name" required hint="The dev split becomes the dataset <name>-dev." testId="benchmark-name" {...form.field('name')} />
      <TextField
        label="Dataset version"
        required
        placeholder="owner/name@version"
        testId="benchmark-dataset"
        {...datasetField}
        error={datasetField.error ?? (ref && source.error ? source.error.message : undefined)}
        hint={ref && source.data ? `Version ${source.data.datasetVersion.number}: ${source.data.datasetVersion.rowCount} rows. Keep it private: whoever reads it reads the hidden labels.` : 'The dataset to split, e.g. alice/iris@2.'}
      />
      <Field label="Label column" error={label.error} testId="benchmark-label">
        {(control) => (
          <select {...control} name="label" value={label.value} onChange={(event) => label.onChange(event.target.value)}>
            <option value="">{columns.length ? 'Choose the column to predict' : 'Enter a dataset version first'}</option>
            {columns.map((column) => (
              <option key={column.name} value={column.name}>
                {column.name} ({column.type.toLowerCase()})
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Task" error={form.problems.fields.task} testId="benchmark-task">
        {(control) => (
          <select
            {...control}
            name="task"
            value={task}
            onChange={(event) => {
              const next = event.target.value as BenchmarkTask;
              form.set('task', next);
              form.set('metric', metricsFor(next)[0]);
            }}
          >
            {BENCHMARK_TASKS.map((t) => (
              <option key={t} value={t}>
                {statusWord(t)}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Metric" error={form.problems.fields.metric} testId="benchmark-metric">
        {(control) => (
          <select {...control} name="metric" value={form.values.metric} onChange={(event) => form.set('metric', event.target.value)}>
            {metricsFor(task).map((m) => (
              <option key={m} value={m}>
                {METRIC_INFO[m].label} ({METRIC_INFO[m].higherIsBetter ? 'higher is better' : 'lower is better'})
              </option>
            ))}
          </select>
        )}
      </Field>
      <TextField label="Held-out fraction" inputMode="decimal" hint="Share of the labelled rows hidden for scoring." testId="benchmark-test-fraction" {...form.field('split.testFraction')} />
      <TextField label="Public fraction" inputMode="decimal" hint="Share of the hidden rows on the public leaderboard; the rest decide the final ranking." testId="benchmark-public-fraction" {...form.field('split.publicFraction')} />
      <TextField label="Seed" inputMode="numeric" hint="The same seed splits the same rows." testId="benchmark-seed" {...form.field('split.seed')} />
      <TextField label="Submissions per day" inputMode="numeric" testId="benchmark-submissions" {...form.field('rules.submissionsPerDay')} />
      <TextField label="Team size" inputMode="numeric" testId="benchmark-team-size" {...form.field('rules.teamSize')} />
      <TextField label="Deadline" type="datetime-local" hint="Empty: a standing benchmark." testId="benchmark-deadline" {...form.field('deadline')} />
      <Field label="Description (markdown)" error={description.error} testId="benchmark-description">
        {(control) => <textarea {...control} name="description" rows={5} value={description.value} onChange={(event) => description.onChange(event.target.value)} />}
      </Field>
      <TextField label="Tags" hint="Comma-separated, lower case." testId="benchmark-tags" {...form.field('tags')} />
      <VisibilitySelect value={form.values.visibility as Visibility} onChange={(value) => form.set('visibility', value)} error={form.problems.fields.visibility} testId="benchmark-visibility-select" />
      <SubmitButton busy={form.busy} busyLabel="Splitting…" testId="create-benchmark">
        Create benchmark
      </SubmitButton>
    </Form>
  );
}
