/**
 * The notifications inbox in a real browser against a real hub: a reader follows someone's model
 * (through GraphQL, with a webhook), the owner publishes and deprecates a version (through
 * GraphQL), and the inbox shows each notification as it arrives, without a reload, while the
 * header's unread badge counts up; marking read counts it down. The subscription's webhook
 * delivery log shows the retried delivery; unsubscribing removes it.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, createModel, uploadFiles } from '../catalog-support.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { signUp, type SignedUp } from '../support/users.js';
import { expectText, openBrowser, screenshot, signInAsNewUser, waitForText, type Browser } from './browser.js';

const TIMEOUT = 120_000;

const SUBSCRIBE = `mutation($input: SubscribeInput!) { subscribe(input: $input) { subscription { id } webhookSecret } }`;
const PUBLISH = `mutation($o: String!, $n: String!, $v: Int!) { publishModelVersion(owner: $o, name: $n, number: $v) { status } }`;
const DEPRECATE = `mutation($o: String!, $n: String!, $v: Int!, $m: String!) { deprecateModelVersion(owner: $o, name: $n, number: $v, message: $m) { status } }`;

describe('Portal: the notifications inbox fills live as a followed model is published', () => {
  let hub: TestHub;
  let browser: Browser;
  let page: Page;
  let publisher: SignedUp;
  let webhook: http.Server;
  /** Status codes the webhook answered, in order: the first delivery is refused once with 503. */
  const answered: number[] = [];
  const reader = `reader-${Date.now().toString(36)}`;

  const row = (index: number) => page.getByTestId('notification-row').nth(index);
  const badge = () => page.getByTestId('unread-badge');

  beforeAll(async () => {
    webhook = http.createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        const status = answered.length === 0 ? 503 : 204;
        answered.push(status);
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => webhook.listen(0, '127.0.0.1', resolve));
    [browser, hub] = await Promise.all([
      openBrowser(),
      startTestHub({ env: { AIMASS_WEBHOOK_ALLOW_PRIVATE: 'true', AIMASS_WEBHOOK_RETRY_BASE_MS: '300' } }),
    ]);
    page = browser.page;
    page.on('dialog', (dialog) => void dialog.accept());

    publisher = await signUp(hub);
    await createModel(hub, publisher.token, { name: 'classifier', license: 'MIT', visibility: 'PUBLIC' });
    const { files } = await buildModel();
    expect((await uploadFiles(hub, publisher.token, publisher.username, 'classifier', files)).status).toBe(201);
    const card = await hub.graphql(
      `mutation($o: String!, $n: String!) { setModelCard(owner: $o, name: $n, number: 1, card: "# Classifier") { number } }`,
      { o: publisher.username, n: 'classifier' },
      publisher.token,
    );
    expect(card.errors).toBeUndefined();

    await signInAsNewUser(hub, page, reader);
    const token = await page.evaluate(() => (JSON.parse(localStorage.getItem('aimass.session')!) as { token: string }).token);
    const port = (webhook.address() as AddressInfo).port;
    const subscribed = await hub.graphql(SUBSCRIBE, { input: { kind: 'MODEL', owner: publisher.username, name: 'classifier', webhookUrl: `http://127.0.0.1:${port}/hook` } }, token);
    expect(subscribed.errors).toBeUndefined();
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
    await new Promise((resolve) => webhook?.close(resolve));
  }, TIMEOUT);

  it('starts empty, listing the subscription with its webhook', { timeout: TIMEOUT }, async () => {
    await page.goto(`${hub.url}/notifications`);
    await page.getByTestId('notifications-empty').waitFor();
    const subscription = page.locator(`[data-testid="subscription-row"][data-name="${publisher.username}/classifier"]`);
    await expectText(subscription.getByTestId('subscription-webhook'), '/hook');
    expect(await badge().count()).toBe(0);
  });

  it('shows a published version live, without a reload, and counts it on the badge', { timeout: TIMEOUT }, async () => {
    await page.evaluate(() => ((window as unknown as { __sameDocument: boolean }).__sameDocument = true));
    const published = await hub.graphql(PUBLISH, { o: publisher.username, n: 'classifier', v: 1 }, publisher.token);
    expect(published.errors).toBeUndefined();

    await expectText(row(0).getByTestId('notification-message'), `Version 1 of ${publisher.username}/classifier was published`);
    expect(await row(0).getAttribute('data-read')).toBe('false');
    await row(0).getByTestId('unread-marker').waitFor();
    await expectText(badge(), '1');

    const deprecated = await hub.graphql(DEPRECATE, { o: publisher.username, n: 'classifier', v: 1, m: 'Use version 2' }, publisher.token);
    expect(deprecated.errors).toBeUndefined();
    await expectText(row(0).getByTestId('notification-message'), 'was deprecated: Use version 2');
    await expectText(row(1).getByTestId('notification-message'), 'was published');
    await expectText(badge(), '2');
    // Both arrived in the same document: nothing reloaded the page.
    expect(await page.evaluate(() => (window as unknown as { __sameDocument?: boolean }).__sameDocument)).toBe(true);
    await screenshot(page, 'portal-notifications.png');
  });

  it('marks one read, filters to unread, marks all read; the badge follows', { timeout: TIMEOUT }, async () => {
    await row(1).getByTestId('mark-read').click();
    await page.locator('[data-testid="notification-row"][data-read="true"]').waitFor();
    await expectText(badge(), '1');

    await page.getByTestId('unread-only').check();
    await page.waitForURL(/\?unread=1$/);
    await expectText(page.getByTestId('list-count'), 'Showing 1 of 1');
    await expectText(row(0).getByTestId('notification-message'), 'was deprecated');

    await page.getByTestId('mark-all-read').click();
    await expectText(page.getByTestId('notifications-empty'), 'all caught up');
    await badge().waitFor({ state: 'detached' });

    // Read ones stay in the full inbox, marked read; a reload agrees with the hub.
    await page.reload();
    await page.getByTestId('unread-only').uncheck();
    await expectText(page.getByTestId('list-count'), 'Showing 2 of 2');
    expect(await page.locator('[data-testid="notification-row"][data-read="true"]').count()).toBe(2);
    expect(await badge().count()).toBe(0);
  });

  it('shows the webhook delivery log: the refused attempt, the retry and the answer', { timeout: TIMEOUT }, async () => {
    const subscription = page.locator(`[data-testid="subscription-row"][data-name="${publisher.username}/classifier"]`);
    await subscription.getByTestId('show-deliveries').click();
    const log = page.getByTestId('delivery-log');
    // The log is re-read while a delivery is pending; both end delivered, the first after a retry.
    await waitForText(log, (text) => (text.match(/Succeeded/g) ?? []).length === 2, 'two succeeded deliveries', 30_000);
    const retried = log.locator('[data-testid="delivery-row"]').filter({ has: page.locator('[data-testid="delivery-attempts"]', { hasText: '2' }) });
    await expectText(retried.getByTestId('delivery-code'), '204');
    await retried.locator('summary').click();
    await expectText(retried.getByTestId('delivery-attempt').first(), '503');
    expect(answered).toEqual([503, 204, 204]);
    await screenshot(page, 'portal-notifications-deliveries.png');
  });

  it('unsubscribes', { timeout: TIMEOUT }, async () => {
    await page.getByTestId('unsubscribe').click();
    await page.getByTestId('subscriptions-empty').waitFor();
    await page.reload();
    await page.getByTestId('subscriptions-empty').waitFor();
    expect(browser.pageErrors).toEqual([]);
  });
});
