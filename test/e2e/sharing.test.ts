/**
 * The public face and sharing, in a real browser against a real hub: a visitor without an account
 * browses a public model and a public dataset (rows, profile, ANOVA, CSV export) and is asked to
 * sign in for anything that writes; signed-in users star, share a dataset with a collaborator,
 * ask for access to private things and have it decided, and manage an organization's members.
 */
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, createModel, uploadFiles } from '../catalog-support.js';
import { createDataset, upload } from '../support/datasets.js';
import { waitFor } from '../support/compute.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { PASSWORD, uniqueName } from '../support/users.js';
import { expectText, openBrowser, screenshot, type Browser } from './browser.js';

const TIMEOUT = 120_000;
const CSV = ['species,petal,sepal', 'setosa,1.4,5.1', 'setosa,1.3,4.9', 'setosa,1.5,5.0', 'versicolor,4.7,7.0', 'versicolor,4.5,6.4', 'versicolor,4.9,6.9', 'virginica,6.0,6.3', 'virginica,5.1,5.8', 'virginica,5.9,7.1'].join('\n');

interface Account {
  username: string;
  token: string;
  expiresAt: string;
}

describe('Portal: the public face and sharing', () => {
  let hub: TestHub;
  let browser: Browser;
  let page: Page;
  let owner: Account;
  let friend: Account;
  let requester: Account;

  async function account(prefix: string): Promise<Account> {
    const username = uniqueName(prefix);
    const res = await hub.graphql<{ signUp: { token: string; expiresAt: string } }>(
      'mutation($input: SignUpInput!) { signUp(input: $input) { token expiresAt } }',
      { input: { username, email: `${username}@example.com`, password: PASSWORD } },
    );
    if (!res.data?.signUp) throw new Error(`signUp failed: ${JSON.stringify(res.errors)}`);
    return { username, ...res.data.signUp };
  }

  /** Makes `who` the signed-in user (null: nobody) where the portal keeps its session, then opens `path`. */
  async function visitAs(who: Account | null, path: string): Promise<void> {
    if (!page.url().startsWith(hub.url)) await page.goto(`${hub.url}/`);
    await page.evaluate(
      (session) => (session ? localStorage.setItem('aimass.session', JSON.stringify(session)) : localStorage.removeItem('aimass.session')),
      who && { token: who.token, expiresAt: who.expiresAt },
    );
    await page.goto(`${hub.url}${path}`);
    if (who) await expectText(page.getByTestId('header-username'), who.username);
    else await page.getByTestId('header-login').waitFor();
  }

  /**
   * Opens the owner's private dataset as `who` once every part of its page has drawn: the rows
   * and the profile's charts load after the sharing card and push it ~1,000 px down, so a click
   * aimed at the card before then lands on whatever moved into its place.
   */
  async function visitVaultAs(who: Account): Promise<void> {
    await visitAs(who, `/datasets/${owner.username}/vault`);
    await page.locator('[data-testid="rows-table"] tbody tr').first().waitFor();
    await page.getByTestId('histogram').first().waitFor();
  }

  beforeAll(async () => {
    browser = await openBrowser();
    page = browser.page;
    hub = await startTestHub();
    owner = await account('owner');
    friend = await account('friend');
    requester = await account('asker');

    await createDataset(hub, owner.token, { name: 'iris', description: 'Petal and sepal **lengths** of three species.', tags: ['flowers'] });
    expect((await upload(hub, owner.token, owner.username, 'iris', CSV)).status).toBe(201);
    await createDataset(hub, owner.token, { name: 'vault', visibility: 'PRIVATE', description: 'Private measurements.' });
    expect((await upload(hub, owner.token, owner.username, 'vault', CSV)).status).toBe(201);

    const { files } = await buildModel();
    for (const [name, visibility] of [
      ['petals', 'PUBLIC'],
      ['hidden-petals', 'PRIVATE'],
    ] as const) {
      await createModel(hub, owner.token, { name, visibility, task: 'classification', license: 'MIT', description: `Sorts ${name}` });
      expect((await uploadFiles(hub, owner.token, owner.username, name, files)).status).toBe(201);
      const card = await hub.graphql(`mutation($o: String!, $n: String!) { setModelCard(owner: $o, name: $n, number: 1, card: "## Petal sorter\\nThree species.") { id } }`, { o: owner.username, n: name }, owner.token);
      expect(card.errors).toBeUndefined();
      const published = await hub.graphql(`mutation($o: String!, $n: String!) { publishModelVersion(owner: $o, name: $n, number: 1) { status } }`, { o: owner.username, n: name }, owner.token);
      expect(published.errors).toBeUndefined();
    }
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  }, TIMEOUT);

  it('lets a visitor without an account find and read a public model, and asks them to sign in to write', { timeout: TIMEOUT }, async () => {
    await visitAs(null, '/');
    await page.getByTestId('nav-models').click();
    await page.waitForURL(`${hub.url}/models`);
    await page.getByTestId('models-search').fill('petals');
    await expectText(page.getByTestId('models-list'), `${owner.username}/petals`);
    expect(await page.getByTestId('models-list').innerText()).not.toContain('hidden-petals');
    await page.getByTestId('sign-in-to-create-model').waitFor();
    expect(await page.getByTestId('new-model').count()).toBe(0);

    await page.getByTestId('model-link').filter({ hasText: 'petals' }).first().click();
    await page.waitForURL(`${hub.url}/models/${owner.username}/petals`);
    await expectText(page.getByTestId('model-title'), `${owner.username}/petals`);
    await expectText(page.getByTestId('model-card'), 'Petal sorter');
    await expectText(page.getByTestId('star-count'), '0');
    await page.getByTestId('sign-in-to-star').waitFor();
    await page.getByTestId('sign-in-to-fork').waitFor();
    expect(await page.getByTestId('star-button').count()).toBe(0);
    expect(await page.getByTestId('tab-settings').count()).toBe(0);
    await page.getByTestId('tab-files').click();
    await expectText(page.getByRole('tabpanel'), 'model.json');
    expect(page.url()).not.toContain('/login');

    // A private model is "not found", as for anyone who may not read it; asking needs an account.
    await visitAs(null, `/models/${owner.username}/hidden-petals`);
    await page.getByTestId('model-not-found').waitFor();
    await page.getByTestId('sign-in-to-request-access').click();
    await page.waitForURL(`${hub.url}/login?next=${encodeURIComponent(`/models/${owner.username}/hidden-petals`)}`);
    expect(browser.pageErrors).toEqual([]);
  });

  it('lets a visitor browse a public dataset: rows, profile, ANOVA and the CSV export', { timeout: TIMEOUT }, async () => {
    await visitAs(null, '/datasets');
    await page.getByTestId('sign-in-to-create-dataset').waitFor();
    await page.getByTestId('datasets-filter').fill('species');
    await expectText(page.getByTestId('datasets-table'), 'iris');
    expect(await page.getByTestId('datasets-table').innerText()).not.toContain('vault');
    await page.getByTestId('dataset-link').filter({ hasText: 'iris' }).click();
    await page.waitForURL(`${hub.url}/datasets/${owner.username}/iris`);
    await expectText(page.getByTestId('dataset-title'), `${owner.username}/iris`);
    await expectText(page.getByTestId('rows-count'), '9');
    expect(await page.getByTestId('preview-row').count()).toBe(9);
    await page.getByTestId('profile').waitFor();
    await page.getByTestId('sign-in-to-star').waitFor();
    expect(await page.getByTestId('upload-link').count()).toBe(0);
    expect(await page.getByTestId('dataset-sharing').count()).toBe(0);

    // ANOVA: petal length differs between species far beyond chance.
    expect(await page.getByTestId('anova-group-by').inputValue()).toBe('species');
    const petal = page.locator('[data-testid="anova-row"][data-column="petal"]');
    await expectText(petal, 'setosa: 1.4 (n=3)');
    const p = Number((await petal.getByTestId('anova-p').innerText()).replace('< ', ''));
    expect(p).toBeLessThan(0.001);
    await expectText(page.locator('[data-testid="anova-row"][data-column="sepal"]'), 'versicolor');
    await screenshot(page, 'sharing/public-dataset.png');

    // The export link downloads the version as CSV, without an account.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    expect(download.suggestedFilename()).toBe('iris-v1.csv');
    const lines = (await readFile((await download.path())!, 'utf8')).trim().split(/\r?\n/);
    expect(lines).toHaveLength(10);
    expect(lines.slice(0, 2)).toEqual(['species,petal,sepal', 'setosa,1.4,5.1']);
    expect(browser.pageErrors).toEqual([]);
  });

  it('stars a dataset and a model, and keeps the star after a reload', { timeout: TIMEOUT }, async () => {
    await visitAs(friend, `/datasets/${owner.username}/iris`);
    await page.getByTestId('star-button').click();
    await expectText(page.getByTestId('star-button'), 'Starred');
    await expectText(page.getByTestId('star-count'), '1');
    await page.reload();
    await expectText(page.getByTestId('star-button'), 'Starred');
    await expectText(page.getByTestId('star-count'), '1');
    const res = await hub.graphql(`query($o: String!) { dataset(owner: $o, name: "iris") { stars } }`, { o: owner.username });
    expect(res.data.dataset.stars).toBe(1);

    await visitAs(friend, `/models/${owner.username}/petals`);
    await page.getByTestId('star-button').click();
    await expectText(page.getByTestId('star-count'), '1');
    await expectText(page.getByTestId('star-button'), 'Starred');
  });

  it('adds a dataset collaborator who then reads it, changes their role and removes them', { timeout: TIMEOUT }, async () => {
    await visitAs(friend, `/datasets/${owner.username}/vault`);
    await page.getByTestId('dataset-not-found').waitFor();

    await visitVaultAs(owner);
    await page.getByTestId('collaborators-empty').waitFor();
    await page.getByTestId('collaborator-username').fill(friend.username);
    await page.getByTestId('collaborator-add').click();
    const row = page.locator(`[data-testid="collaborator-row"][data-username="${friend.username}"]`);
    await row.waitFor();
    expect(await row.getByTestId('collaborator-role').inputValue()).toBe('READ');

    // The collaborator now reads the private dataset (and exports it with their session), but cannot upload.
    await visitAs(friend, `/datasets/${owner.username}/vault`);
    await expectText(page.getByTestId('dataset-title'), 'vault');
    await expectText(page.getByTestId('rows-count'), '9');
    expect(await page.getByTestId('upload-link').count()).toBe(0);
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-csv').click()]);
    expect((await readFile((await download.path())!, 'utf8')).split(/\r?\n/)[0]).toBe('species,petal,sepal');

    // Made a writer, they may upload and see the collaborators (but not change them).
    await visitVaultAs(owner);
    await row.getByTestId('collaborator-role').selectOption('WRITE');
    await waitFor('the new role to be stored', async () => {
      const res = await hub.graphql(`query($o: String!) { dataset(owner: $o, name: "vault") { collaborators { role user { username } } } }`, { o: owner.username }, owner.token);
      return res.data?.dataset.collaborators.some((c: any) => c.user.username === friend.username && c.role === 'WRITE');
    });
    await visitVaultAs(owner);
    expect(await row.getByTestId('collaborator-role').inputValue()).toBe('WRITE');
    await visitAs(friend, `/datasets/${owner.username}/vault`);
    await page.getByTestId('upload-link').waitFor();
    await expectText(page.getByTestId('collaborators-table'), `${friend.username}`);
    expect(await page.getByTestId('collaborator-add').count()).toBe(0);

    // Removed, the dataset is gone for them again.
    await visitVaultAs(owner);
    await row.getByTestId('collaborator-remove').click();
    await page.getByTestId('collaborators-empty').waitFor();
    await visitAs(friend, `/datasets/${owner.username}/vault`);
    await page.getByTestId('dataset-not-found').waitFor();
    expect(browser.pageErrors).toEqual([]);
  });

  it('lets another user request access to a private dataset, and the owner approve it', { timeout: TIMEOUT }, async () => {
    await visitAs(requester, `/datasets/${owner.username}/vault`);
    await page.getByTestId('dataset-not-found').waitFor();
    await page.getByTestId('request-access-message').fill('For my botany thesis');
    await page.getByTestId('request-access-submit').click();
    await page.getByTestId('request-access-sent').waitFor();

    await visitVaultAs(owner);
    const request = page.locator(`[data-testid="access-request-row"][data-username="${requester.username}"]`);
    await expectText(request, 'For my botany thesis');
    await request.getByTestId('access-request-approve').click();
    await page.getByTestId('access-requests-empty').waitFor();
    const collaborator = page.locator(`[data-testid="collaborator-row"][data-username="${requester.username}"]`);
    expect(await collaborator.getByTestId('collaborator-role').inputValue()).toBe('READ');

    await visitAs(requester, `/datasets/${owner.username}/vault`);
    await expectText(page.getByTestId('dataset-title'), 'vault');
    await expectText(page.getByTestId('rows-count'), '9');
  });

  it('lets another user request access to a private model, and the owner deny it', { timeout: TIMEOUT }, async () => {
    await visitAs(requester, `/models/${owner.username}/hidden-petals`);
    await page.getByTestId('model-not-found').waitFor();
    await page.getByTestId('request-access-submit').click();
    await page.getByTestId('request-access-sent').waitFor();

    await visitAs(owner, `/models/${owner.username}/hidden-petals?tab=settings`);
    const request = page.locator(`[data-testid="access-request-row"][data-username="${requester.username}"]`);
    await request.waitFor();
    await request.getByTestId('access-request-deny').click();
    await page.getByTestId('access-requests-empty').waitFor();
    await page.getByTestId('collaborators-empty').waitFor();

    await visitAs(requester, `/models/${owner.username}/hidden-petals`);
    await page.getByTestId('model-not-found').waitFor();
  });

  it('adds an organization member from its page and changes their role', { timeout: TIMEOUT }, async () => {
    const handle = uniqueName('lab');
    const created = await hub.graphql(`mutation($h: String!) { createOrganization(input: { handle: $h, displayName: "Botany Lab" }) { id } }`, { h: handle }, owner.token);
    expect(created.errors).toBeUndefined();

    await visitAs(owner, '/account');
    await page.getByTestId('org-link').filter({ hasText: 'Botany Lab' }).click();
    await page.waitForURL(`${hub.url}/organizations/${handle}`);
    await expectText(page.getByTestId('organization-viewer-role'), 'owner');
    await page.locator(`[data-testid="member-row"][data-username="${owner.username}"]`).waitFor();

    await page.getByTestId('member-username').fill(friend.username);
    await page.getByTestId('member-add').click();
    const row = page.locator(`[data-testid="member-row"][data-username="${friend.username}"]`);
    await row.waitFor();
    expect(await row.getByTestId('member-role').inputValue()).toBe('MEMBER');

    await row.getByTestId('member-role').selectOption('ADMIN');
    const roles = async () => {
      const res = await hub.graphql(`query($h: String!) { organization(handle: $h) { members { edges { node { role user { username } } } } } }`, { h: handle }, owner.token);
      return Object.fromEntries(res.data.organization.members.edges.map((e: any) => [e.node.user.username, e.node.role]));
    };
    await waitFor('the new role to be stored', async () => (await roles())[friend.username] === 'ADMIN');
    await visitAs(owner, `/organizations/${handle}`);
    expect(await row.getByTestId('member-role').inputValue()).toBe('ADMIN');

    // The new admin sees the organization from their side, and may not touch its owner.
    await visitAs(friend, `/organizations/${handle}`);
    await expectText(page.getByTestId('organization-viewer-role'), 'admin');
    const ownerRow = page.locator(`[data-testid="member-row"][data-username="${owner.username}"]`);
    await expectText(ownerRow.getByTestId('member-role-text'), 'Owner');
    expect(await ownerRow.getByTestId('member-remove').count()).toBe(0);
    expect(await roles()).toEqual({ [owner.username]: 'OWNER', [friend.username]: 'ADMIN' });
    await screenshot(page, 'sharing/organization.png');
    expect(browser.pageErrors).toEqual([]);
  });
});
