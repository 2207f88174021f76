/**
 * The account page's Storage section in a real browser: what the user and their organization
 * store against the quotas, with a bar where a quota is set.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset, upload } from '../support/datasets.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { expectText, openBrowser, screenshot, signInAsNewUser, type Browser } from './browser.js';

const TIMEOUT = 120_000;

describe('Portal: the account page shows storage used against the quotas', () => {
  let hub: TestHub;
  let browser: Browser;
  let page: Page;
  const username = `store-${Date.now().toString(36)}`;
  const org = `org-${Date.now().toString(36)}`;

  beforeAll(async () => {
    browser = await openBrowser();
    page = browser.page;
    hub = await startTestHub({ env: { AIMASS_QUOTA_DATASET_BYTES: '10000' } });
    await signInAsNewUser(hub, page, username);
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  }, TIMEOUT);

  it('lists the user and their organization with dataset bytes of the quota and model files without one', { timeout: TIMEOUT }, async () => {
    const token = await page.evaluate(() => JSON.parse(localStorage.getItem('aimass.session')!).token as string);
    await createDataset(hub, token, { name: 'weather' });
    const csv = `id,note\n${Array.from({ length: 100 }, (_, i) => `${i},${'x'.repeat(20)}`).join('\n')}\n`;
    expect((await upload(hub, token, username, 'weather', csv)).status).toBe(201);
    const created = await hub.graphql(`mutation($h: String!) { createOrganization(input: { handle: $h }) { id } }`, { h: org }, token);
    expect(created.errors).toBeUndefined();

    await page.goto(`${hub.url}/account`);
    await expectText(page.getByTestId('storage-section'), new RegExp(username));
    const mine = page.locator(`[data-testid="storage-row"][data-owner="${username}"]`);
    const percent = Math.round((Buffer.byteLength(csv) / 10000) * 100);
    await expectText(mine.getByTestId('storage-datasets'), new RegExp(`${percent}% · ${(Buffer.byteLength(csv) / 1024).toPrecision(3)} KiB of 9\\.77 KiB`));
    expect(await mine.getByTestId('storage-datasets').getByRole('progressbar').getAttribute('aria-valuenow')).toBe(String(percent));
    await expectText(mine.getByTestId('storage-artifacts'), /0 B · no quota/);
    const theirs = page.locator(`[data-testid="storage-row"][data-owner="${org}"]`);
    await expectText(theirs.getByTestId('storage-datasets'), /0% · 0 B of 9\.77 KiB/);
    await screenshot(page, 'account-storage.png');
  });
});
