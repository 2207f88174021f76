import { describe, expect, it } from 'vitest';
import { serverTiming } from '../jobs/train/training-hub.js';

describe('serverTiming (the hub’s timing of the model upload, for the step log)', () => {
  it('reads each name’s dur in milliseconds', () => {
    expect(serverTiming('receive;dur=12.5, check;dur=830.0, version;dur=41.2')).toEqual({ receive: 12.5, check: 830, version: 41.2 });
  });

  it('leaves out what is not a plain name with a duration, and a missing header is no timings', () => {
    expect(serverTiming(null)).toEqual({});
    expect(serverTiming('receive, check;desc="x";dur=-1, bad name;dur=3, version;dur=abc, ok;desc="y";dur=7')).toEqual({ ok: 7 });
  });
});
