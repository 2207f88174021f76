/**
 * The Nodes and Jobs pages in a real browser against a real hub and a real agent: a node is
 * registered on the Nodes page, joins (the hub benchmarks it on joining), runs an echo job the
 * user submits on the Jobs page, and is drained, each step seen live without a reload.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnAgent, type AgentProcess } from '../support/agent.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { expectText, openBrowser, screenshot, signInAsNewUser, type Browser } from './browser.js';

const TIMEOUT = 120_000;
const NODE = 'e2e-wasm-1';

describe('Portal: a compute provider watches their node and its jobs live', () => {
  let hub: TestHub;
  let browser: Browser;
  let page: Page;
  let agent: AgentProcess | undefined;
  const username = `nodes-${Date.now().toString(36)}`;

  beforeAll(async () => {
    browser = await openBrowser();
    page = browser.page;
    hub = await startTestHub();
    await signInAsNewUser(hub, page, username);
  }, TIMEOUT);

  afterAll(async () => {
    await agent?.stop();
    await browser?.close();
    await hub?.close();
  }, TIMEOUT);

  const nodeRow = () => page.getByTestId('compute-node-row').filter({ hasText: NODE });

  it('registers a node on the Nodes page and shows it join live: online, on wasm, its speed measured', { timeout: TIMEOUT }, async () => {
    await page.goto(`${hub.url}/nodes`);
    await page.getByTestId('compute-nodes-empty').waitFor();

    await page.getByTestId('node-name').fill(NODE);
    await page.getByTestId('register-node').click();
    const token = await page.getByTestId('node-token').inputValue();
    expect(token).toMatch(/^amn_/);

    // Registering announces the node: it appears in the table without a reload.
    await expectText(nodeRow().getByTestId('node-status'), 'Offline');
    await expectText(nodeRow().getByTestId('node-speed'), 'not measured yet');

    agent = spawnAgent(['--hub', hub.url, '--token', token]);
    await expectText(nodeRow().getByTestId('node-status'), 'Online', 30_000);
    await expectText(nodeRow().getByTestId('node-backend'), 'wasm');
    // The benchmark the hub runs on a node's first join reports its speed.
    await expectText(nodeRow().getByTestId('node-speed'), /GFLOP\/s[\s\S]*steps\/s/, 60_000);
    await screenshot(page, 'portal-nodes.png');

    // The network view shows it too, with its owner, and filters by status.
    await page.getByTestId('nodes-tab-network').click();
    await expectText(nodeRow(), username);
    await page.getByTestId('nodes-status-filter').selectOption('OFFLINE');
    await page.getByTestId('compute-nodes-empty').waitFor();
    await page.getByTestId('nodes-status-filter').selectOption('ONLINE');
    await expectText(nodeRow().getByTestId('node-status'), 'Online');
    await page.getByTestId('nodes-tab-mine').click();
    await nodeRow().waitFor();
  });

  it('runs an echo job from the Jobs page and follows it live: running with moving progress, then succeeded on the node', { timeout: TIMEOUT }, async () => {
    await page.getByTestId('nav-jobs').click();
    await page.waitForURL(`${hub.url}/jobs`);
    // The join benchmark is the user's first job.
    await expectText(page.getByTestId('job-row').filter({ hasText: 'benchmark' }).getByTestId('job-status'), 'Succeeded');

    const payload = page.getByTestId('run-job-payload');
    await payload.fill('{ "durationMs": 3000, "steps": 6');
    await page.getByTestId('run-job-submit').click();
    await expectText(page.getByTestId('run-job-payload-error'), /not valid JSON/);
    expect(await payload.getAttribute('aria-invalid')).toBe('true');
    expect(page.url()).toBe(`${hub.url}/jobs`);

    // Long enough, in enough steps, that a loaded machine still shows the bar move several times.
    await payload.fill('{ "durationMs": 6000, "steps": 12 }');
    await page.getByTestId('run-job-own-nodes').check();
    await page.getByTestId('run-job-submit').click();
    await page.waitForURL(/\/jobs\/[0-9a-f-]{36}$/);

    // The list's rows carry job-status too: read only once the job's own page has rendered.
    await page.getByTestId('job-progress').waitFor();
    const status = page.getByTestId('job-status');
    const bar = page.getByTestId('job-progress').getByRole('progressbar');
    const seenWhileRunning = new Set<number>();
    const deadline = Date.now() + 60_000;
    for (;;) {
      const now = await status.getAttribute('data-status');
      const value = Number(await bar.getAttribute('aria-valuenow'));
      // The status and the bar arrive in the same live updates, but the page may still say LEASED when
      // the first progress lands: every value before success counts.
      if (now !== 'SUCCEEDED') seenWhileRunning.add(value);
      if (now === 'SUCCEEDED') break;
      expect(['QUEUED', 'LEASED', 'RUNNING']).toContain(now);
      if (Date.now() > deadline) expect.fail(`the job was still ${now} after 60 s`);
      await page.waitForTimeout(100);
    }
    // The bar moved while it ran: several values between empty and full.
    expect([...seenWhileRunning].filter((value) => value > 0 && value < 100).length).toBeGreaterThanOrEqual(2);

    await expectText(status, 'Succeeded');
    expect(await bar.getAttribute('aria-valuenow')).toBe('100');
    await expectText(page.getByTestId('job-node'), NODE);
    const attempt = page.getByTestId('job-attempt-row');
    expect(await attempt.count()).toBe(1);
    await expectText(attempt, NODE);
    expect(await attempt.getAttribute('data-outcome')).toBe('succeeded');
    await expectText(page.getByTestId('job-result'), /"steps": 12/);
    await expectText(page.getByTestId('job-requirements'), /"ownNodesOnly": true/);
    expect(await page.getByTestId('cancel-job').count()).toBe(0);
    await screenshot(page, 'portal-job.png');
  });

  it('drains the node from the Nodes page and shows it draining, then enables it again', { timeout: TIMEOUT }, async () => {
    await page.getByTestId('nav-nodes').click();
    await expectText(nodeRow().getByTestId('node-status'), 'Online');

    await nodeRow().getByTestId('drain-node').click();
    await expectText(nodeRow().getByTestId('node-status'), 'Draining');
    expect(await nodeRow().getByTestId('drain-node').count()).toBe(0);

    await nodeRow().getByTestId('enable-node').click();
    await expectText(nodeRow().getByTestId('node-status'), 'Online');
    expect(browser.pageErrors).toEqual([]);
  });
});
