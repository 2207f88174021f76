/**
 * Queries to start from, written against one of the caller's datasets when there is one (its real
 * columns, the last one taken as the label), else with placeholders to fill in.
 */
import type { LabSchema } from './types';

export interface Example {
  title: string;
  query: string;
}

// Dataset column types (INTEGER, FLOAT …) and PostgreSQL ones (bigint, double precision …).
const NUMERIC = /^(integer|float|bigint|smallint|double precision|real|numeric)/i;

export function examples(schema: LabSchema, me: string): Example[] {
  const dataset = schema.datasets.find((d) => d.owner === me && d.columns.length > 1) ?? schema.datasets.find((d) => d.columns.length > 1);
  const table = dataset ? `${dataset.owner}.${dataset.name}` : 'owner.dataset';
  const columns = dataset?.columns.map((c) => c.name) ?? ['feature_a', 'feature_b', 'label'];
  const label = columns[columns.length - 1];
  const features = columns.slice(0, -1);
  const group = dataset?.columns.find((c) => !NUMERIC.test(c.type))?.name ?? columns[0];
  const measure = dataset?.columns.find((c) => NUMERIC.test(c.type) && c.name !== group)?.name ?? columns[1] ?? columns[0];
  const model = `${me || 'owner'}.${dataset ? `${dataset.name.replace(/[^A-Za-z0-9_]/g, '_')}_model` : 'my_model'}`;
  return [
    { title: 'Look at the rows', query: `SELECT *\nFROM ${table}\nLIMIT 100` },
    {
      title: 'Aggregate',
      query: `SELECT ${group}, count(*) AS n, avg(${measure}) AS mean_${measure}\nFROM ${table}\nGROUP BY ${group}\nORDER BY n DESC`,
    },
    {
      title: 'Train a model',
      query:
        `CREATE OR REPLACE MODEL ${model}\n` +
        `OPTIONS (model_type = 'dnn_classifier', input_label_cols = ['${label}'],\n` +
        `         hidden_units = [16], epochs = 20, learn_rate = 0.02)\n` +
        `AS SELECT ${[...features, label].join(', ')}\nFROM ${table}`,
    },
    { title: 'Training info', query: `SELECT *\nFROM ML.TRAINING_INFO(MODEL ${model})` },
    { title: 'Evaluate', query: `SELECT *\nFROM ML.EVALUATE(MODEL ${model})` },
    {
      title: 'Predict',
      query: `SELECT *\nFROM ML.PREDICT(MODEL ${model},\n  (SELECT ${features.join(', ')} FROM ${table} LIMIT 20))`,
    },
  ];
}
