/**
 * The model catalog in a real browser against a real hub: a model developer creates a model from
 * the catalog page, uploads a TF.js model through the model page (with a progress bar), writes a
 * model card holding script and an `<img onerror>` that must not run, publishes the version,
 * points an alias at it and downloads its files from the links shown. Then they find it with the
 * search box and a filter, star it and see the star counted in the catalog; they fork it, follow
 * it, share the fork, make it private and delete it. Another user's private model is "not
 * found", as the hub says.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, createModel } from '../catalog-support.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { expectText, openBrowser, screenshot, signInAsNewUser, type Browser } from './browser.js';

const TIMEOUT = 120_000;

/** Markdown with everything a hostile card might try: raw HTML script, an image whose error handler runs code, a javascript: link. */
const HOSTILE_CARD = [
  '# Iris classifier',
  '',
  'Tells **setosa**, versicolor and virginica apart from four measurements.',
  '',
  '<script>window.__xss = "script"</script>',
  '',
  '<img src="x" onerror="window.__xss = \'img\'">',
  '',
  '[click me](javascript:window.__xss=%22link%22)',
  '',
  '- accuracy: 0.96',
  '',
  '| split | accuracy |',
  '| --- | --- |',
  '| test | 0.96 |',
].join('\n');

describe('Portal: a model developer publishes a model, and people find, star, fork and follow it', () => {
  let hub: TestHub;
  let browser: Browser;
  let page: Page;
  const stamp = Date.now().toString(36);
  const username = `dev-${stamp}`;
  const other = `rival-${stamp}`;
  let otherToken: string;
  let files: Map<string, Uint8Array>;

  beforeAll(async () => {
    [browser, hub, { files }] = await Promise.all([openBrowser(), startTestHub(), buildModel(2)]);
    page = browser.page;
    await signInAsNewUser(hub, page, username);
    const signUp = await hub.graphql<{ signUp: { token: string } }>('mutation($input: SignUpInput!) { signUp(input: $input) { token } }', {
      input: { username: other, email: `${other}@example.com`, password: 'correct horse battery staple' },
    });
    otherToken = signUp.data!.signUp.token;
    // Someone else's public model that shares a tag but not the task, and a private one.
    await createModel(hub, otherToken, { name: 'house-prices', task: 'regression', tags: ['demo'], license: 'MIT', description: 'Predicts house prices.' });
    await createModel(hub, otherToken, { name: 'secret-sauce', task: 'classification', tags: ['demo'], visibility: 'PRIVATE' });
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  }, TIMEOUT);

  it('creates a model from the catalog page', { timeout: TIMEOUT }, async () => {
    await page.goto(`${hub.url}/models`);
    await page.locator(`[data-testid="model-result"][data-name="${other}/house-prices"]`).waitFor();
    // The private model of another user is not listed.
    expect(await page.locator(`[data-testid="model-result"][data-name="${other}/secret-sauce"]`).count()).toBe(0);

    await page.getByTestId('new-model').click();
    await page.getByTestId('model-name').fill('iris');
    await page.getByTestId('model-task').fill('classification');
    await page.getByTestId('model-license').fill('Apache-2.0');
    await page.getByTestId('model-tags').fill('tabular, Demo');
    await page.getByTestId('model-description').fill('A small **dense** network for the iris flowers.');
    await page.getByTestId('create-model').click();

    await page.waitForURL(`${hub.url}/models/${username}/iris`);
    await expectText(page.getByTestId('model-title'), `${username}/iris`);
    await expectText(page.getByTestId('model-visibility'), 'Public');
    await expectText(page.getByTestId('model-task'), 'classification');
    await expectText(page.getByTestId('model-license'), 'Apache-2.0');
    await expectText(page.getByTestId('model-tags'), 'demo');
    await expectText(page.getByTestId('model-description').locator('strong'), 'dense');
    await page.getByTestId('no-versions').waitFor();

    // The same name again is a CONFLICT, said beside the name.
    await page.goto(`${hub.url}/models`);
    await page.getByTestId('new-model').click();
    await page.getByTestId('model-name').fill('iris');
    await page.getByTestId('create-model').click();
    await expectText(page.getByTestId('model-name-error'), /already has a model named iris/);
  });

  it('uploads a version from the model page with a progress bar; it starts as a draft', { timeout: TIMEOUT }, async () => {
    await page.goto(`${hub.url}/models/${username}/iris`);
    await page.getByTestId('upload-first').click();
    await page.getByTestId('model-upload-files').setInputFiles(
      [...files].map(([path, bytes]) => ({ name: path, mimeType: path.endsWith('.json') ? 'application/json' : 'application/octet-stream', buffer: Buffer.from(bytes) })),
    );
    // model.json first, then the shards, as paths beside it (once all three are listed).
    await page.getByTestId('picked-file').nth(2).waitFor();
    expect(await page.getByTestId('picked-file').evaluateAll((rows) => rows.map((row) => row.getAttribute('data-path')))).toEqual([
      'model.json',
      'group1-shard1of2.bin',
      'group1-shard2of2.bin',
    ]);
    // Hold the request back a moment so the progress bar is seen.
    const versions = `${hub.url}/api/models/${username}/iris/versions`;
    await page.route(versions, async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 800));
      await route.continue();
    });
    await page.getByTestId('model-upload-submit').click();
    await page.getByTestId('model-upload-progress').waitFor();
    expect(await page.getByTestId('model-upload-submit').isDisabled()).toBe(true);

    await page.locator('[data-testid="version-view"][data-version="1"]').waitFor();
    await page.unroute(versions);
    await expectText(page.getByTestId('selected-version-status'), 'Draft');
    await page.getByTestId('draft-notice').waitFor();
    await expectText(page.getByTestId('signature-inputs'), /\[null, 3\]/);
    await expectText(page.getByTestId('signature-outputs'), /\[null, 2\]/);
    await expectText(page.getByTestId('model-card'), 'no model card yet');
  });

  it('writes the model card: markdown is rendered, its script and event handlers never run', { timeout: TIMEOUT }, async () => {
    await page.getByTestId('edit-card').click();
    await page.getByTestId('card-text').fill(HOSTILE_CARD);
    await page.getByTestId('card-preview-tab').click();
    await expectText(page.getByTestId('card-preview').locator('strong'), 'setosa');
    await page.getByTestId('card-save').click();

    const card = page.getByTestId('model-card');
    await expectText(card.locator('h1'), 'Iris classifier');
    await expectText(card.locator('li'), 'accuracy: 0.96');
    // Metrics tables (GitHub-flavoured markdown) render as tables.
    await expectText(card.locator('table td').nth(1), '0.96');
    expect(await card.locator('script, img, iframe, [onerror]').count()).toBe(0);
    expect(await card.locator('a[href^="javascript"]').count()).toBe(0);
    // Give a handler that slipped through the time to run, then check none did.
    await page.waitForTimeout(300);
    expect(await page.evaluate(() => (window as unknown as { __xss?: string }).__xss)).toBeUndefined();
  });

  it('publishes the version, points an alias at it, and serves the files the page links to', { timeout: TIMEOUT }, async () => {
    await page.getByTestId('version-publish').click();
    await expectText(page.getByTestId('selected-version-status'), 'Published');
    expect(await page.getByTestId('edit-card').count()).toBe(0);
    await expectText(page.getByTestId('load-snippet'), `tf.loadLayersModel('${hub.url}/api/models/${username}/iris/versions/1/model.json')`);

    await page.getByTestId('alias-name').fill('production');
    await page.getByTestId('alias-submit').click();
    await expectText(page.locator('[data-testid="alias-row"][data-alias="production"]'), 'v1');
    await expectText(page.getByTestId('load-snippet'), `tf.loadLayersModel('${hub.url}/api/models/${username}/iris/aliases/production/model.json')`);

    await page.getByTestId('tab-files').click();
    const rows = page.getByTestId('file-row');
    // The table renders once the tab's data is in: wait for it before reading the rows.
    await expectText(page.getByTestId('files-total'), '3 files');
    expect(await rows.evaluateAll((r) => r.map((row) => row.getAttribute('data-path')))).toEqual(['model.json', 'group1-shard1of2.bin', 'group1-shard2of2.bin']);
    for (const [path, bytes] of files) {
      const href = await page.locator(`[data-testid="file-row"][data-path="${path}"] [data-testid="file-link"]`).getAttribute('href');
      const response = await fetch(`${hub.url}${href}`);
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(bytes))).toBe(true);
    }
    await screenshot(page, 'portal-model-files.png');
  });

  it('finds the model with the search box and a filter, stars it, and sees the star in the catalog', { timeout: TIMEOUT }, async () => {
    await page.goto(`${hub.url}/models`);
    const mine = page.locator(`[data-testid="model-result"][data-name="${username}/iris"]`);
    const theirs = page.locator(`[data-testid="model-result"][data-name="${other}/house-prices"]`);
    await expectText(mine.getByTestId('model-result-latest'), 'v1');

    // Words from the card find it; a task filter narrows; a task it does not have finds nothing.
    await page.getByTestId('models-search').fill('setosa');
    await page.getByTestId('models-filter-task').fill('classification');
    await page.waitForURL(/[?&]q=setosa&task=classification/);
    await expectText(page.getByTestId('list-count'), 'Showing 1 of 1');
    await mine.waitFor();
    await page.getByTestId('models-filter-task').fill('regression');
    await page.getByTestId('models-empty').waitFor();
    await page.getByTestId('models-filter-clear').click();
    await page.getByTestId('models-search').fill('');

    // A tag links to the catalog filtered by it: both public demo models, not the private one.
    await mine.getByTestId('model-result-tags').getByText('demo').click();
    await page.waitForURL(`${hub.url}/models?tag=demo`);
    await expectText(page.getByTestId('list-count'), 'Showing 2 of 2');
    await theirs.waitFor();
    await mine.waitFor();
    expect(await page.getByTestId('models-filter-tag').inputValue()).toBe('demo');

    await mine.getByTestId('model-link').click();
    await page.waitForURL(`${hub.url}/models/${username}/iris`);
    await page.getByTestId('star-button').click();
    await expectText(page.getByTestId('star-count'), '1');
    expect(await page.getByTestId('star-button').getAttribute('aria-pressed')).toBe('true');

    await page.getByTestId('nav-models').click();
    await page.getByTestId('models-sort').selectOption('STARS');
    await page.waitForURL(/sort=STARS/);
    await expectText(page.getByTestId('model-result').first(), `${username}/iris`);
    await expectText(mine.getByTestId('model-result-stars'), '★ 1');
    await screenshot(page, 'portal-models.png');
  });

  it('forks the model under a new name and follows it', { timeout: TIMEOUT }, async () => {
    await page.goto(`${hub.url}/models/${username}/iris`);
    await page.getByTestId('subscribe-button').click();
    await page.getByTestId('subscribe-submit').click();
    await expectText(page.getByTestId('subscribe-button'), 'Subscribed');
    await page.getByTestId('subscribed').waitFor();
    await page.getByTestId('subscribe-button').click();

    await page.getByTestId('fork-button').click();
    await page.getByTestId('fork-name').fill('iris-tuned');
    await page.getByTestId('fork-submit').click();
    await page.waitForURL(`${hub.url}/models/${username}/iris-tuned`);
    await expectText(page.getByTestId('forked-from'), `forked from ${username}/iris`);
    // Every version comes along as a draft.
    await expectText(page.getByTestId('selected-version-status'), 'Draft');
    await page.getByTestId('forked-from').getByRole('link').click();
    await page.waitForURL(`${hub.url}/models/${username}/iris`);
    await expectText(page.getByTestId('fork-count'), '1');
    await screenshot(page, 'portal-model.png');
  });

  it('admins share the fork with a collaborator, make it private and delete it', { timeout: TIMEOUT }, async () => {
    await page.goto(`${hub.url}/models/${username}/iris-tuned?tab=settings`);
    await page.getByTestId('collaborators-empty').waitFor();
    await page.getByTestId('collaborator-username').fill(other);
    await page.getByTestId('collaborator-new-role').selectOption('WRITE');
    await page.getByTestId('collaborator-add').click();
    const row = page.locator(`[data-testid="collaborator-row"][data-username="${other}"]`);
    await row.waitFor();
    expect(await row.getByTestId('collaborator-role').inputValue()).toBe('WRITE');

    await screenshot(page, 'portal-model-settings.png');
    await page.getByTestId('settings-visibility').selectOption('PRIVATE');
    await page.getByTestId('visibility-save').click();
    await expectText(page.getByTestId('model-visibility'), 'Private');
    // The collaborator sees it in their catalog; the hub says so to them.
    const listed = await hub.graphql<{ models: { edges: { node: { name: string } }[] } }>(
      `query($owner: String) { models(filter: { owner: $owner }) { edges { node { name } } } }`,
      { owner: username },
      otherToken,
    );
    expect(listed.data?.models.edges.map((edge) => edge.node.name).sort()).toEqual(['iris', 'iris-tuned']);

    // A private model's files: the plain URL is 404 without a token; the page's link fetches with the session's.
    await page.getByTestId('tab-files').click();
    const link = page.locator('[data-testid="file-row"][data-path="model.json"] [data-testid="file-link"]');
    expect((await fetch(`${hub.url}${await link.getAttribute('href')}`)).status).toBe(404);
    const [download] = await Promise.all([page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe('model.json');
    expect((await readFile((await download.path())!)).equals(Buffer.from(files.get('model.json')!))).toBe(true);
    await page.getByTestId('tab-settings').click();

    await page.getByTestId('delete-model').click();
    await expectText(page.getByTestId('delete-model-confirm-error'), `type ${username}/iris-tuned`);
    await page.getByTestId('delete-model-confirm').fill(`${username}/iris-tuned`);
    await page.getByTestId('delete-model').click();
    await page.waitForURL(`${hub.url}/models`);
    await page.locator(`[data-testid="model-result"][data-name="${username}/iris"]`).waitFor();
    expect(await page.locator(`[data-testid="model-result"][data-name="${username}/iris-tuned"]`).count()).toBe(0);
  });

  it("shows another user's private model as not found", { timeout: TIMEOUT }, async () => {
    await page.goto(`${hub.url}/models/${other}/secret-sauce`);
    await expectText(page.getByTestId('model-not-found'), 'Model not found');
    expect(browser.pageErrors).toEqual([]);
  });
});
