import { describe, expect, it } from 'vitest';
import { decode, encode } from '../wire.js';

describe('Events on the wire between hubs', () => {
  it('keeps Dates as Dates at any depth, and everything else as JSON', () => {
    const at = new Date('2026-12-02T21:00:00.123Z');
    const sent = { id: 'n1', connectedAt: at, benchmarkedAt: null, labels: ['gpu'], nested: { list: [at, 1, 'x'] }, removed: false };
    const received = decode(encode(sent)) as typeof sent;
    expect(received).toEqual(sent);
    expect(received.connectedAt).toBeInstanceOf(Date);
    expect(received.connectedAt.getTime()).toBe(at.getTime());
    expect(received.nested.list[0]).toBeInstanceOf(Date);
  });

  it('never takes stored JSON for a Date: an ISO string or a "$date" object stays what it was', () => {
    const sent = { result: { when: '2026-12-02T21:00:00.000Z', $date: '2026-12-02T21:00:00.000Z' }, payload: [{ $date: 'x' }] };
    expect(decode(encode(sent))).toEqual(sent);
  });

  it('writes an invalid Date as null and leaves undefined fields out, as JSON does', () => {
    expect(decode(encode({ bad: new Date(Number.NaN), gone: undefined, n: Number.NaN }))).toEqual({ bad: null, n: null });
  });
});
