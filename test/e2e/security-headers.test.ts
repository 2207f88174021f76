/**
 * The portal under its Content-Security-Policy, in a real browser: every main page loads, runs
 * and draws (CodeMirror editors, recharts charts, live graphql-ws updates) without one violation.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDataset, upload } from '../support/datasets.js';
import { startTestHub, type TestHub } from '../support/hub.js';
import { expectText, openBrowser, signInAsNewUser, type Browser } from './browser.js';

const TIMEOUT = 180_000;

describe('Portal under its Content-Security-Policy', () => {
  let hub: TestHub;
  let browser: Browser;
  let page: Page;
  const username = `csp-${Date.now().toString(36)}`;

  beforeAll(async () => {
    browser = await openBrowser();
    page = browser.page;
    hub = await startTestHub();
  }, TIMEOUT);

  afterAll(async () => {
    await browser?.close();
    await hub?.close();
  }, TIMEOUT);

  it('serves the portal and the API with security headers and a strict policy', async () => {
    for (const path of ['/', '/models', '/healthz']) {
      const res = await fetch(`${hub.url}${path}`);
      const csp = res.headers.get('content-security-policy') ?? '';
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("style-src 'self'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('unsafe-inline');
      expect(csp).not.toContain('unsafe-eval');
      expect(res.headers.get('x-content-type-options')).toBe('nosniff');
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(res.headers.get('referrer-policy')).toBe('same-origin');
    }
    // The built page itself holds no inline script or style for the policy to refuse.
    const page1 = await fetch(`${hub.url}/models`);
    const html = await page1.text();
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    expect(html).not.toMatch(/<style|\sstyle=/);
    // The one style nonce (for CodeMirror's <style> element) is fresh for every page load.
    const nonce = /<meta name="csp-nonce" content="([^"]+)"/.exec(html)![1];
    expect(page1.headers.get('content-security-policy')).toContain(`style-src 'self' 'nonce-${nonce}'`);
    const again = await (await fetch(`${hub.url}/index.html`)).text();
    expect(/<meta name="csp-nonce" content="([^"]+)"/.exec(again)![1]).not.toBe(nonce);
  });

  it('loads every main page without a policy violation', { timeout: TIMEOUT }, async () => {
    await signInAsNewUser(hub, page, username);
    const token = await page.evaluate(() => JSON.parse(localStorage.getItem('aimass.session')!).token as string);
    await createDataset(hub, token, { name: 'flowers', visibility: 'PUBLIC' });
    const rows = ['petal,color,height', ...Array.from({ length: 60 }, (_, i) => `${(i % 7) + 0.5},${['red', 'blue', 'white'][i % 3]},${i}`)].join('\n');
    expect((await upload(hub, token, username, 'flowers', rows)).status).toBe(201);

    const pages: [string, RegExp][] = [
      ['/', /AI Mass/],
      ['/models', /Models/],
      ['/datasets', /flowers/],
      [`/datasets/${username}/flowers`, /petal/],
      ['/lab', /SQL|Lab/],
      ['/editor', /Editor|Layers|Model/],
      ['/jobs', /Jobs/],
      ['/nodes', /Nodes|nodes/],
      ['/notifications', /Notifications|inbox/i],
      ['/account', /API keys/],
    ];
    for (const [path, shows] of pages) {
      await page.goto(`${hub.url}${path}`);
      await expectText(page.locator('main'), shows);
      await page.waitForLoadState('networkidle');
    }
    // The SQL editor (CodeMirror) and a chart (recharts) actually drew under the policy.
    await page.goto(`${hub.url}/lab`);
    await page.locator('.cm-editor').first().waitFor();
    await page.goto(`${hub.url}/datasets/${username}/flowers`);
    await expectText(page.locator('main'), /petal/);
    await page.waitForLoadState('networkidle');

    expect(browser.cspViolations).toEqual([]);
    expect(browser.pageErrors).toEqual([]);
  });
});
