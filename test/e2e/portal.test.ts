/**
 * The portal in a real browser (Debian chromium driven by playwright-core) against a real hub
 * process serving the built portal (`npm run build:web` first; `npm test` builds everything).
 * One hub and one browser for the file; the specs run in order, as one user's first visit.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnAgent, type AgentProcess } from '../support/agent.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { expectText, openBrowser, screenshot, type Browser } from './browser.js';

const TIMEOUT = 120_000;

describe('Portal: a new user manages their account in the browser', () => {
  let hub: TestHub;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[];
  let agent: AgentProcess | undefined;

  const username = `e2e-${Date.now().toString(36)}`;
  const password = 'correct horse battery staple';
  let apiKeySecret = '';

  beforeAll(async () => {
    browser = await openBrowser();
    ({ page, pageErrors } = browser);
    hub = await startTestHub();
  }, TIMEOUT);

  afterAll(async () => {
    await agent?.stop();
    await browser?.close();
    await hub?.close();
  }, TIMEOUT);

  it('shows input problems beside their fields when signing up', { timeout: TIMEOUT }, async () => {
    await page.goto(`${hub.url}/signup`);
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Email').fill('not-an-email');
    await page.getByLabel('Password').fill('short');
    await page.getByTestId('signup-submit').click();

    await expectText(page.getByTestId('signup-email-error'), /email address/);
    await expectText(page.getByTestId('signup-password-error'), /at least 8 characters/);
    expect(await page.getByTestId('signup-email').getAttribute('aria-invalid')).toBe('true');
  });

  it('signs up, shows the username in the header, logs out and logs back in', { timeout: TIMEOUT }, async () => {
    await page.getByLabel('Email').fill(`${username}@example.com`);
    await page.getByLabel('Password').fill(password);
    await page.getByTestId('signup-submit').click();
    await page.waitForURL(`${hub.url}/account`);
    await expectText(page.getByTestId('header-username'), username);

    await page.getByRole('button', { name: 'Log out' }).click();
    await page.getByTestId('header-login').waitFor();
    expect(await page.getByTestId('header-username').count()).toBe(0);

    // A wrong password is a general error, in the alert region.
    await page.getByTestId('header-login').click();
    await page.getByLabel('Username or email').fill(username);
    await page.getByLabel('Password').fill('wrong password!');
    await page.getByTestId('login-submit').click();
    await expectText(page.getByRole('alert').filter({ hasText: /./ }), /Wrong username or password/);

    await page.getByLabel('Password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(`${hub.url}/account`);
    await expectText(page.getByTestId('header-username'), username);
  });

  it('creates an API key, shows its secret once, and lists it without the secret', { timeout: TIMEOUT }, async () => {
    await page.getByTestId('api-key-name').fill('ci-pipeline');
    await page.getByTestId('scope-MODELS_READ').check();
    await page.getByTestId('scope-INFERENCE').check();
    await page.getByTestId('api-key-expires').fill('30');
    await page.getByTestId('create-api-key').click();

    const secretBox = page.getByTestId('api-key-secret');
    await secretBox.waitFor();
    apiKeySecret = await secretBox.inputValue();
    expect(apiKeySecret).toMatch(/^amk_/);
    await expectText(page.getByTestId('api-key-created'), /will not be shown again/);

    const row = page.getByTestId('api-key-row').filter({ hasText: 'ci-pipeline' });
    await row.waitFor();
    await expectText(row, /MODELS_READ/);
    await expectText(row, /INFERENCE/);
    expect(await page.getByTestId('api-keys-table').innerText()).not.toContain(apiKeySecret);

    // The secret is a working credential for this user.
    const me = await hub.graphql<{ me: { username: string } }>('{ me { username } }', {}, apiKeySecret);
    expect(me.data?.me.username).toBe(username);
  });

  it('registers a compute node, shows its token once with the exact agent command, and shows the agent connect live', { timeout: TIMEOUT }, async () => {
    await page.getByTestId('node-name').fill('lab-gpu-1');
    await page.getByTestId('register-node').click();

    const tokenBox = page.getByTestId('node-token');
    await tokenBox.waitFor();
    const token = await tokenBox.inputValue();
    expect(token).toMatch(/^amn_/);
    expect(await page.getByTestId('agent-command').inputValue()).toBe(`npm run agent -- --hub ${hub.url} --token ${token}`);

    const row = page.getByTestId('node-row').filter({ hasText: 'lab-gpu-1' });
    await expectText(row.getByTestId('node-status'), 'Offline');

    // Live: the badge turns Connected when an agent connects with the token, without a reload.
    agent = spawnAgent(['--hub', hub.url, '--token', token]);
    await expectText(row.getByTestId('node-status'), 'Connected', 30_000);
    await expectText(page.getByTestId('recent-events'), /connected/);

    await screenshot(page, 'portal-account.png');

    await agent.stop();
    agent = undefined;
    await expectText(row.getByTestId('node-status'), 'Offline', 30_000);
  });

  it('revokes an API key after confirmation; it leaves the list and stops working', { timeout: TIMEOUT }, async () => {
    const row = page.getByTestId('api-key-row').filter({ hasText: 'ci-pipeline' });
    page.once('dialog', (dialog) => {
      expect(dialog.type()).toBe('confirm');
      expect(dialog.message()).toContain('ci-pipeline');
      void dialog.accept();
    });
    await row.getByTestId('revoke-api-key').click();
    await row.waitFor({ state: 'detached' });
    await page.getByTestId('api-keys-empty').waitFor();

    const me = await hub.graphql('{ me { username } }', {}, apiKeySecret);
    expect(me.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('creates an organization, lists it with the owner role, and shows a taken handle beside the field', { timeout: TIMEOUT }, async () => {
    const handle = `${username}-lab`;
    await page.getByTestId('org-handle').fill(handle);
    await page.getByTestId('org-display-name').fill('E2E Lab');
    await page.getByTestId('create-org').click();
    const row = page.getByTestId('org-row').filter({ hasText: `@${handle}` });
    await expectText(row, 'E2E Lab');
    await expectText(row, 'owner');

    await page.getByTestId('org-handle').fill(handle);
    await page.getByTestId('create-org').click();
    await expectText(page.getByTestId('org-handle-error'), /taken/);
    await expectText(page.getByTestId('org-alert'), /taken/);
  });

  it('keeps the session and drops shown-once secrets when a deep link is reloaded', { timeout: TIMEOUT }, async () => {
    await page.reload();
    await expectText(page.getByTestId('header-username'), username);
    await page.getByTestId('node-row').filter({ hasText: 'lab-gpu-1' }).waitFor();
    expect(await page.getByTestId('node-token').count()).toBe(0);
    expect(await page.getByTestId('api-key-secret').count()).toBe(0);

    await page.goto(`${hub.url}/leaderboards`);
    await expectText(page.getByRole('heading', { level: 1 }), 'Leaderboards');
    await page.getByTestId('benchmarks-empty').waitFor();
    expect(pageErrors).toEqual([]);
  });

  it('sends a user whose stored session the hub no longer accepts to log in, then back', { timeout: TIMEOUT }, async () => {
    await page.evaluate(() =>
      localStorage.setItem('aimass.session', JSON.stringify({ token: 'not-a-real-session', expiresAt: '2999-01-01T00:00:00Z' })),
    );
    await page.goto(`${hub.url}/account`);
    await page.waitForURL(`${hub.url}/login?next=%2Faccount`);
    expect(await page.evaluate(() => localStorage.getItem('aimass.session'))).toBeNull();
    await page.getByTestId('header-login').waitFor();

    await page.getByLabel('Username or email').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByTestId('login-submit').click();
    await page.waitForURL(`${hub.url}/account`);
    await expectText(page.getByTestId('header-username'), username);
    expect(pageErrors).toEqual([]);
  });
});
