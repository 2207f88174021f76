import { describe, expect, it } from 'vitest';
import { jobKinds } from '../../../schema/index.js';
import { assertHandlers, handlers } from '../jobs/handlers.js';
import { checkJobPayload } from '../jobs/job-payload.js';

describe('Agent job kind handlers', () => {
  it('exist for every kind in schema/job-kinds.ts, each loading a function', async () => {
    expect(() => assertHandlers(handlers, jobKinds)).not.toThrow();
    for (const kind of jobKinds) expect(typeof (await handlers[kind]())).toBe('function');
  });

  it('refuse to start when a kind has no handler, naming it', () => {
    expect(() => assertHandlers({ benchmark: handlers.benchmark }, jobKinds)).toThrow(/no handler for job kind\(s\): echo/);
  });
});

describe('Job payloads, checked on the main thread', () => {
  it('passes a valid payload on with its defaults filled in', () => {
    const checked = checkJobPayload('echo', { value: 1 });
    expect(checked.ok).toBe(true);
    expect(checked.ok && checked.payload).toEqual({ value: 1, durationMs: 0, steps: 1 });
  });

  it('refuses an unknown kind and a bad payload, naming the field', () => {
    expect(checkJobPayload('mine-bitcoin', {})).toEqual({ ok: false, error: 'this agent does not know job kind "mine-bitcoin"' });
    const bad = checkJobPayload('echo', { durationMs: 'soon' });
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/^invalid payload: durationMs: /);
  });
});
