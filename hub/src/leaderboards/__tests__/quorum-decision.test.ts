import { describe, expect, it } from 'vitest';
import { disagreements, rowsAgree } from '../verification/agreement.js';
import { decideRound, type RoundRun, type RoundRules } from '../verification/quorum-decision.js';

const RULES: RoundRules = { quorum: 2, by: 'owner', maxRuns: 6, publicModel: true, noOtherNode: false };
let n = 0;
function run(over: Partial<RoundRun>): RoundRun {
  n++;
  return { jobId: `j${n}`, state: 'returned', nodeId: `n${n}`, ownerId: `o${n}`, group: 0, spot: 'PASSED', trusted: false, submitters: false, ...over };
}

describe('decideRound', () => {
  it('waits for a second owner when one untrusted run returned, then accepts the agreeing pair', () => {
    const a = run({});
    expect(decideRound([a], RULES)).toEqual({ kind: 'wait', replicate: 1, caught: [] });
    const b = run({});
    expect(decideRound([a, b], RULES)).toMatchObject({ kind: 'accept', jobId: a.jobId, agreed: [a.jobId, b.jobId], disagreed: [], alone: false });
  });

  it('does not count two nodes of one owner as a quorum', () => {
    const a = run({ ownerId: 'same' });
    const b = run({ ownerId: 'same' });
    expect(decideRound([a, b], RULES)).toEqual({ kind: 'wait', replicate: 1, caught: [] });
    // Private data: different nodes suffice.
    expect(decideRound([a, b], { ...RULES, by: 'node' })).toMatchObject({ kind: 'accept' });
  });

  it('asks a third run on disagreement, and the majority decides: the minority is disagreed', () => {
    const a = run({ group: 0 });
    const b = run({ group: 1 });
    expect(decideRound([a, b], RULES)).toEqual({ kind: 'wait', replicate: 1, caught: [] });
    expect(decideRound([a, b, run({ state: 'pending', group: null, spot: null })], RULES)).toEqual({ kind: 'wait', replicate: 0, caught: [] });
    const c = run({ group: 1 });
    expect(decideRound([a, b, c], RULES)).toMatchObject({ kind: 'accept', jobId: b.jobId, agreed: [b.jobId, c.jobId], disagreed: [a.jobId] });
  });

  it('accepts a trusted node alone after a passed spot check, never the submitter’s own node for a public model', () => {
    expect(decideRound([run({ trusted: true })], RULES)).toMatchObject({ kind: 'accept', alone: true });
    expect(decideRound([run({ trusted: true, spot: 'SKIPPED' })], RULES)).toMatchObject({ kind: 'wait', replicate: 1 });
    expect(decideRound([run({ trusted: true, submitters: true })], RULES)).toMatchObject({ kind: 'wait', replicate: 1 });
    expect(decideRound([run({ trusted: true, submitters: true })], { ...RULES, publicModel: false })).toMatchObject({ kind: 'accept', alone: true });
  });

  it('catches a run that failed its spot check and replaces it', () => {
    const liar = run({ trusted: true, spot: 'FAILED', group: null });
    expect(decideRound([liar], RULES)).toEqual({ kind: 'wait', replicate: 2, caught: [liar.jobId] });
    const honest = run({});
    expect(decideRound([liar, honest], RULES)).toEqual({ kind: 'wait', replicate: 1, caught: [liar.jobId] });
  });

  it('accepts a spot-checked lone run where no other eligible node exists (private data on one trusted node)', () => {
    expect(decideRound([run({})], { ...RULES, by: 'node', noOtherNode: true })).toMatchObject({ kind: 'accept', alone: true });
  });

  it('fails the round past maxRuns', () => {
    const runs = [run({ group: 0 }), run({ group: 1 }), run({ group: 2 })];
    expect(decideRound(runs, { ...RULES, maxRuns: 3 })).toMatchObject({ kind: 'fail' });
  });

  it('decides with one run when the quorum is 1', () => {
    expect(decideRound([run({ spot: 'SKIPPED' })], { ...RULES, quorum: 1 })).toMatchObject({ kind: 'accept' });
  });
});

describe('agreement', () => {
  it('compares classes exactly, forgiving near ties, and numbers within the tolerance', () => {
    expect(rowsAgree('classification', [0.7, 0.2, 0.1], [0.6, 0.3, 0.1], 1e-3)).toBe(true);
    expect(rowsAgree('classification', [0.7, 0.2, 0.1], [0.2, 0.7, 0.1], 1e-3)).toBe(false);
    expect(rowsAgree('classification', [0.50001, 0.49999], [0.49999, 0.50001], 1e-3)).toBe(true);
    expect(rowsAgree('regression', [1000], [1000.5], 1e-3)).toBe(true);
    expect(rowsAgree('regression', [1000], [1002], 1e-3)).toBe(false);
    expect(rowsAgree('regression', [0], [0.0005], 1e-3)).toBe(true);
    const a = new Map([[1, [0.9, 0.1]], [2, [0.1, 0.9]]]);
    expect(disagreements('classification', a, new Map([[1, [0.8, 0.2]], [2, [0.9, 0.1]]]), 1e-3)).toBe(1);
    expect(disagreements('classification', a, new Map([[1, [0.8, 0.2]]]), 1e-3)).toBe(1);
  });
});
