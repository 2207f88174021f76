/**
 * A benchmark's leaderboard in a real browser against a real hub: the submit form lists the
 * viewer's compatible model versions, a submission shows in "my submissions" and, once a (raw)
 * agent has answered its run and the hub scored it, on the leaderboard with its public score; a
 * submission made elsewhere reaches the open page live (leaderboardChanged), without a reload.
 * Then the models' standings: the benchmark links to the catalog "best on" it, which lists the
 * ranked models in the hub's order; a model's page shows its rank there, and its owner enters it
 * in the standing benchmark from that page.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createModel, uploadFiles } from '../catalog-support.js';
import { FAST_SCHEDULER, registerNode, waitFor } from '../support/compute.js';
import { createDataset, upload } from '../support/datasets.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { connectRawAgent, type RawAgent } from '../support/raw-agent.js';
import { denseModelFiles } from '../support/tf-model.js';
import { signUp, type SignedUp } from '../support/users.js';
import { expectText, openBrowser, screenshot, signInAsNewUser, type Browser } from './browser.js';

const TIMEOUT = 120_000;
const CLASSES = ['setosa', 'virginica'];
const CSV = ['a,b,c,species', ...Array.from({ length: 60 }, (_, i) => `${i % 7},${(i * 3) % 5},${(i * 2) % 9},${CLASSES[(i + (i % 3 === 0 ? 1 : 0)) % 2]}`)].join('\n');

describe('Portal: a benchmark’s live leaderboard and submissions', () => {
  let hub: TestHub;
  let browser: Browser;
  let page: Page;
  let agent: RawAgent;
  let aliceToken: string;
  let bob: SignedUp;
  const alice = `lb-${Date.now().toString(36)}`;

  /** Answers the next predict job on the raw agent with each row's softmax-like probabilities. */
  async function serveNext(seen: number, flip = false): Promise<void> {
    const assign = await waitFor('job.assign', async () => agent.received.filter((m) => m.type === 'job.assign' && m.kind === 'predict')[seen]);
    const call = (path: string, init: RequestInit = {}) =>
      fetch(`${hub.url}/api/jobs/${assign.jobId}${path}`, { ...init, headers: { authorization: `Bearer ${assign.jobToken}`, ...(init.headers ?? {}) } });
    const chunk = await (await call('/ml/rows?offset=0&limit=1000')).json();
    const outputs = chunk.rows.map((r: number[]) => {
      const p = 1 / (1 + Math.exp(-(r[0] - r[1]) * 0.5));
      return flip ? [1 - p, p] : [p, 1 - p];
    });
    expect((await call('/ml/predictions', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ offset: 0, outputs }) })).status).toBe(200);
    agent.socket.send(JSON.stringify({ type: 'job.started', jobId: assign.jobId, attempt: assign.attempt }));
    agent.socket.send(JSON.stringify({ type: 'job.succeeded', jobId: assign.jobId, attempt: assign.attempt, result: { rows: chunk.rows.length } }));
  }

  beforeAll(async () => {
    browser = await openBrowser();
    page = browser.page;
    hub = await startTestHub({ env: { ...FAST_SCHEDULER, AIMASS_JOB_LEASE_SECONDS: '60' } });
    aliceToken = await signInAsNewUser(hub, page, alice);
    bob = await signUp(hub);
    await createDataset(hub, aliceToken, { name: 'flowers', visibility: 'PUBLIC' });
    expect((await upload(hub, aliceToken, alice, 'flowers', CSV)).status).toBe(201);
    const created = await hub.graphql(
      `mutation($input: CreateBenchmarkInput!) { createBenchmark(input: $input) { id } }`,
      { input: { name: 'petals', dataset: `${alice}/flowers@1`, label: 'species', task: 'CLASSIFICATION', metric: 'ACCURACY', visibility: 'PUBLIC', split: { testFraction: 0.5, publicFraction: 0.5 } } },
      aliceToken,
    );
    expect(created.errors).toBeUndefined();
    const features = ['a', 'b', 'c'].map((name) => ({ name, type: 'NUMBER', preprocessing: { kind: 'STANDARDIZE', mean: 3, std: 2 } }));
    for (const [owner, token] of [[alice, aliceToken], [bob.username, bob.token]]) {
      await createModel(hub, token, { name: 'petal-net', visibility: 'PUBLIC' });
      expect((await uploadFiles(hub, token, owner, 'petal-net', await denseModelFiles(2, 'softmax'))).status).toBe(201);
      const set = await hub.graphql(
        `mutation($o: String!, $n: String!, $input: ModelVersionMetadataInput!) { setModelVersionMetadata(owner: $o, name: $n, number: 1, input: $input) { number } }`,
        { o: owner, n: 'petal-net', input: { features, labels: CLASSES } },
        token,
      );
      expect(set.errors).toBeUndefined();
    }
    agent = await connectRawAgent(hub, (await registerNode(hub, aliceToken, 'raw')).token);
  }, TIMEOUT);

  afterAll(async () => {
    agent?.socket.close();
    await browser?.close();
    await hub?.close();
  }, TIMEOUT);

  it('submits a compatible model version from the page, and the board follows live', { timeout: TIMEOUT }, async () => {
    await page.goto(`${hub.url}/leaderboards/${alice}/petals`);
    await expectText(page.getByTestId('leaderboard-empty'), /No scored submission yet/);
    const choice = page.getByTestId('submit-benchmark-model').locator('option');
    await choice.first().waitFor({ state: 'attached' });
    expect(await choice.allTextContents()).toEqual([`${alice}/petal-net@1`]);
    await page.getByTestId('submit-benchmark').click();
    await expectText(page.getByTestId('my-submission-status'), /Queued|Running/i);
    await serveNext(0);
    await expectText(page.getByTestId('my-submission-status'), /Scored/i);
    const board = await hub.graphql(`query($o: String!) { benchmark(owner: $o, name: "petals") { leaderboard { entries { submission { publicScore } } } } }`, { o: alice }, aliceToken);
    const aliceScore = board.data.benchmark.leaderboard.entries[0].submission.publicScore;
    await expect.poll(() => page.getByTestId('leaderboard-row').count()).toBe(1);
    await expectText(page.getByTestId('leaderboard-public-score').first(), new RegExp(`^${String(Number(aliceScore.toPrecision(5))).replace('.', '\\.')}`));

    // Bob submits through the API; the open page hears of it and shows his row, without a reload.
    const res = await hub.graphql(
      `mutation { submitToBenchmark(benchmark: { owner: "${alice}", name: "petals" }, model: { owner: "${bob.username}", name: "petal-net", version: 1 }) { id } }`,
      {},
      bob.token,
    );
    expect(res.errors).toBeUndefined();
    await serveNext(1);
    await expect.poll(() => page.getByTestId('leaderboard-row').count(), { timeout: 15_000 }).toBe(2);
    await expectText(page.getByTestId('leaderboard'), new RegExp(bob.username));
    await screenshot(page, 'benchmark-leaderboard.png');
    expect(browser.pageErrors).toEqual([]);
  });

  it('ranks the models: the catalog "best on" the benchmark, the model page’s standings, entering it in the standing benchmark', { timeout: TIMEOUT }, async () => {
    // A third model, answered the other way round: a different score.
    const carol = await signUp(hub);
    const features = ['a', 'b', 'c'].map((name) => ({ name, type: 'NUMBER', preprocessing: { kind: 'STANDARDIZE', mean: 3, std: 2 } }));
    await createModel(hub, carol.token, { name: 'petal-flip', visibility: 'PUBLIC' });
    expect((await uploadFiles(hub, carol.token, carol.username, 'petal-flip', await denseModelFiles(2, 'softmax'))).status).toBe(201);
    const set = await hub.graphql(
      `mutation($o: String!, $input: ModelVersionMetadataInput!) { setModelVersionMetadata(owner: $o, name: "petal-flip", number: 1, input: $input) { number } }`,
      { o: carol.username, input: { features, labels: CLASSES } },
      carol.token,
    );
    expect(set.errors).toBeUndefined();
    const res = await hub.graphql(
      `mutation { submitToBenchmark(benchmark: { owner: "${alice}", name: "petals" }, model: { owner: "${carol.username}", name: "petal-flip", version: 1 }) { id } }`,
      {},
      carol.token,
    );
    expect(res.errors).toBeUndefined();
    await serveNext(2, true);
    await expect.poll(() => page.getByTestId('leaderboard-row').count(), { timeout: 15_000 }).toBe(3);

    const hubOrder = await waitFor('three ranked models', async () => {
      const ranked = await hub.graphql(`query($on: String) { models(first: 10, filter: { bestOn: $on }) { edges { node { owner name } } } }`, { on: `${alice}/petals` });
      const names = ranked.data.models.edges.map((e: any) => `${e.node.owner}/${e.node.name}`);
      return names.length === 3 ? names : undefined;
    });
    await page.getByTestId('benchmark-best-models').click();
    await page.waitForURL(/\/models\?bestOn=/);
    await expect.poll(async () => page.getByTestId('model-result').evaluateAll((items) => items.map((i) => i.getAttribute('data-name')))).toEqual(hubOrder);
    expect(await page.getByTestId('models-sort').inputValue()).toBe('BENCHMARK_RANK');

    // Alice's model page: its rank among the three, and the standing entry she makes there.
    const standing = await hub.graphql(`query($o: String!) { model(owner: $o, name: "petal-net") { standings { rank models } } }`, { o: alice });
    const { rank } = standing.data.model.standings[0];
    await page.goto(`${hub.url}/models/${alice}/petal-net`);
    await expectText(page.getByTestId('model-standing-rank'), new RegExp(`^${rank} of 3$`));
    await page.getByTestId('enter-benchmark-name').fill(`${alice}/petals`);
    await page.getByTestId('enter-benchmark').click();
    await expectText(page.getByTestId('model-standings'), /new versions/);
    const entered = await hub.graphql(`query($o: String!) { model(owner: $o, name: "petal-net") { standings { entered } } }`, { o: alice });
    expect(entered.data.model.standings[0].entered).toBe(true);
    await screenshot(page, 'model-standings.png');
    expect(browser.pageErrors).toEqual([]);
  });
});
