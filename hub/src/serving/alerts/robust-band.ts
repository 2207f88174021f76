/**
 * The band a deployment's figure is judged against when a rule asks for an anomaly: the median of
 * the figure over the deployment's own trailing baseline windows, ± `sensitivity` times a robust
 * scale, 1.4826 × the median absolute deviation (MAD), the factor that makes it estimate the
 * standard deviation of normally distributed values. Median and MAD ignore a few wild windows in
 * the baseline (an earlier burst moves neither), where a mean and a standard deviation would be
 * dragged by them. docs/alerts.md says why a trailing rather than a seasonal baseline.
 *
 * A flat baseline (every window alike) has a MAD of 0, which would call any change an anomaly: the
 * scale is kept at least at a noise floor of the metric (see {@link noiseFloor}).
 */

/** The MAD's factor to a standard deviation for normal data. */
export const MAD_TO_SIGMA = 1.4826;
/** Baseline windows with a value needed before a band is given. */
export const MIN_BASELINE_SAMPLES = 6;

export interface Band {
  median: number;
  scale: number;
  low: number;
  high: number;
  samples: number;
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Median absolute deviation from the median. */
export function mad(values: readonly number[]): number {
  const m = median(values);
  return median(values.map((v) => Math.abs(v - m)));
}

/**
 * The band of `samples` at `sensitivity` scaled MADs, its scale at least `floor(median)`; null with
 * fewer than {@link MIN_BASELINE_SAMPLES} samples. The low edge is never below 0.
 */
export function robustBand(samples: readonly number[], sensitivity: number, floor: (median: number) => number): Band | null {
  const values = samples.filter((v) => Number.isFinite(v));
  if (values.length < MIN_BASELINE_SAMPLES) return null;
  const m = median(values);
  const scale = Math.max(MAD_TO_SIGMA * mad(values), floor(m));
  return { median: m, scale, low: Math.max(0, m - sensitivity * scale), high: m + sensitivity * scale, samples: values.length };
}

/**
 * The least scale a metric's band has, from the noise the metric has even when nothing changes:
 * - requests per second over a window of W s: a Poisson count's standard deviation, √(rate / W),
 *   and at least one request per window and 10 % of the rate;
 * - an error rate: one percentage point;
 * - a latency: 10 % of the median, and at least 1 ms.
 */
export function noiseFloor(metric: 'rate' | 'errorRate' | 'latency', windowSeconds: number): (median: number) => number {
  switch (metric) {
    case 'rate':
      return (m) => Math.max(Math.sqrt(Math.max(m, 0) / windowSeconds), 1 / windowSeconds, 0.1 * m);
    case 'errorRate':
      return () => 0.01;
    case 'latency':
      return (m) => Math.max(0.1 * m, 1);
  }
}
