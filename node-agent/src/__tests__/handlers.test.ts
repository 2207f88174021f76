import { describe, expect, it } from 'vitest';
import { assertHandlers, handlers } from '../jobs/handlers.js';

describe('Agent job kind handlers', () => {
  it('exist for every kind in schema/job-kinds.ts', () => {
    expect(() => assertHandlers()).not.toThrow();
  });

  it('refuse to start when a kind has no handler, naming it', () => {
    expect(() => assertHandlers({ benchmark: handlers.benchmark })).toThrow(/no handler for job kind\(s\): echo/);
  });
});
