/**
 * The Lab in a real browser against a real hub and a real agent: a user with an uploaded CSV
 * completes a dataset name, runs a SELECT and reads the grid (types, paging, chart); a query that
 * names a missing column is marked in the editor at the hub's line and column; the query survives
 * a reload; and a CREATE MODEL trains on an agent while its curve grows epoch by epoch, ending in
 * a link to the model version it made.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnAgent, type AgentProcess } from '../support/agent.js';
import { FAST_SCHEDULER, registerNode } from '../support/compute.js';
import { createDataset, upload } from '../support/datasets.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { expectText, openBrowser, screenshot, waitForText, type Browser } from './browser.js';

const TIMEOUT = 120_000;
const SPECIES = ['iris_a', 'iris_b', 'iris_c'];

/** 150 flowers whose species follows from `petal` (with the colour as a second, weaker hint). */
const CSV = [
  'petal,sepal,color,species',
  ...Array.from({ length: 150 }, (_, i) => {
    const kind = i % 3;
    const petal = (kind * 2 + ((i * 7) % 10) / 10).toFixed(2);
    const sepal = (((i * 13) % 17) / 4).toFixed(2);
    return `${petal},${sepal},${['red', 'green', 'blue'][(i + kind) % 3]},${SPECIES[kind]}`;
  }),
].join('\n');

