/**
 * A quick look at the rows loaded so far: pick the x and y columns and a line or bar chart
 * (recharts). Only numeric columns can be y; values that are not numbers (NULL, big integers sent
 * as text) leave a gap.
 */
import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { isNumericType } from './sql-types';
import type { SqlResult } from './types';

const ACCENT = '#2f5bd3';

export function QuickChart({ result }: { result: SqlResult }) {
  const { columns, rows } = result;
  const numeric = columns.map((c, i) => ({ ...c, index: i })).filter((c) => isNumericType(c.type));
  const [xChoice, setX] = useState<number>(0);
  const [yChoice, setY] = useState<number | undefined>(undefined);
  const [kind, setKind] = useState<'line' | 'bar'>('bar');
  if (numeric.length === 0 || rows.length === 0) {
    return (
      <p className="muted small" data-testid="lab-chart-none">
        No chart: the result has {rows.length === 0 ? 'no rows' : 'no numeric column'}.
      </p>
    );
  }
  const x = xChoice < columns.length ? xChoice : 0;
  const y = yChoice !== undefined && numeric.some((c) => c.index === yChoice) ? yChoice : (numeric.find((c) => c.index !== x) ?? numeric[0]).index;
  const data = rows.map((row) => ({ x: label(row[x]), y: typeof row[y] === 'number' ? row[y] : null }));
  const yName = columns[y].name;

  return (
    <div className="lab-chart" data-testid="lab-chart" data-kind={kind}>
      <div className="inline-fields lab-chart-controls">
        <label>
          x{' '}
          <select value={x} onChange={(event) => setX(Number(event.target.value))} data-testid="lab-chart-x">
            {columns.map((c, i) => (
              <option key={i} value={i}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          y{' '}
          <select value={y} onChange={(event) => setY(Number(event.target.value))} data-testid="lab-chart-y">
            {numeric.map((c) => (
              <option key={c.index} value={c.index}>
                {c.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          chart{' '}
          <select value={kind} onChange={(event) => setKind(event.target.value as 'line' | 'bar')} data-testid="lab-chart-kind">
            <option value="bar">bar</option>
            <option value="line">line</option>
          </select>
        </label>
      </div>
      <ResponsiveContainer width="100%" height={260}>
        {kind === 'bar' ? (
          <BarChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="x" />
            <YAxis />
            <Tooltip />
            <Bar dataKey="y" name={yName} fill={ACCENT} isAnimationActive={false} />
          </BarChart>
        ) : (
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 8 }}>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="x" />
            <YAxis />
            <Tooltip />
            <Line dataKey="y" name={yName} stroke={ACCENT} dot={false} connectNulls={false} isAnimationActive={false} />
          </LineChart>
        )}
      </ResponsiveContainer>
    </div>
  );
}

function label(value: unknown): string | number {
  if (typeof value === 'number') return value;
  if (value === null || value === undefined) return 'null';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}
