/**
 * What the browser tests share: Debian's chromium driven by playwright-core (one persistent
 * context a test file), waiting for text, screenshots, and a signed-in session without the forms.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import type { TestHub } from '../support/hub.js';

export const ROOT = path.resolve(import.meta.dirname, '../..');

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Uncaught errors on the page so far; a test ends by expecting none. */
  pageErrors: string[];
  /** Content-Security-Policy violations so far (console "Refused to …" and securitypolicyviolation events). */
  cspViolations: string[];
  close(): Promise<void>;
}

/** Opens chromium on a fresh profile with one page; the portal must have been built. */
export async function openBrowser(): Promise<Browser> {
  if (!existsSync(path.join(ROOT, 'dist/web/index.html'))) {
    throw new Error('dist/web/index.html is missing: run `npm run build:web` first (npm test builds it).');
  }
  const userDataDir = await mkdtemp(path.join(os.tmpdir(), 'aimass-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1280, height: 900 },
  });
  context.setDefaultTimeout(15_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message));
  const cspViolations: string[] = [];
  // Chromium reports a blocked load or inline script on the console; the event catches the rest.
  await context.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) => console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || 'inline'} in ${e.sourceFile}:${e.lineNumber}`));
  });
  context.on('console', (message) => {
    const text = message.text();
    if (/Content Security Policy|^Refused to|^CSP violation/.test(text)) cspViolations.push(`${message.page()?.url() ?? ''}: ${text}`);
  });
  return {
    context,
    page,
    pageErrors,
    cspViolations,
    async close() {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Waits until the locator's text matches (Playwright's own `expect` is not in playwright-core). */
export async function expectText(locator: Locator, expected: string | RegExp, timeout = 15_000): Promise<string> {
  return waitForText(locator, (text) => (typeof expected === 'string' ? text.includes(expected) : expected.test(text)), String(expected), timeout);
}

/** Waits until the locator's text passes `accept`; resolves with that text. */
export async function waitForText(locator: Locator, accept: (text: string) => boolean, what: string, timeout = 15_000): Promise<string> {
  const deadline = Date.now() + timeout;
  let last = '';
  for (;;) {
    try {
      last = await locator.first().innerText({ timeout: Math.max(1, Math.min(2_000, deadline - Date.now())) });
      if (accept(last)) return last;
    } catch {
      // not there yet
    }
    if (Date.now() > deadline) {
      expect.fail(`expected ${String(locator)} to show ${what}; it showed ${JSON.stringify(last)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Saves a full-page screenshot to test-artifacts/<name>. */
export async function screenshot(page: Page, name: string): Promise<void> {
  const file = path.join(ROOT, 'test-artifacts', name);
  await mkdir(path.dirname(file), { recursive: true });
  await page.screenshot({ path: file, fullPage: true });
}

/**
 * Signs a new user up through the API and stores the session where the portal keeps it
 * (localStorage `aimass.session`, see web/src/api/session.ts), so the next page load is signed in.
 */
/** Signs up `username` and signs the page in as them; answers their session token (for API calls beside the browser). */
export async function signInAsNewUser(hub: TestHub, page: Page, username: string, password = 'correct horse battery staple'): Promise<string> {
  const res = await hub.graphql<{ signUp: { token: string; expiresAt: string } }>(
    'mutation($input: SignUpInput!) { signUp(input: $input) { token expiresAt } }',
    { input: { username, email: `${username}@example.com`, password } },
  );
  if (!res.data?.signUp) throw new Error(`signUp failed: ${JSON.stringify(res.errors)}`);
  await page.goto(`${hub.url}/`);
  await page.evaluate((session) => localStorage.setItem('aimass.session', JSON.stringify(session)), res.data.signUp);
  return res.data.signUp.token;
}
