/**
 * The data market in a real browser against a real hub: a data provider creates a dataset, uploads
 * a small dirty CSV through the upload page, reads the ingest report, opens the version, pages,
 * sorts and filters its rows and sees its profile drawn as charts. Another user's private dataset
 * is "not found", as the hub says.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../support/hub.js';
import { expectText, openBrowser, screenshot, signInAsNewUser, type Browser } from './browser.js';

const TIMEOUT = 120_000;

/** 24 rows: `temperature` has one cell that is no number ("warm"), `rain` two null tokens. */
const CSV = [
  'City,Temperature (°C),rain,wind',
  ...Array.from({ length: 24 }, (_, i) => {
    const city = ['Oslo', 'Bergen', 'Paris', 'Rome'][i % 4];
    const temperature = i === 5 ? 'warm' : String(5 + i * 0.75);
    const rain = i === 3 || i === 10 ? 'NA' : String(i % 5);
    return `${city},${temperature},${rain},${(30 - i) / 3}`;
  }),
].join('\n');

describe('Portal: a data provider uploads a dataset and explores it', () => {
  let hub: TestHub;
  let browser: Browser;
  let page: Page;
  const username = `data-${Date.now().toString(36)}`;
  const other = `other-${Date.now().toString(36)}`;

  beforeAll(async () => {
    browser = await openBrowser();
    page = browser.page;
    hub = await startTestHub();
    await signInAsNewUser(hub, page, username);
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  }, TIMEOUT);

  it('creates a dataset from the Datasets page and shows its markdown description without running its HTML', { timeout: TIMEOUT }, async () => {
    await page.goto(`${hub.url}/datasets`);
    await page.getByTestId('datasets-empty').waitFor();
    await page.getByTestId('dataset-name').fill('weather');
    await page
      .getByTestId('dataset-description')
      .fill('Daily **readings** from [four cities](https://example.com/cities_(list)).\n\n<img src=x onerror="window.__xss = 1">\n\n[bad](javascript:alert(1))');
    await page.getByTestId('dataset-license').fill('CC-BY-4.0');
    await page.getByTestId('dataset-tags').fill('weather, Demo');
    await page.getByTestId('create-dataset').click();

    await page.waitForURL(`${hub.url}/datasets/${username}/weather`);
    await expectText(page.getByTestId('dataset-title'), `${username}/weather`);
    await expectText(page.getByTestId('dataset-visibility'), 'Public');
    await expectText(page.getByTestId('dataset-tags'), 'demo');
    await expectText(page.getByTestId('dataset-description').locator('strong'), 'readings');
    expect(await page.getByTestId('dataset-description').locator('img').count()).toBe(0);
    expect(await page.getByTestId('dataset-description').locator('a[href^="javascript"]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined();
    await page.getByTestId('versions-empty').waitFor();
  });

  it('uploads a CSV with a progress bar and shows the ingest report: the dirty cell, the nulls, the renamed header', { timeout: TIMEOUT }, async () => {
    await page.getByTestId('upload-link').click();
    await page.waitForURL(`${hub.url}/datasets/${username}/weather/upload`);
    await page.getByTestId('upload-file').setInputFiles({ name: 'weather.csv', mimeType: 'text/csv', buffer: Buffer.from(CSV) });
    expect(await page.getByTestId('upload-format').inputValue()).toBe('csv');
    // Hold the request back a moment, so the progress bar is seen. (Under Playwright's interception
    // the browser reports no upload progress, so this sees the bar, not its movement.)
    const versions = `${hub.url}/api/datasets/${username}/weather/versions?**`;
    await page.route(versions, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      await route.continue();
    });
    await page.getByTestId('upload-submit').click();
    await expectText(page.getByTestId('upload-progress'), /%.*(of 642 B|the hub is cleaning)/);
    expect(await page.getByTestId('upload-submit').isDisabled()).toBe(true);

    const result = page.getByTestId('upload-result');
    await expectText(result.getByRole('heading'), 'Version 1 uploaded: 24 rows');
    await page.unroute(versions);
    const temperature = result.getByTestId('ingest-column').filter({ hasText: 'temperature_c' });
    await expectText(temperature, 'Temperature (°C)');
    await expectText(temperature.getByTestId('ingest-invalid'), '1');
    await expectText(temperature.getByTestId('ingest-invalid-samples'), '"warm"');
    const rain = result.locator('[data-testid="ingest-column"][data-column="rain"]');
    await expectText(rain, /integer\s+2\s+0/);
    await expectText(result.getByTestId('ingest-ragged'), 'none');
    await screenshot(page, 'portal-dataset-upload.png');
  });

  it('opens the version: rows page, sort by a header and filter; the profile is drawn as charts', { timeout: TIMEOUT }, async () => {
    await page.getByTestId('open-version').click();
    await page.waitForURL(`${hub.url}/datasets/${username}/weather?version=1`);
    await page.locator('[data-testid="version-view"][data-version="1"]').waitFor();

    const rows = page.getByTestId('preview-row');
    await expectText(page.getByTestId('rows-count'), 'Showing 20 of 24 rows');
    await page.getByTestId('rows-load-more').click();
    await expectText(page.getByTestId('rows-count'), 'Showing 24 of 24 rows');
    expect(await rows.count()).toBe(24);

    // Ascending, then descending (NULLs last either way).
    await page.getByTestId('sort-temperature_c').click();
    await expectText(rows.first(), /^Oslo\s+5\s/);
    await page.getByTestId('sort-temperature_c').click();
    await expectText(rows.first(), /^Rome\s+22\.25\s/);
    expect(await page.locator('th[aria-sort="descending"]').innerText()).toContain('temperature_c');

    await page.getByTestId('filter-city').fill('bERG');
    await expectText(page.getByTestId('rows-count'), 'Showing 6 of 6 rows');
    await page.getByTestId('filter-city').fill('');
    await expectText(page.getByTestId('rows-count'), /Showing \d+ of 24 rows/);

    // A histogram per numeric column, drawn as SVG; top values for the city; the heatmap.
    await page.locator('[data-testid="histogram"][data-column="temperature_c"] svg').first().waitFor();
    expect(await page.getByTestId('histogram').count()).toBe(3);
    await page.locator('[data-testid="missing-chart"] svg').first().waitFor();
    await page.locator('[data-testid="top-values"][data-column="city"] svg').first().waitFor();
    await page.getByTestId('correlation-heatmap').waitFor();
    expect(await page.getByTestId('heatmap-cell').count()).toBe(9);
    await expectText(page.getByTestId('profile-column').filter({ hasText: 'rain' }), /2 \(8\.33 %\)/);
    await screenshot(page, 'portal-dataset.png');
  });

  it('lists the dataset with its latest version and filters the list by text', { timeout: TIMEOUT }, async () => {
    await page.getByTestId('nav-datasets').click();
    const row = page.locator(`[data-testid="dataset-row"][data-name="${username}/weather"]`);
    await expectText(row.getByTestId('dataset-latest'), 'v1 · 24 rows');
    await expectText(row, 'CC-BY-4.0');
    await expectText(row, 'Daily readings from four cities. bad');
    expect(await row.innerText()).not.toContain('(');
    await page.getByTestId('datasets-filter').fill('no such words');
    await page.getByTestId('datasets-empty').waitFor();
    await page.getByTestId('datasets-filter').fill('demo');
    await row.waitFor();
    await screenshot(page, 'portal-datasets.png');
  });

  it('says which lines are ragged when the upload is refused, and pads them when asked', { timeout: TIMEOUT }, async () => {
    await page.goto(`${hub.url}/datasets/${username}/weather/upload`);
    const ragged = 'a\tb\tc\n1\t2\t3\n4\t5\n6\t7\t8\n';
    await page.getByTestId('upload-file').setInputFiles({ name: 'short.tsv', mimeType: 'text/tab-separated-values', buffer: Buffer.from(ragged) });
    expect(await page.getByTestId('upload-format').inputValue()).toBe('tsv');
    await page.getByTestId('upload-submit').click();
    await expectText(page.getByTestId('upload-field-problems'), /body.*1 row\(s\) do not have 3 cells \(lines 3\)/);

    await page.getByTestId('upload-ragged').selectOption('pad');
    await page.getByTestId('upload-submit').click();
    const result = page.getByTestId('upload-result');
    await expectText(result.getByRole('heading'), 'Version 2 uploaded: 3 rows');
    await expectText(result.getByTestId('ingest-ragged'), /1 \(1 padded with NULL, 0 cut short\).*lines 3/);
    expect(await page.getByTestId('upload-alert').innerText()).toBe('');
  });

  it("shows another user's private dataset as not found", { timeout: TIMEOUT }, async () => {
    const signUp = await hub.graphql<{ signUp: { token: string } }>(
      'mutation($input: SignUpInput!) { signUp(input: $input) { token } }',
      { input: { username: other, email: `${other}@example.com`, password: 'correct horse battery staple' } },
    );
    const token = signUp.data!.signUp.token;
    const created = await hub.graphql(
      'mutation($input: CreateDatasetInput!) { createDataset(input: $input) { id } }',
      { input: { name: 'secret', visibility: 'PRIVATE' } },
      token,
    );
    expect(created.errors).toBeUndefined();

    await page.goto(`${hub.url}/datasets/${other}/secret`);
    await expectText(page.getByTestId('dataset-not-found'), 'Dataset not found');
    await page.goto(`${hub.url}/datasets/${other}/secret/upload`);
    await page.getByTestId('upload-file').setInputFiles({ name: 'x.csv', mimeType: 'text/csv', buffer: Buffer.from('a\n1\n') });
    await page.getByTestId('upload-submit').click();
    await expectText(page.getByTestId('upload-alert'), /not found/i);
    expect(browser.pageErrors).toEqual([]);
  });
});
