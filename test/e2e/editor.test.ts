/**
 * The model editor in a real browser against a real hub: a user builds a small network with the
 * layer editor (input shape, a field, a new layer moved into place), reads the hub's summary and
 * parameter count, breaks a field and sees the problem at that layer, edits the JSON view, saves
 * the spec as a named architecture, reloads it, updates it and deletes it.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHub, type TestHub } from '../support/hub.js';
import { expectText, openBrowser, screenshot, signInAsNewUser, waitForText, type Browser } from './browser.js';

const TIMEOUT = 120_000;

describe('Portal: the model editor builds, checks and saves a spec', () => {
  let hub: TestHub;
  let browser: Browser;
  let page: Page;
  const username = `arch-${Date.now().toString(36)}`;

  const card = (index: number) => page.locator(`[data-testid="layer-card"][data-index="${index}"]`);
  const summaryRows = () => page.getByTestId('summary-row');
  const total = () => page.getByTestId('total-params');
  /** The summary says "Valid" for what is on screen now (not an answer about an older spec). */
  const settledValid = () => page.locator('[data-testid="spec-summary"][aria-busy="false"] [data-testid="spec-status"][data-valid="true"]').waitFor();

  beforeAll(async () => {
    [browser, hub] = await Promise.all([openBrowser(), startTestHub()]);
    page = browser.page;
    page.on('dialog', (dialog) => void dialog.accept());
    await signInAsNewUser(hub, page, username);
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  }, TIMEOUT);

  it('builds a network with the layer editor and shows the summary and parameter count', { timeout: TIMEOUT }, async () => {
    await page.goto(`${hub.url}/editor`);
    // The starter spec: 4 features → dense 16 (relu) → dense 3 (softmax): 80 + 51 parameters.
    await expectText(total(), '131');

    await page.getByTestId('spec-input-shape').fill('8');
    await page.getByTestId('layer-0-units').fill('32');
    await page.getByTestId('new-layer-type').selectOption('dropout');
    await page.getByTestId('add-layer').click();
    await expectText(card(2).getByTestId('layer-2-type'), 'Dropout');
    await page.getByTestId('layer-2-up').click();
    expect(await card(1).getAttribute('data-type')).toBe('dropout');
    await page.getByTestId('layer-1-rate').fill('0.25');

    // 8·32 + 32 = 288, dropout 0, 32·3 + 3 = 99.
    await settledValid();
    await expectText(total(), '387');
    expect(await summaryRows().count()).toBe(3);
    await expectText(summaryRows().nth(0).getByTestId('summary-shape'), '[null, 32]');
    await expectText(summaryRows().nth(1), /dropout.*Dropout.*\[null, 32\].*0/s);
    await expectText(summaryRows().nth(2).getByTestId('summary-params'), '99');
    await expectText(card(2).getByTestId('layer-2-output'), 'Output [null, 3] · 99 parameters');
  });

  it('shows a problem at the layer it belongs to, and clears it once fixed', { timeout: TIMEOUT }, async () => {
    await page.getByTestId('layer-1-rate').fill('1.5');
    await expectText(page.getByTestId('layer-1-rate-error'), 'must be less than 1');
    expect(await card(1).getAttribute('data-invalid')).toBe('true');
    expect(await page.getByTestId('layer-1-rate').getAttribute('aria-invalid')).toBe('true');
    expect(await card(0).getAttribute('data-invalid')).toBeNull();
    await expectText(page.getByTestId('spec-status'), '1 problem');
    await page.locator('[data-testid="summary-row"][data-index="1"][data-invalid="true"]').waitFor();
    await expectText(total(), '?');

    // A shape problem lands on the layer that cannot take its input: conv2d needs [h, w, channels].
    await page.getByTestId('layer-1-rate').fill('0.25');
    await page.getByTestId('layer-2-type').selectOption('conv2d');
    await expectText(page.getByTestId('layer-2-errors'), /conv2d needs an input of shape \[height, width, channels\]/);
    expect(await card(2).getAttribute('data-invalid')).toBe('true');
    await screenshot(page, 'portal-editor-error.png');

    await page.getByTestId('layer-2-type').selectOption('dense');
    await page.getByTestId('layer-2-units').fill('3');
    await page.getByTestId('layer-2-activation').selectOption('softmax');
    await settledValid();
    await expectText(total(), '387');
    expect(await page.locator('[data-testid="layer-card"][data-invalid]').count()).toBe(0);
  });

  it('edits the same spec as JSON, in step with the layer list', { timeout: TIMEOUT }, async () => {
    await page.getByTestId('view-json').click();
    const json = page.getByTestId('spec-json');
    await waitForText(json, (text) => text.includes('"rate": 0.25'), 'the spec as JSON');
    await json.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.insertText('{ "kind": "sequential", "inputShape": [8], "layers": [ { "type": "dense", "units": 32,');
    await expectText(page.getByTestId('spec-json-error'), /JSON/);
    await page.keyboard.insertText(
      ' "name": "hidden" }, { "type": "dropout", "rate": 0.25 }, { "type": "dense", "units": 3, "activation": "softmax" } ] }',
    );
    await page.getByTestId('spec-json-error').waitFor({ state: 'detached' });
    await settledValid();
    await expectText(total(), '387');
    await screenshot(page, 'portal-editor-json.png');

    await page.getByTestId('view-layers').click();
    expect(await page.getByTestId('layer-0-name').inputValue()).toBe('hidden');
    await expectText(summaryRows().nth(0).getByTestId('summary-name'), 'hidden');
  });

  it('saves it as a named architecture and opens it again after a reload', { timeout: TIMEOUT }, async () => {
    await page.getByTestId('architecture-name').fill('tiny-mlp');
    await page.getByTestId('architecture-description').fill('Eight features, **three** classes.');
    await page.getByTestId('save-architecture').click();
    await page.waitForURL(`${hub.url}/editor/${username}/tiny-mlp`);
    await expectText(page.getByTestId('editing-title'), `${username}/tiny-mlp`);
    await page.locator(`[data-testid="architecture-row"][data-name="${username}/tiny-mlp"]`).waitFor();

    await page.reload();
    await expectText(page.getByTestId('editing-title'), `${username}/tiny-mlp`);
    await expectText(total(), '387');
    expect(await page.getByTestId('layer-card').count()).toBe(3);
    expect(await page.getByTestId('layer-0-name').inputValue()).toBe('hidden');
    expect(await page.getByTestId('update-description').inputValue()).toBe('Eight features, **three** classes.');
    await expectText(page.getByTestId('save-state'), 'No unsaved changes');
    await screenshot(page, 'portal-editor.png');
  });

  it('updates the saved architecture and deletes it', { timeout: TIMEOUT }, async () => {
    await page.getByTestId('layer-0-units').fill('64');
    await expectText(page.getByTestId('save-state'), 'Unsaved changes');
    await page.getByTestId('update-architecture').click();
    await expectText(page.getByTestId('save-state'), 'No unsaved changes');
    await page.reload();
    expect(await page.getByTestId('layer-0-units').inputValue()).toBe('64');
    await expectText(total(), '771'); // 8·64 + 64 = 576, 64·3 + 3 = 195

    await page.getByTestId('delete-architecture').click();
    await page.waitForURL(`${hub.url}/editor`);
    await page.getByTestId('architectures-empty').waitFor();
    await page.goto(`${hub.url}/editor/${username}/tiny-mlp`);
    await page.getByTestId('architecture-not-found').waitFor();
  });

  it('turns the spec into a functional graph, with a problem shown at the model input it is about', { timeout: TIMEOUT }, async () => {
    await page.getByTestId('new-architecture').click();
    await expectText(total(), '131');
    await page.getByTestId('spec-kind').selectOption('functional');
    expect(await page.getByTestId('input-0-name').inputValue()).toBe('input');
    expect(await page.getByTestId('layer-1-inputs').inputValue()).toBe('dense_1');
    expect(await page.getByTestId('spec-outputs').inputValue()).toBe('dense_2');
    await settledValid();
    await expectText(total(), '131');

    // A second input that nothing reads is refused, at that input.
    await page.getByTestId('add-input').click();
    const unused = page.locator('[data-testid="model-input"][data-invalid="true"]');
    await expectText(unused, 'is not used by any layer');
    expect(await page.getByTestId('input-1-name').inputValue()).toBe('input_1');
    await page.getByTestId('input-1-remove').click();
    await settledValid();
    expect(browser.pageErrors).toEqual([]);
  });
});
