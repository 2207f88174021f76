/**
 * Model serving in the portal, in a real browser against a real hub and a real agent: a model
 * trained by SQL is deployed with the Deploy button on its version, its page shows the replica
 * coming up live on the agent's node until READY, Try it builds a request from the signature's
 * features (number fields, a select of the colour's categories) and shows the prediction, the curl
 * commands it shows for TF Serving and KServe v2 work as written, the stored metrics charts draw
 * the traffic live for the chosen range, the Deployments list shows the traffic, the model page and the Lab try the
 * deployment too, a refused call (over the daily quota) shows the hub's message, and Delete
 * removes the deployment.
 */
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnAgent, type AgentProcess } from '../support/agent.js';
import { FAST_SCHEDULER, registerNode, waitFor, waitForJob } from '../support/compute.js';
import { createDataset, upload } from '../support/datasets.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { COLORS, csv, flowers } from '../support/synthetic-data.js';
import { expectText, openBrowser, screenshot, signInAsNewUser, waitForText, type Browser } from './browser.js';

const TIMEOUT = 180_000;
const SPECIES = ['iris_a', 'iris_b', 'iris_c'];
/** The row Try it sends: clearly iris_c (2·petal − sepal + shift > 1). */
const ROW = { petal: 1.8, sepal: -0.5, color: 'red' };

interface Prediction {
  label: string | null;
  probabilities: { label: string; probability: number }[] | null;
}

