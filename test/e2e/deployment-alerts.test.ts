/**
 * A deployment's alert rules and incident timeline in the portal, in a real browser against a real
 * hub and agent: the owner adds a rule with the form (a bad one shows the hub's message on its
 * field), sees it listed, sees the incidents the evaluator opened and resolved (an error burst over
 * the rule's threshold), and deletes the rule; a viewer who may not change the deployment is told
 * the section is not theirs.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnAgent, type AgentProcess } from '../support/agent.js';
import { FAST_SCHEDULER, registerNode, waitFor } from '../support/compute.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { apiKey, createDeployment, load, tfServingPredict, trainIris, waitForDeployment } from '../support/serving.js';
import { signUp, type SignedUp } from '../support/users.js';
import { expectText, openBrowser, signInAsNewUser, type Browser } from './browser.js';

const TIMEOUT = 180_000;

describe('Portal: alert rules and the incident timeline on the deployment page', () => {
  let browser: Browser;
  let page: Page;
  let hub: TestHub;
  let agent: AgentProcess;
  let owner: SignedUp;
  const username = `alerts${Date.now().toString(36)}`;

  beforeAll(async () => {
    [browser, hub] = await Promise.all([
      openBrowser(),
      startTestHub({ env: { ...FAST_SCHEDULER, AIMASS_METRICS_TIERS: '1s:1d,1m:30d,1h:365d', AIMASS_ALERTS_EVALUATE_SECONDS: '1' } }),
    ]);
    page = browser.page;
    const token = await signInAsNewUser(hub, page, username);
    owner = { username, token } as SignedUp;
    const node = await registerNode(hub, token, 'server');
    agent = spawnAgent(['--hub', hub.url, '--token', node.token, '--name', 'server', '--slots', '2']);
    await agent.waitFor(/connected to hub/);
    await trainIris(hub, owner, 'iris', 'PUBLIC');
    await createDeployment(hub, token, { name: 'iris', model: `${username}/iris`, minReplicas: 1, maxReplicas: 1, visibility: 'PUBLIC' });
    await waitForDeployment(hub, token, username, 'iris', (d) => d.replicas.some((r: any) => r.state === 'READY'));
  }, TIMEOUT);
  afterAll(async () => {
    await agent?.stop();
    await browser?.close();
    await hub?.close();
  }, TIMEOUT);

  it('adds a rule with the form, shows the incident an error burst opened and its resolution, and deletes the rule', { timeout: TIMEOUT }, async () => {
    await page.goto(`${hub.url}/deployments/${username}/iris`);
    await page.getByTestId('no-alert-rules').waitFor();
    await page.getByTestId('no-incidents').waitFor();

    await page.getByTestId('alert-rule-name').fill('errors');
    await page.getByTestId('alert-rule-metric').selectOption('ERROR_RATE');
    await page.getByTestId('alert-rule-condition').selectOption('ABOVE');
    // A window that is no multiple of the finest resolution is refused on its field.
    await page.getByTestId('alert-rule-threshold').fill('5');
    await page.getByTestId('alert-rule-window').fill('0');
    await page.getByTestId('create-alert-rule').click();
    await expectText(page.getByTestId('alert-rule-window-error'), /multiple/);
    await page.getByTestId('alert-rule-window').fill('2');
    await page.getByTestId('create-alert-rule').click();
    const row = page.locator('[data-testid="alert-rule-row"][data-rule="errors"]');
    await expectText(row, /Error rate above 5\.0 % over 2 s/);

    // An error burst (refused records are metered errors), then requests that succeed.
    const key = await apiKey(hub, owner, ['INFERENCE']);
    const send = (instances: unknown[]) => tfServingPredict(hub, key, username, 'iris', { instances });
    const opened = async () => (await hub.sql(`SELECT id FROM deployment_incidents`)).length > 0;
    await waitFor('an incident', async () => (await load(20, 4, () => send([{ petal: 'x', sepal: 1, color: 'red' }])), await opened()), 60_000);
    await waitFor('its resolution', async () => {
      await load(10, 2, () => send([{ petal: 1.4, sepal: 5.1, color: 'red' }]));
      return (await hub.sql(`SELECT id FROM deployment_incidents WHERE resolved_at IS NOT NULL`)).length > 0;
    }, 60_000);
    await page.reload();
    const incident = page.locator('[data-testid="incident"][data-state="resolved"]');
    await expectText(incident, /errors/);
    expect(await incident.innerText()).toMatch(/Error rate \d+\.\d % over 2 s \(threshold 5\.0 %\)/);
    expect(await incident.innerText()).toMatch(/Resolved/);

    page.once('dialog', (dialog) => void dialog.accept());
    await row.getByTestId('delete-alert-rule').click();
    await page.getByTestId('no-alert-rules').waitFor();
    // The incident stays.
    expect(await page.getByTestId('incident').count()).toBe(1);
  });

  it('tells a viewer who may not change the deployment that alerts are not theirs', { timeout: TIMEOUT }, async () => {
    const viewer = await signUp(hub);
    await page.goto(`${hub.url}/`);
    await page.evaluate((token) => localStorage.setItem('aimass.session', JSON.stringify({ token, expiresAt: new Date(Date.now() + 3600_000).toISOString() })), viewer.token);
    await page.goto(`${hub.url}/deployments/${username}/iris`);
    await expectText(page.getByText(/shown to those who may change the deployment/), /Alert rules and incidents/);
  });
});
