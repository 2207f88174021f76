/**
 * The request-rate forecaster of the predictive planner (docs/autoscaling.md, "The forecast"): a
 * multiplicative seasonal profile with a linear trend, fitted on a deployment's own history in
 * fixed slots (15 min by default). A pure function of the series it is given, so it is tested
 * against known series.
 *
 *   forecast(t) = level(day of t) × weekday factor(weekday of t) × day profile(slot of day of t)
 *
 * - level: a straight line fitted (least squares) through the last {@link TREND_DAYS} whole days'
 *   mean rates, each divided by its weekday factor — the trend;
 * - weekday factors: with at least a week of history, each weekday's mean day over the trend
 *   (normalised to average 1); with less, 1 (daily seasonality only);
 * - day profile: for each slot of the day, the mean of value ÷ (its day's level × weekday factor),
 *   recent days weighing more (half-life {@link PROFILE_HALF_LIFE_DAYS} days);
 * - band: the forecast ± 1.645 standard deviations of the in-sample relative errors (a 90 % band
 *   when errors are normal), never below 0.
 *
 * Holt-Winters was the alternative; it carries one season (the day) where this profile carries the
 * day and the week, and its smoothing constants would need fitting per deployment. The profile
 * needs no tuning and degrades to a seasonal-naive forecast on short histories.
 */

export const DAY_MS = 86_400_000;
/** Whole days of history from which weekday factors are fitted (each weekday seen at least once). */
export const WEEKLY_MIN_DAYS = 7;
/** Whole days the trend line is fitted through. */
export const TREND_DAYS = 14;
/** A day's weight in the profile halves every this many days back. */
export const PROFILE_HALF_LIFE_DAYS = 7;
/** z of a two-sided 90 % band. */
const BAND_Z = 1.645;

export interface ForecastInput {
  /** Epoch ms of the first slot; a multiple of `slotMs` (slots align to UTC midnight). */
  startMs: number;
  slotMs: number;
  /** Requests per second in each slot, oldest first, contiguous. */
  values: readonly number[];
}

export interface ForecastModel {
  slotMs: number;
  slotsPerDay: number;
  /** Epoch ms of UTC midnight of the first day fitted. */
  originMs: number;
  /** Whole days of history behind it (from the first slot with a request). */
  historyDays: number;
  /** Level (requests per second) at the middle of day 0, and its change per day. */
  intercept: number;
  slope: number;
  /** Weekday factor by UTC weekday (0 = Sunday); all 1 with less than a week of history. */
  weekdays: number[];
  weekly: boolean;
  /** Shape of the day, one factor per slot, averaging about 1. */
  profile: number[];
  /** Standard deviation of the in-sample relative errors. */
  relativeSd: number;
}

export interface ForecastPoint {
  start: number;
  value: number;
  lower: number;
  upper: number;
}

const mean = (xs: readonly number[]) => (xs.length === 0 ? 0 : xs.reduce((a, b) => a + b, 0) / xs.length);

/** Least-squares line through (x, y); a flat line through one point. */
function line(xs: readonly number[], ys: readonly number[]): { intercept: number; slope: number } {
  const mx = mean(xs);
  const my = mean(ys);
  let sxy = 0;
  let sxx = 0;
  for (let i = 0; i < xs.length; i++) {
    sxy += (xs[i] - mx) * (ys[i] - my);
    sxx += (xs[i] - mx) ** 2;
  }
  const slope = sxx > 0 ? sxy / sxx : 0;
  return { intercept: my - slope * mx, slope };
}

/**
 * Fits the model on `input`; null when it holds fewer than `minDays` whole days from its first
 * slot with a request (little history: the planner stays reactive).
 */
