/**
 * The deployment's stored metrics over a chosen range (last hour, day, week or month), live:
 * requests per second, latency p50/p95/p99, errors by code, replicas ready and wanted, and the
 * serving nodes' CPU and memory. The captions of the first two give the last minute's figures
 * (Deployment.stats), as the hub reads them now. The rate chart also draws the predictive
 * planner's forecast (dashed, with its 90 % band dotted) over the range and a little ahead, and its
 * caption the forecast's error over the range.
 */
import { memo, useMemo, useState, type ReactElement, type ReactNode } from 'react';
import { Area, AreaChart, Bar, BarChart, CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { ErrorMessage } from '../components/ErrorMessage';
import { formatBytes, formatNumber } from '../components/format';
import type { DeploymentStats } from './types';
import { useDeploymentForecast, type DeploymentForecast } from './use-deployment-forecast';
import { METRICS_RANGES, useDeploymentMetrics, type MetricsPoint, type MetricsRange } from './use-deployment-metrics';

const COLORS = ['#2f5bd3', '#d97706', '#b91c1c', '#059669', '#7c3aed', '#64748b'];
/** Latency has no value in a step without requests: small dots keep a lone step visible between gaps. */
const SPARSE_DOT = { r: 1.5 };

function tickFormat(range: MetricsRange) {
  return (at: number) =>
    range.ms <= 86_400_000
      ? new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' })
      : new Date(at).toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}

interface Row {
  at: number;
  point: MetricsPoint;
  [series: string]: unknown;
}

export function MetricsCharts({ owner, name, stats }: { owner: string; name: string; stats: DeploymentStats }) {
  const [range, setRange] = useState<MetricsRange>(METRICS_RANGES[0]);
  const { points, error, loaded } = useDeploymentMetrics(owner, name, range);
  const statusList = useMemo(() => [...new Set(points.flatMap((p) => p.errorsByStatus.map((e) => e.status)))].sort().join(' '), [points]);
  const rows = useMemo(() => toRows(points, statusList ? statusList.split(' ') : []), [points, statusList]);
  const requests = points.reduce((sum, p) => sum + p.requests, 0);
  const errors = points.reduce((sum, p) => sum + p.errors, 0);
  const latest = [...points].reverse().find((p) => p.replicasReady !== null);
  const forecast = useDeploymentForecast(owner, name, range);
  const forecastRows = useMemo(() => toForecastRows(forecast), [forecast]);

  return (
    <div data-testid="metrics" data-range={range.id} data-loaded={loaded} data-points={points.length} data-requests={requests} data-errors={errors}>
      <div className="range-picker" role="group" aria-label="Time range" data-testid="metrics-range">
        {METRICS_RANGES.map((r) => (
          <button
            key={r.id}
            type="button"
            className={r.id === range.id ? 'button small' : 'button small secondary'}
            aria-pressed={r.id === range.id}
            onClick={() => setRange(r)}
            data-testid={`metrics-range-${r.id}`}
          >
            {r.label}
          </button>
        ))}
      </div>
      <ErrorMessage error={error && `Metrics could not be read: ${error.message}`} />
      <div className="chart-grid">
        <Chart
          testId="rate-chart"
          data={{ points: rows.length, requests, latest: stats.requestsPerSecond, forecastPoints: forecastRows.length, forecastMape: forecast?.mape ?? '' }}
          caption={
            <>
              Requests per second{' '}
              <span className="muted small" data-testid="rate-now">
                now {formatNumber(stats.requestsPerSecond)}/s
              </span>
              {forecastRows.length > 0 && (
                <span className="muted small" data-testid="forecast-error">
                  {' '}
                  · forecast dashed
                  {forecast?.mape != null ? `, off by ${formatNumber(forecast.mape * 100)} % on average over ${forecast.scoredSlots} slots` : ''}
                </span>
              )}
            </>
          }
        >
          <ChartBody kind="rate" rows={rows} statuses={statusList} range={range} forecast={forecastRows} />
        </Chart>
        <Chart
          testId="latency-chart"
          data={{ points: points.filter((p) => p.p50Ms !== null).length }}
          caption={
            <>
              Latency{' '}
              <span className="muted small" data-testid="latency-now">
                {stats.p50Ms != null ? `p50 ${formatNumber(stats.p50Ms)} ms · p99 ${formatNumber(stats.p99Ms ?? stats.p50Ms)} ms` : 'no requests in the last minute'}
              </span>
            </>
          }
        >
          <ChartBody kind="latency" rows={rows} statuses={statusList} range={range} />
        </Chart>
        <Chart testId="errors-chart" data={{ errors, statuses: statusList }} caption={<>Errors by code <span className="muted small">{formatNumber(errors)} in the range</span></>}>
          <ChartBody kind="errors" rows={rows} statuses={statusList} range={range} />
        </Chart>
        <Chart
          testId="replicas-chart"
          data={{ ready: latest?.replicasReady ?? '', wanted: latest?.replicasWanted ?? '' }}
          caption={
            <>
              Replicas{' '}
              <span className="muted small" data-testid="replicas-now">
                {/* A point's replicas are means over its samples (a replica that came or went mid-step counts in part); the caption says whole replicas. */}
                {latest ? `${formatNumber(Math.round(latest.replicasReady ?? 0))} ready of ${formatNumber(Math.round(latest.replicasWanted ?? 0))} wanted` : 'no reading yet'}
              </span>
            </>
          }
        >
          <ChartBody kind="replicas" rows={rows} statuses={statusList} range={range} />
        </Chart>
        <Chart testId="cpu-chart" data={{ latest: latest?.cpuLoad ?? '' }} caption="Serving nodes’ CPU (load per core)">
          <ChartBody kind="cpu" rows={rows} statuses={statusList} range={range} />
        </Chart>
        <Chart testId="memory-chart" data={{ latest: latest?.memoryBytes ?? '' }} caption="Serving nodes’ memory in use">
          <ChartBody kind="memory" rows={rows} statuses={statusList} range={range} />
        </Chart>
      </div>
    </div>
  );
}

function Chart({ testId, caption, data, children }: { testId: string; caption: ReactNode; data: Record<string, string | number>; children: ReactElement }) {
  const attributes = Object.fromEntries(Object.entries(data).map(([k, v]) => [`data-${k}`, String(v)]));
  return (
    <figure className="chart live-chart" data-testid={testId} {...attributes}>
      <figcaption>{caption}</figcaption>
      {children}
    </figure>
  );
}

function toRows(points: readonly MetricsPoint[], statuses: readonly string[]): Row[] {
  return points.map((p) => {
    const row: Row = {
      at: Date.parse(p.start),
      point: p,
      requestsPerSecond: p.requestsPerSecond,
      p50Ms: p.p50Ms,
      p95Ms: p.p95Ms,
      p99Ms: p.p99Ms,
      replicasReady: p.replicasReady,
      replicasWanted: p.replicasWanted,
      cpuPercent: p.cpuLoad === null ? null : p.cpuLoad * 100,
      memoryBytes: p.memoryBytes,
    };
    for (const s of statuses) row[s] = p.errorsByStatus.find((e) => e.status === s)?.count ?? 0;
    return row;
  });
}

interface ForecastRow {
  at: number;
  forecast: number;
  lower: number;
  upper: number;
}

/** Each forecast slot drawn at its middle. */
function toForecastRows(forecast: DeploymentForecast | undefined): ForecastRow[] {
  if (!forecast) return [];
  const half = (forecast.slotSeconds * 1000) / 2;
  return forecast.points.map((p) => ({ at: Date.parse(p.start) + half, forecast: p.requestsPerSecond, lower: p.lower, upper: p.upper }));
}

const NO_FORECAST: ForecastRow[] = [];

type ChartKind = 'rate' | 'latency' | 'errors' | 'replicas' | 'cpu' | 'memory';

/**
 * A chart's drawing, redrawn only when its points change: the page re-renders each time the
 * deployment's live copy does (about every second under load), and redrawing six charts of a few
 * hundred points each time would hold the browser's main thread.
 */
const ChartBody = memo(function ChartBody({
  kind,
  rows,
  statuses,
  range,
  forecast = NO_FORECAST,
}: {
  kind: ChartKind;
  rows: Row[];
  statuses: string;
  range: MetricsRange;
  forecast?: ForecastRow[];
}) {
  const tick = tickFormat(range);
  const axis = <XAxis dataKey="at" type="number" domain={['dataMin', 'dataMax']} scale="time" tickFormatter={tick} />;
  const label = (at: unknown) => new Date(Number(at)).toLocaleString();
  const margin = { top: 8, right: 16, bottom: 8, left: 0 };
  let chart: ReactElement;
  switch (kind) {
    case 'rate':
      chart = (
        <LineChart data={rows} margin={margin} accessibilityLayer>
          <CartesianGrid strokeDasharray="3 3" />
          {axis}
          <YAxis allowDecimals />
          <Tooltip labelFormatter={label} formatter={(v) => formatNumber(Number(v))} />
          <Line data={rows} dataKey="requestsPerSecond" name="requests/s" stroke={COLORS[0]} dot={false} isAnimationActive={false} />
          {forecast.length > 0 && <Line data={forecast} dataKey="forecast" name="forecast" stroke={COLORS[4]} strokeDasharray="6 4" dot={false} isAnimationActive={false} />}
          {forecast.length > 0 && <Line data={forecast} dataKey="upper" name="forecast band" stroke={COLORS[4]} strokeOpacity={0.4} strokeDasharray="1 3" dot={false} legendType="none" isAnimationActive={false} />}
          {forecast.length > 0 && <Line data={forecast} dataKey="lower" name="forecast band" stroke={COLORS[4]} strokeOpacity={0.4} strokeDasharray="1 3" dot={false} legendType="none" isAnimationActive={false} />}
        </LineChart>
      );
      break;
    case 'latency':
      chart = (
        <LineChart data={rows} margin={margin} accessibilityLayer>
          <CartesianGrid strokeDasharray="3 3" />
          {axis}
          <YAxis unit=" ms" />
          <Tooltip labelFormatter={label} formatter={(v) => `${formatNumber(Number(v))} ms`} />
          <Legend />
          <Line dataKey="p50Ms" name="p50" stroke={COLORS[0]} dot={SPARSE_DOT} connectNulls={false} isAnimationActive={false} />
          <Line dataKey="p95Ms" name="p95" stroke={COLORS[1]} dot={SPARSE_DOT} connectNulls={false} isAnimationActive={false} />
          <Line dataKey="p99Ms" name="p99" stroke={COLORS[2]} dot={SPARSE_DOT} connectNulls={false} isAnimationActive={false} />
        </LineChart>
      );
      break;
    case 'errors':
      chart = (
        <BarChart data={rows} margin={margin} accessibilityLayer>
          <CartesianGrid strokeDasharray="3 3" />
          {axis}
          <YAxis allowDecimals={false} />
          <Tooltip labelFormatter={label} />
          <Legend />
          {(statuses ? statuses.split(' ') : []).map((s, i) => (
            <Bar key={s} dataKey={s} name={s} stackId="errors" fill={COLORS[(i + 2) % COLORS.length]} isAnimationActive={false} />
          ))}
        </BarChart>
      );
      break;
    case 'replicas':
      chart = (
        <LineChart data={rows} margin={margin} accessibilityLayer>
          <CartesianGrid strokeDasharray="3 3" />
          {axis}
          <YAxis allowDecimals={false} />
          <Tooltip labelFormatter={label} formatter={(v) => formatNumber(Number(v))} />
          <Legend />
          <Line dataKey="replicasReady" name="ready" stroke={COLORS[3]} dot={false} type="stepAfter" isAnimationActive={false} />
          <Line dataKey="replicasWanted" name="wanted" stroke={COLORS[5]} strokeDasharray="4 4" dot={false} type="stepAfter" isAnimationActive={false} />
        </LineChart>
      );
      break;
    case 'cpu':
      chart = (
        <AreaChart data={rows} margin={margin} accessibilityLayer>
          <CartesianGrid strokeDasharray="3 3" />
          {axis}
          <YAxis unit=" %" />
          <Tooltip labelFormatter={label} formatter={(v) => `${formatNumber(Number(v))} %`} />
          <Area dataKey="cpuPercent" name="CPU" stroke={COLORS[4]} fill={COLORS[4]} fillOpacity={0.2} connectNulls={false} isAnimationActive={false} />
        </AreaChart>
      );
      break;
    case 'memory':
      chart = (
        <AreaChart data={rows} margin={margin} accessibilityLayer>
          <CartesianGrid strokeDasharray="3 3" />
          {axis}
          <YAxis tickFormatter={(v) => formatBytes(Number(v))} width={72} />
          <Tooltip labelFormatter={label} formatter={(v) => formatBytes(Number(v))} />
          <Area dataKey="memoryBytes" name="memory" stroke={COLORS[1]} fill={COLORS[1]} fillOpacity={0.2} connectNulls={false} isAnimationActive={false} />
        </AreaChart>
      );
      break;
  }
  return (
    <ResponsiveContainer width="100%" height={200}>
      {chart}
    </ResponsiveContainer>
  );
});