describe('Portal: the Lab runs SQL and trains a model with CREATE MODEL', () => {
  let hub: TestHub;
  let browser: Browser;
  let page: Page;
  let token: string;
  let agent: AgentProcess | undefined;
  const username = `lab-${Date.now().toString(36)}`;
  const flowers = `${username}.flowers`;

  const editor = () => page.getByTestId('lab-editor');
  /** Replaces the editor's text (insertText: no key events, so no completion is accepted on a newline). */
  async function typeQuery(text: string) {
    await editor().click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(text);
  }

  beforeAll(async () => {
    [browser, hub] = await Promise.all([openBrowser(), startTestHub({ env: { ...FAST_SCHEDULER, AIMASS_TRAIN_CHECKPOINT_EPOCHS: '4' } })]);
    page = browser.page;
    const res = await hub.graphql<{ signUp: { token: string; expiresAt: string } }>(
      'mutation($input: SignUpInput!) { signUp(input: $input) { token expiresAt } }',
      { input: { username, email: `${username}@example.com`, password: 'correct horse battery staple' } },
    );
    token = res.data!.signUp.token;
    await createDataset(hub, token, { name: 'flowers', visibility: 'PRIVATE' });
    expect((await upload(hub, token, username, 'flowers', CSV)).status).toBe(201);
    await page.goto(`${hub.url}/`);
    await page.evaluate((session) => localStorage.setItem('aimass.session', JSON.stringify(session)), res.data!.signUp);
  }, TIMEOUT);

  afterAll(async () => {
    await agent?.stop();
    await browser?.close();
    await hub?.close();
  }, TIMEOUT);

  it('completes the caller’s datasets, runs a SELECT with Ctrl+Enter and shows typed columns, rows, a chart and more pages', { timeout: TIMEOUT }, async () => {
    await page.goto(`${hub.url}/lab`);
    await expectText(page.getByRole('heading', { level: 1 }), 'Lab');
    // Without a saved query, the first example reads one of the caller's datasets.
    await waitForText(editor(), (text) => text.includes(`FROM ${flowers}`), 'an example over the flowers dataset');

    // Completion offers the dataset as owner.name, and its columns once the statement names it.
    await typeQuery('SELECT * FROM ');
    await page.keyboard.type(username.slice(0, 6));
    const completions = page.locator('.cm-tooltip-autocomplete');
    await expectText(completions, flowers);
    await page.keyboard.press('Escape');
    await typeQuery(`SELECT  FROM ${flowers}`);
    await page.keyboard.press('Home');
    for (let i = 0; i < 'SELECT '.length; i++) await page.keyboard.press('ArrowRight');
    await page.keyboard.type('spe');
    await expectText(completions, new RegExp(`species.*${flowers}`, 's'));
    await page.keyboard.press('Escape');

    // Typed key by key: once a whole name is written, Enter is a new line again (not a completion).
    await typeQuery('');
    await page.keyboard.type(`SELECT petal FROM ${flowers}`);
    await page.keyboard.press('Enter');
    await page.keyboard.type('LIMIT 2');
    expect(await page.locator('.cm-line').count()).toBe(2);
    await page.keyboard.press('ControlOrMeta+Enter');
    await expectText(page.getByTestId('lab-row-count'), 'Showing 2 of 2 rows');

    await typeQuery(`SELECT species, count(*) AS n, avg(petal) AS mean_petal\nFROM ${flowers}\nGROUP BY species\nORDER BY species`);
    await page.keyboard.press('ControlOrMeta+Enter');
    const grid = page.getByTestId('lab-grid');
    await expectText(grid, 'iris_c');
    const headers = await page.getByTestId('lab-column').allInnerTexts();
    expect(headers.map((h) => h.replace(/\s+/g, ' ').trim())).toEqual(['species text', 'n bigint', 'mean_petal double precision']);
    expect(await page.getByTestId('lab-row').count()).toBe(3);
    const petals = CSV.split('\n')
      .slice(1)
      .filter((line) => line.endsWith('iris_a'))
      .map((line) => Number(line.split(',')[0]));
    const mean = petals.reduce((a, b) => a + b, 0) / petals.length;
    expect((await page.getByTestId('lab-row').nth(0).innerText()).replace(/\s+/g, ' ')).toBe(`iris_a 50 ${Number(mean.toPrecision(12))}`);
    await expectText(page.getByTestId('lab-row-count'), 'Showing 3 of 3 rows');
    await expectText(page.getByTestId('lab-read'), `Read ${flowers}@1`);
    // The quick chart: one bar a species, and a line when asked.
    await page.locator('[data-testid="lab-chart"] .recharts-bar-rectangle').first().waitFor();
    expect(await page.locator('[data-testid="lab-chart"] .recharts-bar-rectangle').count()).toBe(3);
    expect(await page.getByTestId('lab-chart-y').inputValue()).toBe('1');
    await page.getByTestId('lab-chart-y').selectOption({ label: 'mean_petal' });
    await page.getByTestId('lab-chart-kind').selectOption('line');
    await page.locator('[data-testid="lab-chart"][data-kind="line"] .recharts-line-curve').waitFor();
    await screenshot(page, 'portal-lab-select.png');

    // Paging: 150 rows come 100 at a time.
    await typeQuery(`SELECT * FROM ${flowers}`);
    await page.getByTestId('lab-run').click();
    await expectText(page.getByTestId('lab-row-count'), 'Showing 100 of 150 rows');
    await page.getByTestId('lab-more').click();
    await expectText(page.getByTestId('lab-row-count'), 'Showing 150 of 150 rows');
    expect(await page.getByTestId('lab-row').count()).toBe(150);
    expect(await page.getByTestId('lab-more').count()).toBe(0);
  });

  it('marks a refused query in the editor at the hub’s line and column, and keeps the query across a reload', { timeout: TIMEOUT }, async () => {
    const query = `SELECT petal,\n  stamen\nFROM ${flowers}`;
    await typeQuery(query);
    await page.getByTestId('lab-run').click();
    const problem = page.getByTestId('lab-problem');
    await expectText(page.getByTestId('lab-problem-message'), /^column "stamen" does not exist/);
    expect(await problem.getAttribute('data-line')).toBe('2');
    expect(await problem.getAttribute('data-column')).toBe('3');
    await expectText(page.getByTestId('lab-problem-where'), 'Line 2, column 3');
    // The diagnostic sits on the second line, over the word.
    const marked = page.locator('.cm-line .cm-lintRange-error');
    await expectText(marked, 'stamen');
    const lineIndex = await marked.evaluate((el) => Array.from(el.closest('.cm-content')!.querySelectorAll('.cm-line')).indexOf(el.closest('.cm-line')!));
    expect(lineIndex).toBe(1);
    expect(await page.locator('.cm-gutter-lint .cm-lint-marker-error').count()).toBe(1);
    expect(await page.getByTestId('lab-result').count()).toBe(0);
    await screenshot(page, 'portal-lab-error.png');

    // An edit clears the stale mark; the text is kept for the next visit.
    await page.keyboard.insertText(' ');
    expect(await page.locator('.cm-lintRange-error').count()).toBe(0);
    await page.reload();
    await waitForText(editor(), (text) => text.replace(/\s+/g, ' ').includes(`SELECT petal, stamen FROM ${flowers}`), 'the saved query');
  });

  it('runs CREATE MODEL, draws the training curve as epochs arrive and links to the model version', { timeout: TIMEOUT }, async () => {
    await typeQuery(
      `CREATE MODEL ${username}.iris\n` +
        `OPTIONS (model_type = 'dnn_classifier', input_label_cols = ['species'], hidden_units = [8],\n` +
        `         epochs = 8, learn_rate = 0.05, early_stop = FALSE,\n` +
        `         data_split_method = 'random', data_split_eval_fraction = 0.2)\n` +
        `AS SELECT petal, sepal, color, species FROM ${flowers}`,
    );
    await page.getByTestId('lab-run').click();
    const panel = page.getByTestId('lab-training');
    await expectText(panel, `Training ${username}.iris`);
    await expectText(page.getByTestId('lab-training-status'), 'Queued');
    await expectText(page.getByTestId('lab-training-epochs'), 'Waiting for a compute node');
    // Every value the epoch count takes, as the page renders it.
    await page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { __epochs: number[] }).__epochs = seen;
      const target = document.querySelector('[data-testid="lab-training-epochs"]')!;
      new MutationObserver(() => {
        const n = Number(target.getAttribute('data-epochs'));
        if (seen[seen.length - 1] !== n) seen.push(n);
      }).observe(target, { attributes: true, attributeFilter: ['data-epochs'] });
    });

    const node = await registerNode(hub, token, 'lab-trainer');
    agent = spawnAgent(['--hub', hub.url, '--token', node.token, '--name', 'lab-trainer']);
    await agent.waitFor(/connected to hub/);

    await expectText(page.getByTestId('lab-training-epochs'), /^Epoch 8 of 8: loss [\d.]+, eval loss [\d.]+, eval accuracy [\d.]+/, 90_000);
    const link = page.getByTestId('lab-model-version-link');
    await expectText(link, `Open ${username}/iris version 1`, 30_000);
    await expectText(page.getByTestId('lab-training-status'), 'Succeeded');
    expect(await page.getByTestId('lab-training-curve').getAttribute('data-points')).toBe('8');
    // Two lines (loss and eval loss) over the 8 epochs.
    expect(await page.locator('[data-testid="lab-training-curve"] .recharts-line-curve').count()).toBe(2);
    const seen = await page.evaluate(() => (window as unknown as { __epochs: number[] }).__epochs);
    // The curve grew as epochs arrived: several steps, increasing, ending at 8.
    expect(seen.length).toBeGreaterThanOrEqual(3);
    expect(seen[seen.length - 1]).toBe(8);
    expect([...seen].sort((a, b) => a - b)).toEqual(seen);
    await screenshot(page, 'portal-lab-training.png');

    expect(await link.getAttribute('href')).toBe(`/models/${username}/iris?version=1`);
    await link.click();
    await page.waitForURL(`${hub.url}/models/${username}/iris?version=1`);
    await expectText(page.getByRole('heading', { level: 1 }), `${username}/iris`);

    // Back in the Lab, the new model is offered by completion, and ML.TRAINING_INFO reads its epochs.
    await page.goto(`${hub.url}/lab`);
    await typeQuery('SELECT * FROM ML.TRAINING_INFO(MODEL ');
    await page.keyboard.type(username.slice(0, 6));
    await expectText(page.locator('.cm-tooltip-autocomplete'), new RegExp(`${username}\\.iris\\s*model · classification`));
    await typeQuery(`SELECT * FROM ML.TRAINING_INFO(MODEL ${username}.iris)`);
    await page.keyboard.press('ControlOrMeta+Enter');
    await page.locator('[data-testid="lab-result"], [data-testid="lab-problem"]').first().waitFor();
    expect(await page.getByTestId('lab-problem').count(), await page.getByTestId('lab-problem').allInnerTexts().then(String)).toBe(0);
    await expectText(page.getByTestId('lab-row-count'), 'Showing 8 of 8 rows');
    expect(await page.getByTestId('lab-result').getAttribute('data-statement')).toBe('ML_TRAINING_INFO');
    // Loss by iteration: a bar an epoch.
    await page.getByTestId('lab-chart-x').selectOption({ label: 'iteration' });
    await page.getByTestId('lab-chart-y').selectOption({ label: 'loss' });
    await waitForText(page.getByTestId('lab-chart'), () => true, 'the chart');
    expect(await page.locator('[data-testid="lab-chart"] .recharts-bar-rectangle').count()).toBe(8);
    expect(browser.pageErrors).toEqual([]);
  });
});
