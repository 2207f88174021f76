import { describe, expect, it } from 'vitest';
import { assertJobKindHandlers, hubJobKinds } from '../job-kinds.js';

describe('Hub job kind handlers', () => {
  it('exist for every kind in schema/job-kinds.ts', () => {
    expect(() => assertJobKindHandlers()).not.toThrow();
  });

  it('refuse to start when a kind has no handler, naming it', () => {
    expect(() => assertJobKindHandlers({ echo: hubJobKinds.echo })).toThrow(/No hub handler for job kind\(s\): benchmark/);
  });
});
