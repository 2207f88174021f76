/** One-way ANOVA of numeric columns against a grouping column, checked against a hand-computed example. */
import { mean, sampleVariance } from 'simple-statistics';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset, upload } from './support/datasets.js';
import { BACKENDS, startTestHub, type TestHub } from './support/hub.js';
import { codeOf, signUp, type SignedUp } from './support/users.js';

const GROUPS: Record<string, number[]> = { a: [6, 8, 4, 5, 3, 4], b: [8, 12, 9, 11, 6, 8], c: [13, 9, 11, 8, 7, 12] };
const ANOVA = `query($o: String!, $g: String!) { datasetVersion(owner: $o, name: "plants") { anova(groupBy: $g) } }`;

describe.each(BACKENDS)('ANOVA on %s', (backend) => {
  let hub: TestHub;
  let user: SignedUp;
  beforeAll(async () => {
    hub = await startTestHub({ backend });
    user = await signUp(hub);
    await createDataset(hub, user.token, { name: 'plants' });
    const lines = ['fertiliser,growth,noise,ratio'];
    let i = 0;
    for (const [g, values] of Object.entries(GROUPS)) for (const v of values) lines.push(`${g},${v},${(i++ * 7) % 5},${v + 0.25}`);
    lines.push(',100,1,1.5', 'a,NA,2,NA'); // rows with a NULL on either side are left out
    expect((await upload(hub, user.token, user.username, 'plants', lines.join('\n'))).status).toBe(201);
  });
  afterAll(() => hub?.close());

  it('computes F and its p-value for each numeric column', async () => {
    const res = await hub.graphql(ANOVA, { o: user.username, g: 'fertiliser' }, user.token);
    const growth = res.data.datasetVersion.anova.find((r: any) => r.column === 'growth');
    // By hand, independently: between- and within-group sums of squares.
    const all = Object.values(GROUPS).flat();
    const grand = mean(all);
    const ssb = Object.values(GROUPS).reduce((s, v) => s + v.length * (mean(v) - grand) ** 2, 0);
    const ssw = Object.values(GROUPS).reduce((s, v) => s + (v.length - 1) * sampleVariance(v), 0);
    const f = ssb / 2 / (ssw / 15);
    expect(growth).toMatchObject({ groups: 3, n: 18, dfBetween: 2, dfWithin: 15 });
    expect(growth.f).toBeCloseTo(f, 9);
    expect(growth.f).toBeCloseTo(9.2647, 3);
    expect(growth.pValue).toBeCloseTo((1 + (2 * f) / 15) ** -7.5, 9); // closed form for d1 = 2
    expect(growth.groupStats).toEqual([
      { group: 'a', n: 6, mean: 5 },
      { group: 'b', n: 6, mean: 9 },
      { group: 'c', n: 6, mean: 10 },
    ]);
    expect(res.data.datasetVersion.anova.map((r: any) => r.column)).toEqual(['growth', 'noise', 'ratio']);
    // Shifting every value leaves F unchanged.
    expect(res.data.datasetVersion.anova.find((r: any) => r.column === 'ratio').f).toBeCloseTo(f, 9);
  });

  it('refuses a grouping column that is not there or cannot group', async () => {
    expect(codeOf(await hub.graphql(ANOVA, { o: user.username, g: 'nope' }, user.token))).toBe('BAD_USER_INPUT');
    const res = await hub.graphql(ANOVA, { o: user.username, g: 'ratio' }, user.token); // a float column cannot group
    expect(codeOf(res)).toBe('BAD_USER_INPUT');
    expect(res.errors![0].extensions!.fields![0].field).toBe('groupBy');
  });
});