export function fitForecast(input: ForecastInput, minDays: number): ForecastModel | null {
  const { slotMs } = input;
  if (slotMs <= 0 || DAY_MS % slotMs !== 0) throw new Error(`a slot of ${slotMs} ms does not divide a day`);
  const slotsPerDay = DAY_MS / slotMs;
  const first = input.values.findIndex((v) => v > 0);
  if (first < 0) return null;
  // Whole UTC days from the first day with a request; the day it began on counts only if whole.
  const firstMs = input.startMs + first * slotMs;
  const originMs = Math.ceil(firstMs / DAY_MS) * DAY_MS;
  const offset = (originMs - input.startMs) / slotMs;
  const days = Math.floor((input.values.length - offset) / slotsPerDay);
  if (days < Math.max(1, minDays)) return null;
  const dayValues = (d: number) => input.values.slice(offset + d * slotsPerDay, offset + (d + 1) * slotsPerDay);
  const dayMeans = Array.from({ length: days }, (_, d) => mean(dayValues(d)));
  const weekdayOf = (d: number) => new Date(originMs + d * DAY_MS).getUTCDay();

  // Weekday factors: each weekday's mean day over the mean day, from the days behind a straight trend.
  const weekly = days >= WEEKLY_MIN_DAYS;
  const weekdays = new Array<number>(7).fill(1);
  if (weekly) {
    const rough = line(dayMeans.map((_, d) => d), dayMeans);
    const ratios: number[][] = Array.from({ length: 7 }, () => []);
    dayMeans.forEach((m, d) => {
      const expected = rough.intercept + rough.slope * d;
      if (expected > 0) ratios[weekdayOf(d)].push(m / expected);
    });
    for (let w = 0; w < 7; w++) weekdays[w] = ratios[w].length > 0 ? mean(ratios[w]) : 1;
    const norm = mean(weekdays);
    for (let w = 0; w < 7; w++) weekdays[w] = norm > 0 ? weekdays[w] / norm : 1;
  }

  // The trend: a line through the last TREND_DAYS days' means, each taken out of its weekday.
  const from = Math.max(0, days - TREND_DAYS);
  const xs: number[] = [];
  const ys: number[] = [];
  for (let d = from; d < days; d++) {
    xs.push(d);
    ys.push(dayMeans[d] / (weekdays[weekdayOf(d)] || 1));
  }
  const { intercept, slope } = line(xs, ys);
  const level = (d: number) => Math.max(0, intercept + slope * d);

  // The day's shape, recent days weighing more.
  const profile = new Array<number>(slotsPerDay).fill(0);
  const weights = new Array<number>(slotsPerDay).fill(0);
  for (let d = 0; d < days; d++) {
    const base = dayMeans[d];
    if (base <= 0) continue;
    const w = 0.5 ** ((days - 1 - d) / PROFILE_HALF_LIFE_DAYS);
    const values = dayValues(d);
    for (let s = 0; s < slotsPerDay; s++) {
      profile[s] += w * (values[s] / base);
      weights[s] += w;
    }
  }
  for (let s = 0; s < slotsPerDay; s++) profile[s] = weights[s] > 0 ? profile[s] / weights[s] : 1;

  const model: ForecastModel = { slotMs, slotsPerDay, originMs, historyDays: days, intercept, slope, weekdays, weekly, profile, relativeSd: 0 };
  // In-sample relative errors, where the fit expects traffic.
  const errors: number[] = [];
  for (let d = 0; d < days; d++) {
    const values = dayValues(d);
    for (let s = 0; s < slotsPerDay; s++) {
      const fit = level(d) * weekdays[weekdayOf(d)] * profile[s];
      if (fit > 0) errors.push((values[s] - fit) / fit);
    }
  }
  const m = mean(errors);
  model.relativeSd = Math.sqrt(mean(errors.map((e) => (e - m) ** 2)));
  return model;
}

/** The forecast of the slot holding `at` (its start, value and band). */
export function forecastAt(model: ForecastModel, at: number): ForecastPoint {
  const start = Math.floor(at / model.slotMs) * model.slotMs;
  const day = Math.floor((start - model.originMs) / DAY_MS);
  const slot = Math.round((start - (model.originMs + day * DAY_MS)) / model.slotMs) % model.slotsPerDay;
  const weekday = new Date(start).getUTCDay();
  const value = Math.max(0, model.intercept + model.slope * day) * model.weekdays[weekday] * model.profile[slot];
  const spread = BAND_Z * model.relativeSd * value;
  return { start, value, lower: Math.max(0, value - spread), upper: value + spread };
}

/** Forecast points for every slot starting in [from, to). */
export function forecastRange(model: ForecastModel, from: number, to: number): ForecastPoint[] {
  const out: ForecastPoint[] = [];
  for (let t = Math.ceil(from / model.slotMs) * model.slotMs; t < to; t += model.slotMs) out.push(forecastAt(model, t));
  return out;
}

/**
 * Mean absolute percentage error of `forecast` against `actual`, over the slots whose actual
 * value is at least `floorShare` of the actual mean (a slot of near silence would weigh without
 * bound); null when no slot qualifies.
 */
export function mape(actual: readonly number[], forecast: readonly number[], floorShare = 0.05): number | null {
  const cut = mean(actual) * floorShare;
  let sum = 0;
  let n = 0;
  for (let i = 0; i < actual.length && i < forecast.length; i++) {
    if (actual[i] <= 0 || actual[i] < cut) continue;
    sum += Math.abs(actual[i] - forecast[i]) / actual[i];
    n++;
  }
  return n === 0 ? null : sum / n;
}

/**
 * The error on the held-out last day: fitted on everything before it, forecast for it, compared
 * (MAPE). Null when the history before the last day is too short to fit.
 */
export function heldOutMape(input: ForecastInput, minDays: number): number | null {
  const slotsPerDay = DAY_MS / input.slotMs;
  const end = input.startMs + input.values.length * input.slotMs;
  const lastDay = Math.floor(end / DAY_MS) * DAY_MS - DAY_MS;
  const cut = (lastDay - input.startMs) / input.slotMs;
  if (cut <= 0) return null;
  const model = fitForecast({ ...input, values: input.values.slice(0, cut) }, minDays);
  if (!model) return null;
  const actual = input.values.slice(cut, cut + slotsPerDay);
  const predicted = forecastRange(model, lastDay, lastDay + actual.length * input.slotMs).map((p) => p.value);
  return mape(actual, predicted);
}
