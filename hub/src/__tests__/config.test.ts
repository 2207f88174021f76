import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, VARIABLES } from '../config.js';

describe('Configuration', () => {
  it('has a default for everything but the optional URLs', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.host).toBe('127.0.0.1');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toMatch(/\.aimass$/);
    expect(config.env).toBe('production');
    expect(config.localAgents).toBe(0);
    expect(config.jobs).toEqual({ leaseSeconds: 60, retryBaseSeconds: 2, retryMaxSeconds: 300, tickSeconds: 5, benchmarkOnJoin: true });
    expect(config.login).toEqual({ maxFailuresPerPair: 10, maxFailuresPerAccount: 100, maxAttemptsPerIp: 60, windowSeconds: 900 });
  });

  it('reads every variable it documents', () => {
    const config = loadConfig({
      PORT: '8080',
      DATABASE_URL: 'postgresql://u:p@db:5432/aimass',
      AIMASS_LOCAL_AGENTS: '3',
      AIMASS_BENCHMARK_ON_JOIN: 'no',
      AIMASS_PUBLIC_URL: 'https://hub.example.org/',
      AIMASS_GRAPHQL_MAX_DEPTH: '7',
    });
    expect(config).toMatchObject({ port: 8080, databaseUrl: 'postgresql://u:p@db:5432/aimass', localAgents: 3, publicUrl: 'https://hub.example.org' });
    expect(config.graphqlLimits.depth).toBe(7);
    for (const [name, variable] of Object.entries(VARIABLES)) {
      expect(variable.description.length, name).toBeGreaterThan(10);
    }
  });

  it('names every bad variable at once with what it expected', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', AIMASS_TRUST_PROXY_HOPS: 'maybe', AIMASS_SESSION_TTL_SECONDS: '0' });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const problems = (error as ConfigError).problems;
    expect(problems).toEqual([
      'PORT must be an integer, got "eighty"',
      'DATABASE_URL must start with postgres:// or postgresql://, got "mysql://"',
      'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "loud"',
      'AIMASS_SESSION_TTL_SECONDS must be between 1 and 31536000, got 0',
      'AIMASS_TRUST_PROXY_HOPS must be an integer, got "maybe"',
    ]);
    expect((error as Error).message).toContain('Invalid configuration');
  });

  it('refuses a retired variable instead of ignoring it', () => {
    expect(() => loadConfig({ AIMASS_TRUST_PROXY: 'true' })).toThrow(/AIMASS_TRUST_PROXY is no longer read: set AIMASS_TRUST_PROXY_HOPS/);
    expect(loadConfig({}).trustProxyHops).toBe(0);
  });

  it('reads the deployment metrics tiers, finest first, and refuses tiers that cannot roll up', () => {
    expect(loadConfig({}).monitoring.tiers).toEqual([
      { resolutionSeconds: 10, keepSeconds: 86_400 },
      { resolutionSeconds: 60, keepSeconds: 30 * 86_400 },
      { resolutionSeconds: 3600, keepSeconds: 365 * 86_400 },
    ]);
    expect(loadConfig({ AIMASS_METRICS_TIERS: '5s:2h,1m:7d' }).monitoring.tiers).toEqual([
      { resolutionSeconds: 5, keepSeconds: 7200 },
      { resolutionSeconds: 60, keepSeconds: 7 * 86_400 },
    ]);
    for (const bad of ['', '10s', '10x:1d', '10s:1d,15s:2d', '1m:1d,10s:2d', '10s:1d,1m:1h', '1m:30s']) {
      expect(() => loadConfig({ AIMASS_METRICS_TIERS: bad || ' ' }), bad).toThrow(/AIMASS_METRICS_TIERS/);
    }
  });

  it('treats an empty variable as unset', () => {
    expect(loadConfig({ PORT: '', DATABASE_URL: '' })).toMatchObject({ port: 4000, databaseUrl: undefined });
  });
});
