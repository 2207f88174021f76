/**
 * Trusted nodes in a real browser: a private training waits on the Jobs page with "waiting for one
 * of your trusted nodes" while only a stranger's agent is online; on the Nodes page's Trusted
 * nodes tab the user trusts that node by id, and the job runs there, seen live; then removes it,
 * and trusts and removes a provider by username. Operator-run nodes are listed for everyone.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnAgent, type AgentProcess } from '../support/agent.js';
import { FAST_SCHEDULER, registerNode } from '../support/compute.js';
import { createDataset, upload } from '../support/datasets.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { csv, flowers } from '../support/synthetic-data.js';
import { signUp, type SignedUp } from '../support/users.js';
import { expectText, openBrowser, screenshot, signInAsNewUser, waitForText, type Browser } from './browser.js';

const TIMEOUT = 180_000;

describe('Portal: trusted nodes and a job waiting for one', () => {
  let hub: TestHub;
  let browser: Browser;
  let page: Page;
  let token: string;
  let mallory: SignedUp;
  let strangerId: string;
  let stranger: AgentProcess | undefined;
  const username = `trust-${Date.now().toString(36)}`;

  beforeAll(async () => {
    browser = await openBrowser();
    page = browser.page;
    hub = await startTestHub({ env: FAST_SCHEDULER });
    token = await signInAsNewUser(hub, page, username);
    mallory = await signUp(hub);
    const node = await registerNode(hub, mallory.token, 'stranger-box');
    strangerId = node.nodeId;
    stranger = spawnAgent(['--hub', hub.url, '--token', node.token, '--name', 'stranger-box']);
    await stranger.waitFor(/connected to hub/);
    await createDataset(hub, token, { name: 'flowers', visibility: 'PRIVATE' });
    expect((await upload(hub, token, username, 'flowers', csv(flowers(200, 5)))).status).toBe(201);
  }, TIMEOUT);

  afterAll(async () => {
    await stranger?.stop();
    await browser?.close();
    await hub?.close();
  }, TIMEOUT);

  it('shows the private training waiting for a trusted node, and runs it once the user trusts the stranger’s node', { timeout: TIMEOUT }, async () => {
    const res = await hub.graphql(
      `mutation($q: String!) { runSql(query: $q) { rows } }`,
      { q: `CREATE MODEL ${username}.iris OPTIONS (model_type = 'logistic_reg', input_label_cols = ['species'], epochs = 2) AS SELECT petal, sepal, species FROM ${username}.flowers` },
      token,
    );
    expect(res.errors).toBeUndefined();
    const jobId = res.data.runSql.rows[0][0];

    await page.goto(`${hub.url}/jobs`);
    const row = page.locator(`[data-testid="job-row"][data-id="${jobId}"]`);
    await expectText(row.getByTestId('job-status'), 'Queued');
    await expectText(row.getByTestId('job-waiting-reason'), /waiting for one of your trusted nodes/);
    await screenshot(page, 'portal-job-waiting.png');

    await page.goto(`${hub.url}/nodes?view=trusted`);
    const panel = page.getByTestId('trusted-nodes');
    await expectText(panel, /You trust no other node by id/);
    await page.getByTestId('trust-node-input').fill('not-a-node');
    await page.getByTestId('trust-node-add').click();
    await waitForText(page.getByTestId('trust-node-alert'), (t) => t.length > 0, 'an error for a bad node id');
    await page.getByTestId('trust-node-input').fill(strangerId);
    await page.getByTestId('trust-node-add').click();
    await expectText(page.getByTestId('trusted-node'), /stranger-box/);
    await screenshot(page, 'portal-trusted-nodes.png');

    // The job runs on the node just trusted; the Jobs page follows it live.
    await page.goto(`${hub.url}/jobs`);
    await expectText(row.getByTestId('job-status'), 'Succeeded', 90_000);
    await expect(row.getByTestId('job-waiting-reason').count()).resolves.toBe(0);
    await expectText(row, /stranger-box/);

    await page.goto(`${hub.url}/nodes?view=trusted`);
    await page.getByTestId('trusted-node-remove').click();
    await expectText(panel, /You trust no other node by id/);
    await page.getByTestId('trust-provider-input').fill(mallory.username);
    await page.getByTestId('trust-provider-add').click();
    await expectText(page.getByTestId('trusted-provider'), mallory.username);
    await page.getByTestId('trusted-provider-remove').click();
    await expectText(panel, /You trust no provider/);
    await expectText(panel, /This hub runs no node of its own/);
    const list = await hub.graphql(`{ trustList { nodes { id } providers { username } } }`, {}, token);
    expect(list.data.trustList).toEqual({ nodes: [], providers: [] });
  });
});
