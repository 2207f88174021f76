/**
 * Leaderboards in a real browser against a real hub: a data provider makes a benchmark from a
 * private dataset version's page with the form, lands on its page (markdown description, rules,
 * data card linking to the dev split, columns with the label marked) and changes its rules, and a
 * visitor without an account finds it in the list, filters by tag, task and open or closed, and opens
 * it.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset, upload } from '../support/datasets.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { expectText, openBrowser, screenshot, signInAsNewUser, type Browser } from './browser.js';

const TIMEOUT = 120_000;

const CSV = ['sepal,petal,species', ...Array.from({ length: 40 }, (_, i) => `${(4 + (i % 9) * 0.3).toFixed(1)},${(1 + (i % 7) * 0.4).toFixed(1)},${['setosa', 'virginica'][i % 2]}`)].join('\n');

describe('Portal: benchmarks, from the form to the list and the page', () => {
  let hub: TestHub;
  let browser: Browser;
  let page: Page;
  const username = `bench-${Date.now().toString(36)}`;

  beforeAll(async () => {
    browser = await openBrowser();
    page = browser.page;
    hub = await startTestHub();
    const token = await signInAsNewUser(hub, page, username);
    await createDataset(hub, token, { name: 'iris', visibility: 'PRIVATE' });
    expect((await upload(hub, token, username, 'iris', CSV)).status).toBe(201);
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  }, TIMEOUT);

  it('makes a benchmark from a dataset version with the form, and shows its page', { timeout: TIMEOUT }, async () => {
    // From the dataset version's page, which fills the version in.
    await page.goto(`${hub.url}/datasets/${username}/iris`);
    await page.getByTestId('make-benchmark').click();
    await page.getByTestId('benchmarks-empty').waitFor();
    expect(await page.getByTestId('benchmark-dataset').inputValue()).toBe(`${username}/iris@1`);
    await page.getByTestId('benchmark-name').fill('iris-species');
    // The label's choices come from the version's columns.
    await page.getByTestId('benchmark-label').locator('option', { hasText: 'species (categorical)' }).waitFor({ state: 'attached' });
    await page.getByTestId('benchmark-label').selectOption('species');
    await page.getByTestId('benchmark-metric').selectOption('MACRO_F1');
    // A wrong fraction is named beside its field, as the hub says.
    await page.getByTestId('benchmark-test-fraction').fill('1.5');
    await page.getByTestId('create-benchmark').click();
    await expectText(page.getByTestId('benchmark-test-fraction-error'), /between 0 and 1/);
    await page.getByTestId('benchmark-test-fraction').fill('0.25');
    await page.getByTestId('benchmark-description').fill('Tell **setosa** from virginica.');
    await page.getByTestId('benchmark-tags').fill('flowers');
    await page.getByTestId('create-benchmark').click();

    await page.waitForURL(`${hub.url}/leaderboards/${username}/iris-species`);
    await expectText(page.getByTestId('benchmark-title'), `${username}/iris-species`);
    await expectText(page.getByTestId('benchmark-open'), 'Open');
    await expectText(page.getByTestId('benchmark-description').locator('strong'), 'setosa');
    await expectText(page.getByTestId('benchmark-metric'), 'Macro F1 (higher is better)');
    await expectText(page.getByTestId('benchmark-hidden'), /^10 rows \(3 scored on the public leaderboard, 7 for the final ranking\)/);
    await expectText(page.getByTestId('benchmark-dev-link'), `${username}/iris-species-dev`);
    await expectText(page.locator('[data-testid="benchmark-column"][data-role="label"]'), 'species');
    expect(await page.locator('[data-testid="benchmark-column"][data-role="feature"]').count()).toBe(2);
    await screenshot(page, 'benchmark-page.png');
    // Its admin changes the rules on the page.
    await page.getByTestId('manage-benchmark-submissions').fill('9');
    await page.getByTestId('save-benchmark').click();
    await expectText(page.getByTestId('benchmark-rules'), '9 per team per day');
    // The data card leads to the dev split, an ordinary dataset with its 30 labelled rows.
    await page.getByTestId('benchmark-dev-link').click();
    await page.waitForURL(new RegExp(`/datasets/${username}/iris-species-dev\\?version=1$`));
    await expectText(page.getByTestId('dataset-title'), `${username}/iris-species-dev`);
    expect(browser.pageErrors).toEqual([]);
  });

  it('lets a visitor without an account find it by search, tag, task and open or closed, and read it', { timeout: TIMEOUT }, async () => {
    await page.evaluate(() => localStorage.removeItem('aimass.session'));
    await page.goto(`${hub.url}/leaderboards`);
    const row = page.getByTestId('benchmark-row').filter({ hasText: `${username}/iris-species` });
    await row.waitFor();
    await page.getByTestId('sign-in-to-create-benchmark').waitFor();

    await page.getByTestId('benchmarks-task').selectOption('REGRESSION');
    await page.getByTestId('benchmarks-empty').waitFor();
    await page.getByTestId('benchmarks-task').selectOption('CLASSIFICATION');
    await row.waitFor();
    await page.getByTestId('benchmarks-open').selectOption('closed');
    await page.getByTestId('benchmarks-empty').waitFor();
    await page.getByTestId('benchmarks-open').selectOption('open');
    await row.waitFor();
    await page.getByTestId('benchmarks-tag').fill('no-such-tag');
    await page.getByTestId('benchmarks-empty').waitFor();
    await page.getByTestId('benchmarks-tag').fill('flowers');
    await row.waitFor();
    // Each filter change reloads the list: an empty list between two answers shows that the row
    // below is the answer to the last one (not a row about to be replaced under the click).
    await page.getByTestId('benchmarks-filter').fill('no-such-words');
    await page.getByTestId('benchmarks-empty').waitFor();
    await page.getByTestId('benchmarks-filter').fill('flowers');
    await expectText(row, 'Macro F1 ↑');

    await screenshot(page, 'benchmarks-list.png');
    await row.getByTestId('benchmark-link').click();
    await page.waitForURL(`${hub.url}/leaderboards/${username}/iris-species`);
    await expectText(page.getByTestId('benchmark-title'), `${username}/iris-species`);
    await page.goto(`${hub.url}/leaderboards/${username}/nothing-here`);
    await page.getByTestId('benchmark-not-found').waitFor();
    expect(browser.pageErrors).toEqual([]);
  });
});
