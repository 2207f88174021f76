/**
 * A deployment's settings in the portal, in a real browser against a real hub: the Budget card sets
 * a budget (a bad limit is refused beside its field), shows this month's use as a bar with the
 * action, and removes it; the Settings card edits the replica bounds and the autoscaling settings
 * (a panic window longer than the stable window is refused beside its field), and shows what was
 * saved; for an organization's deployment, a member (not its owner by handle) drives a progressive
 * rollout (bad steps refused beside their field, pause, resume, abort) and edits the traffic split
 * (a split not adding up to 100 is refused beside it), which the editor locks while a rollout runs.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnAgent, type AgentProcess } from '../support/agent.js';
import { FAST_SCHEDULER, registerNode } from '../support/compute.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { trainIris } from '../support/serving.js';
import { uniqueName } from '../support/users.js';
import { expectText, openBrowser, signInAsNewUser, type Browser } from './browser.js';

const TIMEOUT = 180_000;

describe('Portal: a deployment’s budget, autoscaling, rollout and traffic split', () => {
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
    await trainIris(hub, { username, token, id: '' }, 'iris', 'PRIVATE', true);
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

  it('lets a member of the owning organization run a rollout and edit the traffic split', { timeout: TIMEOUT }, async () => {
    const org = uniqueName('ops');
    const made = await hub.graphql(`mutation($h: String!) { createOrganization(input: { handle: $h }) { id } }`, { h: org }, token);
    expect(made.errors).toBeUndefined();
    const created = await hub.graphql(`mutation($input: CreateDeploymentInput!) { createDeployment(input: $input) { id viewerCanChange } }`, { input: { owner: org, name: 'flowers', model: `${username}/iris`, version: 1, minReplicas: 0 } }, token);
    expect(created.errors).toBeUndefined();
    expect(created.data.createDeployment.viewerCanChange).toBe(true);
    await page.goto(`${hub.url}/deployments/${org}/flowers`);

    // The deployment's owner is the organization: its member still gets every editor.
    const panel = page.getByTestId('rollout-panel');
    await expectText(panel, /No rollout yet/);
    await page.getByTestId('rollout-version').fill('2');
    await page.getByTestId('rollout-steps-input').fill('10:600, 50:abc');
    await page.getByTestId('start-rollout').getByRole('button', { name: 'Start rollout' }).click();
    await expectText(page.getByTestId('start-rollout'), /"50:abc" is not weight:seconds/);
    await page.getByTestId('rollout-steps-input').fill('10:600, 50:600');
    await page.getByTestId('start-rollout').getByRole('button', { name: 'Start rollout' }).click();
    await expectText(page.getByTestId('rollout-status'), /Rolling out: version 2 in place of version 1, step 1 of 2, the canary at 10 %/);
    const editor = page.getByTestId('split-editor');
    await expectText(editor, /A rollout is in progress/);
    expect(await editor.getByRole('spinbutton', { name: 'Weight of variant 1' }).isDisabled()).toBe(true);

    await page.getByTestId('pause-rollout').click();
    await expectText(page.getByTestId('rollout-status'), /Paused: version 2 in place of version 1/);
    await page.getByTestId('resume-rollout').click();
    await expectText(page.getByTestId('rollout-status'), /Rolling out/);
    page.once('dialog', (dialog) => void dialog.accept());
    await page.getByTestId('abort-rollout').click();
    await expectText(page.getByTestId('rollout-status'), /Aborted: version 2 in place of version 1/);
    await page.getByTestId('start-rollout').waitFor();

    // The split: 90 + 20 is refused beside it; 90 + 10 is saved and shown.
    await expectText(editor, /Weights of the answering variants: 100 %/);
    const rows = editor.getByTestId('split-row');
    const before = await rows.count();
    await editor.getByRole('button', { name: 'Add a variant' }).click();
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(before + 1);
    const last = before + 1;
    for (let i = 1; i < last; i++) await editor.getByRole('button', { name: 'Remove' }).first().click();
    await expect.poll(() => rows.count(), { timeout: 15_000 }).toBe(1);
    await editor.getByRole('spinbutton', { name: 'Version of variant 1' }).fill('1');
    await editor.getByRole('spinbutton', { name: 'Weight of variant 1' }).fill('90');
    await editor.getByRole('button', { name: 'Add a variant' }).click();
    await editor.getByRole('spinbutton', { name: 'Version of variant 2' }).fill('2');
    await editor.getByRole('spinbutton', { name: 'Weight of variant 2' }).fill('20');
    await expectText(page.getByTestId('split-total'), /110 % \(they must add up to 100\)/);
    await page.getByTestId('save-split').click();
    await expectText(editor, /the weights of the variants that are not shadows must add up to 100/);
    await editor.getByRole('spinbutton', { name: 'Weight of variant 2' }).fill('10');
    await page.getByTestId('save-split').click();
    await expect.poll(async () => {
      const res = await hub.graphql(`query($o: String!) { deployment(owner: $o, name: "flowers") { variants { versionNumber weight shadow } } }`, { o: org }, token);
      return res.data.deployment.variants;
    }, { timeout: 30_000 }).toEqual([{ versionNumber: 1, weight: 90, shadow: false }, { versionNumber: 2, weight: 10, shadow: false }]);
    await expectText(page.getByTestId('split-total'), /Weights of the answering variants: 100 %/);
    expect(await page.getByTestId('save-split').isDisabled()).toBe(true);
    expect(browser.pageErrors).toEqual([]);
  });
});
