/**
 * The parsers of configuration values (config-variables.ts declares which variable takes which):
 * each takes the raw text and the variable's name, and throws a message naming it.
 */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

export type Parser<T> = (raw: string, name: string) => T;

export interface Variable<T> {
  default: string | undefined;
  description: string;
  parse: Parser<T>;
}

export const int =
  (min: number, max: number): Parser<number> =>
  (raw, name) => {
    if (!/^-?\d+$/.test(raw.trim())) throw new Error(`${name} must be an integer, got "${raw}"`);
    const value = Number(raw);
    if (value < min || value > max) throw new Error(`${name} must be between ${min} and ${max}, got ${value}`);
    return value;
  };

export const bool: Parser<boolean> = (raw, name) => {
  const v = raw.trim().toLowerCase();
  if (['1', 'true', 'yes', 'on'].includes(v)) return true;
  if (['0', 'false', 'no', 'off'].includes(v)) return false;
  throw new Error(`${name} must be true or false, got "${raw}"`);
};

export const oneOf =
  <T extends string>(...values: T[]): Parser<T> =>
  (raw, name) => {
    if (!values.includes(raw as T)) throw new Error(`${name} must be one of ${values.join(', ')}, got "${raw}"`);
    return raw as T;
  };

export const text: Parser<string> = (raw) => raw;

/** Minutes that divide a day (the planner's forecast slots align to UTC midnight). */
export const dayDivisorMinutes: Parser<number> = (raw, name) => {
  const value = int(1, 1440)(raw, name);
  if (1440 % value !== 0) throw new Error(`${name} must divide a day (1440 minutes): 5, 10, 15, 30, 60, …, got ${value}`);
  return value;
};

export const postgresUrl: Parser<string> = (raw, name) => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new Error(`${name} must be a URL like postgres://user:pass@host:5432/db`);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new Error(`${name} must start with postgres:// or postgresql://, got "${url.protocol}//"`);
  }
  return raw;
};

export const httpUrl: Parser<string> = (raw, name) => {
  try {
    const url = new URL(raw);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error();
  } catch {
    throw new Error(`${name} must be an http(s) URL, got "${raw}"`);
  }
  return raw.replace(/\/+$/, '');
};

/** A tier of the deployment metrics: points of `resolutionSeconds`, kept `keepSeconds`. */
export interface MetricTier {
  resolutionSeconds: number;
  keepSeconds: number;
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/** `10s:1d,1m:30d,1h:365d`: at least one tier, finest first, each resolution a multiple of the one before and kept at least as long. */
export const metricTiers: Parser<MetricTier[]> = (raw, name) => {
  const duration = (part: string): number => {
    const m = /^(\d+)([smhd])$/.exec(part.trim());
    if (!m || Number(m[1]) < 1) throw new Error(`${name}: "${part}" is not a duration like 10s, 1m, 1h or 30d`);
    return Number(m[1]) * UNIT_SECONDS[m[2]];
  };
  const tiers = raw.split(',').map((tier) => {
    const [resolution, keep, extra] = tier.split(':');
    if (keep === undefined || extra !== undefined) throw new Error(`${name}: "${tier}" is not resolution:retention, like 10s:1d`);
    return { resolutionSeconds: duration(resolution), keepSeconds: duration(keep) };
  });
  tiers.forEach((t, i) => {
    if (t.resolutionSeconds > 86_400) throw new Error(`${name}: a resolution is at most 1d`);
    if (t.keepSeconds < t.resolutionSeconds) throw new Error(`${name}: each tier keeps at least one of its points`);
    const before = tiers[i - 1];
    if (before && (t.resolutionSeconds <= before.resolutionSeconds || t.resolutionSeconds % before.resolutionSeconds !== 0)) {
      throw new Error(`${name}: each resolution must be a multiple of the one before, and larger`);
    }
    if (before && t.keepSeconds < before.keepSeconds) throw new Error(`${name}: a coarser tier is kept at least as long as a finer one`);
  });
  return tiers;
};

/** Every environment variable the hub reads, with its default. */
