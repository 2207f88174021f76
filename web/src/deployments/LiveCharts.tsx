/**
 * The deployment's traffic over the last minutes as the page saw it: requests per second, and
 * latency p50 and p99 (each reading is the hub's figure for the minute before it). A chart with
 * no sample yet says so.
 */
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatNumber } from '../components/format';
import type { Sample } from './use-samples';

const ACCENT = '#2f5bd3';
const SECOND = '#d97706';

const clock = (at: number) => new Date(at).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });

export function RequestRateChart({ samples }: { samples: Sample[] }) {
  const latest = samples[samples.length - 1];
  return (
    <figure className="chart live-chart" data-testid="rate-chart" data-points={samples.length} data-latest={latest?.requestsPerSecond ?? ''}>
      <figcaption>
        Requests per second{' '}
        <span className="muted small" data-testid="rate-now">
          {latest ? `now ${formatNumber(latest.requestsPerSecond)}/s` : 'no reading yet'}
        </span>
      </figcaption>
      <ResponsiveContainer width="100%" height={200}>
        <LineChart data={samples} margin={{ top: 8, right: 16, bottom: 8, left: 0 }} accessibilityLayer>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="at" type="number" domain={['dataMin', 'dataMax']} scale="time" tickFormatter={clock} />
          <YAxis allowDecimals />
          <Tooltip labelFormatter={(at) => clock(Number(at))} formatter={(v) => formatNumber(Number(v))} />
          <Line dataKey="requestsPerSecond" name="requests/s" stroke={ACCENT} dot={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}

export function LatencyChart({ samples }: { samples: Sample[] }) {
  const latest = samples[samples.length - 1];
  return (
    <figure className="chart live-chart" data-testid="latency-chart" data-points={samples.length}>
      <figcaption>
        Latency{' '}
        <span className="muted small" data-testid="latency-now">
          {latest?.p50Ms != null ? `p50 ${formatNumber(latest.p50Ms)} ms · p99 ${formatNumber(latest.p99Ms ?? latest.p50Ms)} ms` : 'no requests in the last minute'}
        </span>
      </figcaption>
      <ResponsiveContainer width="100%" height={200}>
        <LineChart data={samples} margin={{ top: 8, right: 16, bottom: 8, left: 0 }} accessibilityLayer>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="at" type="number" domain={['dataMin', 'dataMax']} scale="time" tickFormatter={clock} />
          <YAxis unit=" ms" />
          <Tooltip labelFormatter={(at) => clock(Number(at))} formatter={(v) => `${formatNumber(Number(v))} ms`} />
          <Legend />
          <Line dataKey="p50Ms" name="p50" stroke={ACCENT} dot={false} connectNulls={false} isAnimationActive={false} />
          <Line dataKey="p99Ms" name="p99" stroke={SECOND} dot={false} connectNulls={false} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
