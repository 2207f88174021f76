/**
 * The model page's Retraining card in a real browser against a real hub and agent: its
 * owner sees the triggers, the watched dataset, the next scheduled run by the hub's retraining
 * clock, starts a run with "Run now" and sees it in the history with its data version, the version
 * it made, its state (promoted: the model had no production version) and duration, and the
 * promotion card shows version 2 as production, the comparison and the model's timeline; sets the
 * triggers from its form (a bad schedule refused at its field); "Pause" holds the triggers (no
 * next run) and "Resume" lifts it.
 * A reader of the model sees no card.
 */
import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnAgent, type AgentProcess } from '../support/agent.js';
import { FAST_SCHEDULER, registerNode, waitForJob } from '../support/compute.js';
import { createDataset, upload } from '../support/datasets.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { csv, houses } from '../support/synthetic-data.js';
import { signUp } from '../support/users.js';
import { expectText, openBrowser, screenshot, signInAsNewUser, type Browser } from './browser.js';

describe('Portal: a model’s continuous training', () => {
  let hub: TestHub;
  let browser: Browser;
  let page: Page;
  let agent: AgentProcess;
  let token: string;
  const alice = `rt-${Date.now().toString(36)}`;

  beforeAll(async () => {
    const clockFile = path.join(await mkdtemp(path.join(os.tmpdir(), 'aimass-clock-')), 'now');
    await writeFile(clockFile, '2026-12-07T02:50:00Z');
    browser = await openBrowser();
    page = browser.page;
    hub = await startTestHub({ env: { ...FAST_SCHEDULER, AIMASS_RETRAIN_TICK_MS: '200', AIMASS_RETRAIN_CLOCK_FILE: clockFile } });
    token = await signInAsNewUser(hub, page, alice);
    await createDataset(hub, token, { name: 'houses', visibility: 'PRIVATE' });
    expect((await upload(hub, token, alice, 'houses', csv(houses(150, 1)))).status).toBe(201);
    const node = await registerNode(hub, token, 'trainer');
    agent = spawnAgent(['--hub', hub.url, '--token', node.token, '--name', 'trainer']);
    await agent.waitFor(/connected to hub/);
    const res = await hub.graphql(
      `mutation($q: String!) { runSql(query: $q) { rows } }`,
      {
        q: `CREATE MODEL ${alice}.price OPTIONS (model_type = 'linear_reg', input_label_cols = ['price'], epochs = 3, retrain = 'on_new_data,cron:0 3 * * 1')
              AS SELECT area, rooms, district, price FROM ${alice}.houses`,
      },
      token,
    );
    expect(res.errors).toBeUndefined();
    expect((await waitForJob(hub, token, res.data.runSql.rows[0][0], (j) => j.status === 'SUCCEEDED' || j.status === 'FAILED', 120_000)).status).toBe('SUCCEEDED');
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await agent?.stop();
    await hub?.close();
  });

  it('shows the triggers and next run, runs one now into the history, and pauses and resumes', async () => {
    await page.goto(`${hub.url}/models/${alice}/price`);
    const card = page.getByTestId('model-retraining');
    await expectText(card.getByTestId('retraining-triggers'), `${alice}/houses (trained on @1)`);
    await expectText(card.getByTestId('retraining-triggers'), '0 3 * * 1 (UTC)');
    await expectText(card.getByTestId('retraining-next-run'), /2026/);
    await expectText(card.getByTestId('retraining-runs-empty'), /No retraining has run yet/);

    await card.getByTestId('retraining-run-now').click();
    await expectText(card.getByTestId('retraining-run'), /run now/);
    // The run ends on the agent; Refresh reads it again until it has.
    for (let i = 0; i < 240 && !/promoted|kept|failed/.test((await card.getByTestId('retraining-run-state').first().textContent()) ?? ''); i++) {
      await Promise.all([page.waitForResponse((r) => r.url().endsWith('/graphql')), card.getByTestId('retraining-refresh').click()]);
    }
    const row = card.getByTestId('retraining-run').first();
    await expectText(row, `${alice}/houses@1`);
    // No production version yet: the retrained one becomes it.
    await expectText(row.getByTestId('retraining-run-state'), 'promoted');
    await expectText(row, 'v2');
    await expectText(row, /\t\d+ (s|min \d+ s)\t/);
    await screenshot(page, 'model-retraining.png');

    // The promotion card beside it tells the decision and the model's timeline, the run included.
    await page.reload();
    const promotion = page.getByTestId('continuous-training');
    await expectText(promotion.getByTestId('production-version'), /version 2/);
    await expectText(promotion.locator('[data-testid="comparison"][data-promoted="true"]'), /v?2/);
    await promotion.locator('[data-testid="model-timeline-event"][data-kind="RETRAINING_STARTED"]').waitFor();
    await promotion.locator('[data-testid="model-timeline-event"][data-kind="PROMOTED"]').waitFor();

    // The triggers are set from the card: a schedule the hub cannot read is refused at its field.
    await card.getByTestId('retraining-cron').fill('every day');
    await card.getByTestId('retraining-save').click();
    await expectText(card.getByTestId('retraining-cron-error'), /not valid|fields/);
    await card.getByTestId('retraining-cron').fill('30 4 * * *');
    await card.getByTestId('retraining-on-new-data').uncheck();
    await card.getByTestId('retraining-save').click();
    await expectText(card.getByTestId('retraining-triggers'), '30 4 * * * (UTC)');
    await expectText(card.getByTestId('retraining-triggers'), /On new data\s*off/);
    const saved = await hub.graphql(`query($o: String!) { model(owner: $o, name: "price") { retraining { triggers { onNewData cron } } } }`, { o: alice }, token);
    expect(saved.data.model.retraining.triggers).toEqual({ onNewData: false, cron: '30 4 * * *' });

    await card.getByTestId('retraining-pause').click();
    await expectText(card.getByTestId('retraining-next-run'), 'paused');
    await card.getByTestId('retraining-resume').click();
    await expectText(card.getByTestId('retraining-next-run'), /2026/);
    expect(browser.pageErrors).toEqual([]);
  });

  it('is not shown to a reader of the model', async () => {
    const bob = await signUp(hub);
    const shared = await hub.graphql(`mutation($o: String!, $u: String!) { setModelCollaborator(owner: $o, name: "price", username: $u, role: READ) }`, { o: alice, u: bob.username }, token);
    expect(shared.errors).toBeUndefined();
    const res = await hub.graphql(`query($o: String!) { model(owner: $o, name: "price") { retraining { nextRunAt } } }`, { o: alice }, bob.token);
    expect(res.data.model.retraining).toBeNull();
  });
});