describe('Portal: deploy a model version, watch it come up, try it and see its traffic', () => {
  let hub: TestHub;
  let browser: Browser;
  let page: Page;
  let token: string;
  let agent: AgentProcess | undefined;
  let apiKey: string;
  let nodeId: string;
  const stamp = Date.now().toString(36);
  const username = `serve-${stamp}`;
  const keyName = 'try-it-curl';
  const deployment = 'iris-live';
  const slug = `${username}/${deployment}`;

  const predictByApi = async (name: string, instance: Record<string, unknown>) =>
    hub.graphql<{ predict: { predictions: Prediction[]; versionNumber: number } }>(
      `mutation($d: String!, $i: [JSON!]!) { predict(deployment: $d, instances: $i) { versionNumber predictions { label probabilities { label probability } } } }`,
      { d: name, i: [instance] },
      token,
    );

  /** Fills Try it with ROW (the colour from the select of categories) and sends it; resolves with the answer shown. */
  async function tryIt(scope: string): Promise<{ label: string; probabilities: Map<string, number> }> {
    const panel = page.locator(`${scope} [data-testid="try-it"]`);
    await panel.getByTestId('try-feature-petal').fill(String(ROW.petal));
    await panel.getByTestId('try-feature-sepal').fill(String(ROW.sepal));
    await panel.getByTestId('try-feature-color').selectOption(ROW.color);
    await send(panel);
    await expectNoRefusal(panel);
    const label = await waitForText(panel.getByTestId('try-label'), (text) => SPECIES.includes(text.trim()), 'a predicted species', 30_000);
    const rows = panel.getByTestId('try-probability');
    const probabilities = new Map<string, number>();
    for (let i = 0; i < (await rows.count()); i++) {
      const row = rows.nth(i);
      probabilities.set((await row.getAttribute('data-label'))!, Number(await row.getAttribute('data-probability')));
    }
    return { label: label.trim(), probabilities };
  }

  async function expectNoRefusal(panel: Locator) {
    const refusal = panel.getByTestId('try-error');
    expect(await refusal.count(), (await refusal.allInnerTexts()).join('')).toBe(0);
  }

  async function setNode(mutation: 'drainNode' | 'enableNode') {
    const done = await hub.graphql(`mutation($id: ID!) { ${mutation}(id: $id) { id } }`, { id: nodeId }, token);
    expect(done.errors).toBeUndefined();
  }

  /** Sends Try it as it stands and waits for its answer (or refusal) to be shown. */
  async function send(panel = page.getByTestId('try-it')) {
    const before = Number(await panel.getAttribute('data-calls'));
    await panel.getByTestId('try-send').click();
    await waitFor('Try it’s answer', async () => Number(await panel.getAttribute('data-calls')) > before, 30_000);
  }

  beforeAll(async () => {
    [browser, hub] = await Promise.all([openBrowser(), startTestHub({ env: { ...FAST_SCHEDULER } })]);
    page = browser.page;
    token = await signInAsNewUser(hub, page, username);
    await createDataset(hub, token, { name: 'flowers', visibility: 'PRIVATE' });
    // No NULLs: Try it sends every feature.
    expect((await upload(hub, token, username, 'flowers', csv(flowers(400, 3, 0)))).status).toBe(201);

    const node = await registerNode(hub, token, 'server');
    nodeId = node.nodeId;
    // Two slots: a replica keeps one for as long as it serves; the capped deployment needs another.
    agent = spawnAgent(['--hub', hub.url, '--token', node.token, '--name', 'server', '--slots', '2']);
    await agent.waitFor(/connected to hub/);

    const trained = await hub.graphql<{ runSql: { rows: unknown[][] } }>(
      `mutation($q: String!) { runSql(query: $q) { rows } }`,
      {
        q:
          `CREATE MODEL ${username}.iris OPTIONS (model_type = 'dnn_classifier', input_label_cols = ['species'], hidden_units = [8], ` +
          `epochs = 12, learn_rate = 0.05, early_stop = FALSE) AS SELECT petal, sepal, color, species FROM ${username}.flowers`,
      },
      token,
    );
    expect(trained.errors).toBeUndefined();
    const job = await waitForJob(hub, token, String(trained.data!.runSql.rows[0][0]), (j) => j.status === 'SUCCEEDED' || j.status === 'FAILED', 120_000);
    expect(job.status, job.error).toBe('SUCCEEDED');

    const key = await hub.graphql<{ createApiKey: { secret: string } }>(
      `mutation($input: CreateApiKeyInput!) { createApiKey(input: $input) { secret } }`,
      { input: { name: keyName, scopes: ['INFERENCE'] } },
      token,
    );
    expect(key.errors).toBeUndefined();
    apiKey = key.data!.createApiKey.secret;
  }, TIMEOUT);

  afterAll(async () => {
    await agent?.stop();
    await browser?.close();
    await hub?.close();
  }, TIMEOUT);

  it('lists no deployments at first, saying how to make one', { timeout: TIMEOUT }, async () => {
    await page.goto(`${hub.url}/deployments`);
    await expectText(page.getByRole('heading', { level: 1 }), 'Deployments');
    await expectText(page.getByTestId('deployments-empty'), 'No deployments yet — deploy a model version from its page');
  });

  it('deploys version 1 with the Deploy button and shows the replica coming up on the agent until READY', { timeout: TIMEOUT }, async () => {
    await page.goto(`${hub.url}/models/${username}/iris?version=1`);
    await page.getByTestId('version-deploy').click();
    await page.getByTestId('deploy-name').fill(deployment);
    await page.getByTestId('deploy-min-replicas').fill('1');
    await page.getByTestId('deploy-max-replicas').fill('1');
    await page.getByTestId('deploy-max-batch').fill('8');
    await page.getByTestId('deploy-queue-delay').fill('5');
    // The node takes no new work until the page shows the deployment waiting for one: a replica
    // that comes up before the page loads would leave nothing to see change.
    await setNode('drainNode');
    await page.getByTestId('deploy-submit').click();

    await page.waitForURL(`${hub.url}/deployments/${username}/${deployment}`);
    await expectText(page.getByRole('heading', { level: 1 }), slug);
    // Statuses as they happen (deploymentChanged), recorded by the page itself.
    await page.evaluate(() => {
      const seen: string[] = [];
      (window as unknown as { __statuses: string[] }).__statuses = seen;
      const record = () => {
        const status = document.querySelector('[data-testid="deployment-status"]')?.getAttribute('data-status');
        if (status && seen[seen.length - 1] !== status) seen.push(status);
      };
      record();
      new MutationObserver(record).observe(document.body, { subtree: true, attributes: true, attributeFilter: ['data-status'], childList: true });
    });
    await page.locator('[data-testid="deployment-status"][data-status="PENDING"]').waitFor({ timeout: 30_000 });
    await setNode('enableNode');
    await page.locator('[data-testid="deployment-status"][data-status="READY"]').waitFor({ timeout: 120_000 });
    // The page changed on its own, from waiting for a node to READY.
    const statuses = await page.evaluate(() => (window as unknown as { __statuses: string[] }).__statuses);
    expect(statuses[0], statuses.join(' → ')).toBe('PENDING');
    expect(statuses[statuses.length - 1], statuses.join(' → ')).toBe('READY');

    const replica = page.locator('[data-testid="replica-row"][data-state="READY"]');
    await replica.waitFor({ timeout: 30_000 });
    expect(await replica.getAttribute('data-node')).toBe('server');
    expect(await page.getByTestId('replica-row').count()).toBe(1);
    await expectText(page.getByTestId('endpoint-tfserving'), `${hub.url}/v1/models/${username}.${deployment}:predict`);
    await expectText(page.getByTestId('endpoint-kserve'), `${hub.url}/v2/models/${username}.${deployment}/infer`);
    await expectText(page.getByTestId('deployment-facts'), 'up to 8 rows within 5 ms');
    // Its timeline, shown to its owner: the creation, by whom and what it serves.
    await expectText(page.locator('[data-testid="timeline-event"][data-kind="CREATED"]'), `created by ${username}, serving version 1`);
    await screenshot(page, 'portal-deployment-ready.png');
  });

  it('tries it: inputs from the signature’s features, the prediction as label and probabilities, equal to GraphQL predict’s', { timeout: TIMEOUT }, async () => {
    const panel = page.getByTestId('try-it');
    // A number field per numeric feature, a select of the categories for the colour.
    expect(await panel.getByTestId('try-feature-petal').getAttribute('type')).toBe('number');
    expect(await panel.getByTestId('try-feature-sepal').getAttribute('type')).toBe('number');
    const options = await panel.getByTestId('try-feature-color').locator('option').allInnerTexts();
    expect([...options].sort()).toEqual([...COLORS].sort());

    const shown = await tryIt('body');
    expect([...shown.probabilities.keys()].sort()).toEqual(SPECIES);
    const total = [...shown.probabilities.values()].reduce((a, b) => a + b, 0);
    expect(total).toBeCloseTo(1, 4);
    // The label is the most probable class; the bars are drawn highest first.
    const best = [...shown.probabilities.entries()].sort((a, b) => b[1] - a[1])[0][0];
    expect(shown.label).toBe(best);
    const barsInOrder = await panel.getByTestId('try-probability').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-probability'))));
    expect(barsInOrder).toEqual([...barsInOrder].sort((a, b) => b - a));
    await expectText(panel.getByTestId('try-served-by'), /^Version 1 on server · [\d.,]+ ms/);

    // The same record through the API answers the same.
    const res = await predictByApi(slug, ROW);
    expect(res.errors).toBeUndefined();
    const answer = res.data!.predict.predictions[0];
    expect(answer.label).toBe(shown.label);
    for (const p of answer.probabilities ?? []) expect(shown.probabilities.get(p.label)).toBeCloseTo(p.probability, 5);
    // A well-trained model calls this row iris_c.
    expect(shown.label).toBe('iris_c');
    await screenshot(page, 'portal-deployment-try-it.png');
  });

  it('shows curl commands for TF Serving and KServe v2 that work as written, and meters them under the key', { timeout: TIMEOUT }, async () => {
    const tf = await page.getByTestId('try-curl-tfserving').innerText();
    const kserve = await page.getByTestId('try-curl-kserve').innerText();
    const call = (command: string) => {
      const url = /curl -X POST '([^']+)'/.exec(command)?.[1];
      const body = /-d '([^']+)'/.exec(command)?.[1];
      expect(command).toContain('Authorization: Bearer $API_KEY');
      expect(url && body, command).toBeTruthy();
      return { url: url!, body: JSON.parse(body!) as unknown };
    };
    const tfCall = call(tf);
    expect(tfCall.url).toBe(`${hub.url}/v1/models/${username}.${deployment}:predict`);
    expect(tfCall.body).toEqual({ instances: [ROW] });
    const kCall = call(kserve);
    expect(kCall.url).toBe(`${hub.url}/v2/models/${username}.${deployment}/infer`);
    expect(kCall.body).toEqual({
      inputs: [
        { name: 'petal', shape: [1], datatype: 'FP32', data: [ROW.petal] },
        { name: 'sepal', shape: [1], datatype: 'FP32', data: [ROW.sepal] },
        { name: 'color', shape: [1], datatype: 'BYTES', data: [ROW.color] },
      ],
    });

    for (const { url, body } of [tfCall, kCall]) {
      const response = await fetch(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const text = await response.text();
      expect(response.status, text).toBe(200);
      const answer = JSON.parse(text) as { predictions?: unknown[]; outputs?: unknown[] };
      if (url.includes('/v1/')) expect(answer.predictions).toHaveLength(1);
      else expect(answer.outputs?.length).toBeGreaterThan(0);
    }

    // Usage by key: the two calls under the key's name (re-read on a reload, as metering lands).
    await waitFor(
      'the key’s usage on the deployment page',
      async () => {
        await page.reload();
        const row = page.locator(`[data-testid="usage-row"][data-key="${keyName}"]`);
        try {
          // A loaded machine draws the page's cards slowly: give each reload its time.
          await row.waitFor({ timeout: 10_000 });
        } catch {
          return false;
        }
        return (await row.locator('td').nth(1).innerText()).trim() === '2';
      },
      120_000,
    );
  });

  it('draws the stored metrics for the chosen range, live: rate, latency, errors by code, replicas, nodes’ CPU and memory; the Deployments list shows the traffic', { timeout: TIMEOUT }, async () => {
    await page.goto(`${hub.url}/deployments/${username}/${deployment}`);
    await page.locator('[data-testid="deployment-status"][data-status="READY"]').waitFor();
    const metrics = page.getByTestId('metrics');
    await page.locator('[data-testid="metrics"][data-range="hour"][data-loaded="true"]').waitFor();
    // The last hour at 30 s: a point for every step.
    expect(Number(await metrics.getAttribute('data-points'))).toBeGreaterThanOrEqual(120);
    const requestsBefore = Number(await metrics.getAttribute('data-requests'));

    const panel = page.getByTestId('try-it');
    await panel.getByTestId('try-feature-petal').fill(String(ROW.petal));
    for (let i = 0; i < 5; i++) {
      await send(panel);
      await expectNoRefusal(panel);
    }
    for (let i = 0; i < 20; i++) expect((await predictByApi(slug, { ...ROW, petal: i / 10 })).errors).toBeUndefined();
    // Two calls whose records the hub refuses: errors by code.
    for (let i = 0; i < 2; i++) expect((await predictByApi(slug, { ...ROW, petal: 'not a number' })).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');

    // The page is not reloaded: each live 10 s point has the range read again.
    await waitFor('the traffic on the charts', async () => Number(await metrics.getAttribute('data-requests')) >= requestsBefore + 27, 45_000);
    await waitFor('the errors on the chart', async () => (await page.getByTestId('errors-chart').getAttribute('data-statuses')) === 'BAD_USER_INPUT', 15_000);
    await waitFor('an error bar', async () => (await page.locator('[data-testid="errors-chart"] .recharts-bar-rectangle').count()) > 0, 15_000);
    // The rate beside the charts is the last minute's; the waits above may have outlasted it.
    for (let i = 0; i < 5; i++) expect((await predictByApi(slug, { ...ROW, petal: i / 10 })).errors).toBeUndefined();
    await waitFor('a request rate above zero', async () => Number(await page.getByTestId('rate-chart').getAttribute('data-latest')) > 0, 30_000);
    await expectText(page.getByTestId('rate-now'), /^now [\d.,]+\/s$/);
    await expectText(page.getByTestId('latency-now'), /^p50 [\d.,]+ ms · p99 [\d.,]+ ms$/);
    await expectText(page.getByTestId('replicas-now'), /^1 ready of 1 wanted$/);
    // Lines drawn: the rate; p50, p95 and p99; replicas ready and wanted; the node's CPU and memory.
    await waitFor('the request-rate line', async () => (await page.locator('[data-testid="rate-chart"] .recharts-line-curve').count()) === 1, 15_000);
    await waitFor('the p50, p95 and p99 lines', async () => (await page.locator('[data-testid="latency-chart"] .recharts-line-curve').count()) === 3, 15_000);
    await waitFor('the replica lines', async () => (await page.locator('[data-testid="replicas-chart"] .recharts-line-curve').count()) === 2, 15_000);
    await waitFor('the CPU area', async () => (await page.locator('[data-testid="cpu-chart"] .recharts-area-area').count()) === 1, 15_000);
    await waitFor('the memory area', async () => Number(await page.getByTestId('memory-chart').getAttribute('data-latest')) > 0, 15_000);
    // Batch sizes of the last minute: at least one bar.
    await waitFor('a batch-size bar', async () => Number(await page.getByTestId('batch-chart').getAttribute('data-bars')) > 0, 15_000);
    await screenshot(page, 'portal-deployment-charts.png');

    // The last day, at 10 minutes a point: the same traffic, read from the 1 min tier and what it has not rolled up yet.
    await page.getByTestId('metrics-range-day').click();
    await page.locator('[data-testid="metrics"][data-range="day"][data-loaded="true"]').waitFor();
    await waitFor('the day’s points', async () => Number(await metrics.getAttribute('data-points')) >= 144, 15_000);
    expect(Number(await metrics.getAttribute('data-requests'))).toBeGreaterThanOrEqual(requestsBefore + 27);
    expect(await page.getByTestId('metrics-range-day').getAttribute('aria-pressed')).toBe('true');
    await waitFor('the day’s request-rate line', async () => (await page.locator('[data-testid="rate-chart"] .recharts-line-curve').count()) === 1, 15_000);
    // A month, at 12 hours a point.
    await page.getByTestId('metrics-range-month').click();
    await page.locator('[data-testid="metrics"][data-range="month"][data-loaded="true"]').waitFor();
    await waitFor('the month’s points', async () => Number(await metrics.getAttribute('data-points')) >= 60, 15_000);
    expect(Number(await metrics.getAttribute('data-requests'))).toBeGreaterThanOrEqual(requestsBefore + 27);
    await screenshot(page, 'portal-deployment-charts-month.png');

    await page.goto(`${hub.url}/deployments`);
    const row = page.locator(`[data-testid="deployment-row"][data-slug="${slug}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-status')).toBe('READY');
    await waitForText(row.getByTestId('deployment-rate'), (text) => Number(text.replace(/,/g, '')) > 0, 'a request rate above zero', 15_000);
    await row.getByTestId('deployment-link').click();
    await page.waitForURL(`${hub.url}/deployments/${username}/${deployment}`);
  });

  it('offers Try it on the model page and in the Lab', { timeout: TIMEOUT }, async () => {
    await page.goto(`${hub.url}/models/${username}/iris`);
    await page.getByTestId('model-deployments').waitFor();
    expect(await page.getByTestId('model-try-link').getAttribute('href')).toBe(`/deployments/${username}/${deployment}`);
    expect((await tryIt('[data-testid="model-deployments"]')).label).toBe('iris_c');

    await page.goto(`${hub.url}/lab`);
    await page.getByTestId('lab-try').locator('summary').click();
    await page.getByTestId('lab-try-picker').waitFor();
    expect((await tryIt('[data-testid="lab-try"]')).label).toBe('iris_c');
  });

  it('shows the hub’s message when a call is refused (over the daily quota), and Delete removes a deployment', { timeout: TIMEOUT }, async () => {
    const capped = 'iris-capped';
    const created = await hub.graphql(
      `mutation($input: CreateDeploymentInput!) { createDeployment(input: $input) { name } }`,
      { input: { name: capped, model: `${username}/iris`, version: 1, limits: { dailyRequests: 1 } } },
      token,
    );
    expect(created.errors).toBeUndefined();
    await page.goto(`${hub.url}/deployments/${username}/${capped}`);
    await page.locator('[data-testid="deployment-status"][data-status="READY"]').waitFor({ timeout: 120_000 });
    await expectText(page.getByTestId('deployment-facts'), '1 request a day');

    const panel = page.getByTestId('try-it');
    await send(panel);
    await expectNoRefusal(panel);
    await panel.getByTestId('try-label').waitFor();
    await send(panel);
    const alert = panel.getByTestId('try-error');
    await alert.waitFor();
    expect(await alert.getAttribute('data-code')).toBe('RATE_LIMITED');
    // The hub's own words, as the API gives them.
    const refused = await predictByApi(`${username}/${capped}`, ROW);
    expect(refused.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    // The retry time counts down between the two calls: compared without it, and said once.
    const withoutSeconds = (text: string) => text.replace(/\d+ s\b/g, 'N s');
    const said = await waitForText(alert, (text) => withoutSeconds(text) === withoutSeconds(refused.errors![0].message), refused.errors![0].message);
    expect(said).toMatch(/retry in \d+ s$/);
    expect(await panel.getByTestId('try-answer').count()).toBe(0);

    // Delete (the owner's button, after a confirmation) goes back to the list without it.
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByTestId('delete-deployment').click();
    await page.waitForURL(`${hub.url}/deployments`);
    await page.locator(`[data-testid="deployment-row"][data-slug="${slug}"]`).waitFor();
    expect(await page.locator(`[data-testid="deployment-row"][data-slug="${username}/${capped}"]`).count()).toBe(0);
    expect(browser.pageErrors).toEqual([]);
  });
});
