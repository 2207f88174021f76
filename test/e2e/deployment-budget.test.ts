/**
 * A deployment's budget and autoscaling settings in the portal, in a real browser against a real
 * hub: the Budget card sets a budget (a bad limit is refused beside its field), shows this month's
 * use as a bar with the action, and removes it; the Settings card edits the replica bounds and the
 * autoscaling settings (a panic window longer than the stable window is refused beside its field),
 * and shows what was saved.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnAgent, type AgentProcess } from '../support/agent.js';
import { FAST_SCHEDULER, registerNode } from '../support/compute.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { trainIris } from '../support/serving.js';
import { expectText, openBrowser, signInAsNewUser, type Browser } from './browser.js';

const TIMEOUT = 180_000;

describe('Portal: a deployment’s budget and autoscaling settings', () => {
  let hub: TestHub;
  let browser: Browser;
  let page: Page;
  let token: string;
  let agent: AgentProcess | undefined;
  const username = `budget-${Date.now().toString(36)}`;

  beforeAll(async () => {
    [browser, hub] = await Promise.all([openBrowser(), startTestHub({ env: { ...FAST_SCHEDULER } })]);
    page = browser.page;
    token = await signInAsNewUser(hub, page, username);
    const node = await registerNode(hub, token, 'server');
    agent = spawnAgent(['--hub', hub.url, '--token', node.token, '--name', 'server', '--slots', '2']);
    await agent.waitFor(/connected to hub/);
    await trainIris(hub, { username, token, id: '' }, 'iris');
    // Stopped (minReplicas 0): the page's settings and budget need no replica.
    const created = await hub.graphql(`mutation($input: CreateDeploymentInput!) { createDeployment(input: $input) { id } }`, { input: { name: 'churn', model: `${username}/iris`, minReplicas: 0 } }, token);
    expect(created.errors).toBeUndefined();
  }, TIMEOUT);

  afterAll(async () => {
    await agent?.stop();
    await browser?.close();
    await hub?.close();
  }, TIMEOUT);

  it('sets a budget (refusing a bad limit beside its field), shows its use and action, and removes it', { timeout: TIMEOUT }, async () => {
    await page.goto(`${hub.url}/deployments/${username}/churn`);
    const card = page.getByTestId('deployment-budget');
    await expectText(card, /No budget/);
    await card.getByTestId('budget-edit').click();
    await card.getByTestId('budget-limit').fill('0');
    await card.getByTestId('budget-save').click();
    await expectText(card.getByTestId('budget-limit-error'), /more than 0/);

    await card.getByTestId('budget-limit').fill('5');
    await card.getByTestId('budget-action').selectOption('STOP');
    await card.getByTestId('budget-save').click();
    const month = new Date().toISOString().slice(0, 7);
    await expectText(card.getByTestId('budget-use'), new RegExp(`0 of 5 replica-hours in ${month}`));
    await expectText(card, /At 100 %: stop the deployment until next month/);
    const stored = await hub.graphql(`query($o: String!) { deployment(owner: $o, name: "churn") { budget { limitReplicaHours action } } }`, { o: username }, token);
    expect(stored.data.deployment.budget).toEqual({ limitReplicaHours: 5, action: 'STOP' });

    await card.getByTestId('budget-edit').click();
    await card.getByTestId('budget-remove').click();
    await expectText(card, /No budget/);
  });

  it('edits the replica bounds and autoscaling settings, refusing a bad one beside its field', { timeout: TIMEOUT }, async () => {
    await page.goto(`${hub.url}/deployments/${username}/churn`);
    await expectText(page.getByTestId('deployment-autoscaling'), /off/);
    await page.getByTestId('scaling-edit').click();
    await page.getByTestId('scaling-max').fill('3');
    await page.getByTestId('scaling-autoscale').check();
    await page.getByTestId('scaling-panic').fill('90');
    await page.getByTestId('scaling-idle').fill('300');
    await page.getByTestId('scaling-save').click();
    await expectText(page.getByTestId('scaling-panic-error'), /stable window/);

    await page.getByTestId('scaling-panic').fill('5');
    await page.getByTestId('scaling-save').click();
    await expectText(page.getByTestId('deployment-autoscaling'), /windows 60 s \/ 5 s .*to zero after 300 s idle/);
    const stored = await hub.graphql(`query($o: String!) { deployment(owner: $o, name: "churn") { status minReplicas maxReplicas autoscaling { panicWindowSeconds scaleToZeroAfterSeconds } } }`, { o: username }, token);
    expect(stored.data.deployment).toMatchObject({ minReplicas: 0, maxReplicas: 3, autoscaling: { panicWindowSeconds: 5, scaleToZeroAfterSeconds: 300 } });
  });
});
