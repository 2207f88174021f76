import { describe, expect, it } from 'vitest';
import { AgentConfigError, agentSocketUrl, DEFAULT_CACHE_DIR, loadAgentConfig } from '../config.js';

describe('Agent configuration', () => {
  it('reads flags, falling back to the environment', () => {
    const config = loadAgentConfig(['--hub', 'http://hub:4000', '--slots', '3', '--label', 'gpu', '--label', 'eu-west'], { AIMASS_NODE_TOKEN: 'amn_t' });
    expect(config).toMatchObject({ hubUrl: 'http://hub:4000', token: 'amn_t', slots: 3, labels: ['gpu', 'eu-west'] });
  });

  it('explains every problem with the usage', () => {
    expect(() => loadAgentConfig(['--hub', 'ftp://x', '--slots', '0', '--label', 'no spaces'], {})).toThrowError(AgentConfigError);
    try {
      loadAgentConfig(['--hub', 'ftp://x', '--slots', '0'], {});
    } catch (error) {
      expect((error as Error).message).toMatch(/--hub must be an http\(s\) or ws\(s\) URL\n--token is required.*\n--slots must be/);
    }
    expect(() => loadAgentConfig(['--bogus'], {})).toThrowError(/Unknown option '--bogus'/);
  });

  it('reads the serving cache directory and the fault-rehearsal delay, with defaults', () => {
    expect(loadAgentConfig(['--hub', 'http://hub:4000'], { AIMASS_NODE_TOKEN: 't' })).toMatchObject({ cacheDir: DEFAULT_CACHE_DIR, serveDelayMs: 0 });
    const config = loadAgentConfig(['--hub', 'http://hub:4000', '--cache-dir', '/var/cache/aimass'], { AIMASS_NODE_TOKEN: 't', AIMASS_AGENT_SERVE_DELAY_MS: '2000' });
    expect(config).toMatchObject({ cacheDir: '/var/cache/aimass', serveDelayMs: 2000 });
    expect(loadAgentConfig(['--hub', 'http://hub:4000'], { AIMASS_NODE_TOKEN: 't', AIMASS_AGENT_CACHE_DIR: '/srv/c' }).cacheDir).toBe('/srv/c');
    expect(() => loadAgentConfig(['--hub', 'http://hub:4000'], { AIMASS_NODE_TOKEN: 't', AIMASS_AGENT_SERVE_DELAY_MS: '-1' })).toThrow(/AIMASS_AGENT_SERVE_DELAY_MS must be between 0 and 600000/);
  });

  it('keeps a spare job worker unless AIMASS_AGENT_SPARE_WORKER=0', () => {
    expect(loadAgentConfig(['--hub', 'http://hub:4000'], { AIMASS_NODE_TOKEN: 't' }).spareWorker).toBe(true);
    expect(loadAgentConfig(['--hub', 'http://hub:4000'], { AIMASS_NODE_TOKEN: 't', AIMASS_AGENT_SPARE_WORKER: '0' }).spareWorker).toBe(false);
  });

  it('derives the agent socket URL from the hub URL', () => {
    expect(agentSocketUrl('http://localhost:4000')).toBe('ws://localhost:4000/agents');
    expect(agentSocketUrl('https://hub.example.org/base/')).toBe('wss://hub.example.org/base/agents');
  });
});
