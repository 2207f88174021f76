import type { Response } from 'express';
import { describe, expect, it } from 'vitest';
import { setServerTiming } from '../server-timing.js';

describe('Server-Timing', () => {
  it('writes each timed step in milliseconds, in order, leaving out steps not timed', () => {
    const headers: Record<string, string> = {};
    const res = { setHeader: (name: string, value: string) => (headers[name] = value) } as unknown as Response;
    setServerTiming(res, { spool: 812.34, ingest: 0, profile: undefined, commit: 5 });
    expect(headers['server-timing']).toBe('spool;dur=812.3, ingest;dur=0.0, commit;dur=5.0');
  });
});
