/** How many batches of each size the agents ran in the last minute (dynamic batching at work). */
import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { DeploymentStats } from './types';

const ACCENT = '#2f5bd3';

export function BatchSizeChart({ batchSizes }: { batchSizes: DeploymentStats['batchSizes'] }) {
  const data = [...batchSizes].sort((a, b) => a.size - b.size);
  return (
    <figure className="chart live-chart" data-testid="batch-chart" data-bars={data.length}>
      <figcaption>Batch sizes in the last minute</figcaption>
      {data.length === 0 ? (
        <p className="muted small">No batches in the last minute.</p>
      ) : (
        <ResponsiveContainer width="100%" height={200}>
          <BarChart data={data} margin={{ top: 8, right: 16, bottom: 8, left: 0 }} accessibilityLayer>
            <CartesianGrid strokeDasharray="3 3" />
            <XAxis dataKey="size" name="rows in the batch" />
            <YAxis allowDecimals={false} />
            <Tooltip labelFormatter={(size) => `${String(size)} rows a batch`} />
            <Bar dataKey="count" name="batches" fill={ACCENT} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      )}
    </figure>
  );
}
