import 'reflect-metadata';
import { createHmac } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { AppError } from '../../errors.js';
import { postWebhook, classify } from '../webhook-sender.js';
import { newWebhookSecret, signBody, verifySignature } from '../webhook-signature.js';
import { checkWebhookUrl, isPrivateAddress } from '../webhook-url.js';
import { backoffMs } from '../webhook-worker.js';

const fieldOf = (fn: () => unknown) => {
  try {
    fn();
  } catch (error) {
    if (error instanceof AppError) return `${error.code} ${error.fields.map((f) => f.field).join(',')}`;
    throw error;
  }
  return 'accepted';
};

describe('Webhook URLs', () => {
  it('accepts http and https URLs on public hosts', () => {
    expect(checkWebhookUrl('https://hooks.example.com/aimass?x=1', false)).toBe('https://hooks.example.com/aimass?x=1');
    expect(checkWebhookUrl(' http://93.184.216.34:8080/in ', false)).toBe('http://93.184.216.34:8080/in');
  });

  it('refuses other schemes, garbage and credentials with BAD_USER_INPUT naming the field', () => {
    for (const bad of ['ftp://example.com/', 'javascript:alert(1)', 'file:///etc/passwd', 'not a url', '', `https://e.com/${'a'.repeat(3000)}`, 'https://user:pw@example.com/']) {
      expect(fieldOf(() => checkWebhookUrl(bad, false)), bad).toBe('BAD_USER_INPUT webhookUrl');
    }
  });

  it('refuses loopback, private and link-local addresses unless allowed', () => {
    for (const url of [
      'http://127.0.0.1/',
      'http://localhost:3000/',
      'http://api.localhost/',
      'http://10.1.2.3/',
      'http://172.20.0.1/',
      'http://192.168.1.1/',
      'http://169.254.169.254/latest/meta-data',
      'http://[::1]/',
      'http://[fd00::1]/',
      'http://[::ffff:127.0.0.1]/',
      'http://0x7f.1/', // 127.0.0.1 in disguise; the URL parser normalises it
      'http://2130706433/',
      'http://0.0.0.0/',
    ]) {
      expect(fieldOf(() => checkWebhookUrl(url, false)), url).toBe('BAD_USER_INPUT webhookUrl');
      expect(fieldOf(() => checkWebhookUrl(url, true)), url).toBe('accepted');
    }
  });

  it('knows private addresses from public ones', () => {
    expect(isPrivateAddress('8.8.8.8')).toBe(false);
    expect(isPrivateAddress('2606:4700:4700::1111')).toBe(false);
    expect(isPrivateAddress('100.64.0.1')).toBe(true);
    expect(isPrivateAddress('fe80::1')).toBe(true);
    expect(isPrivateAddress('not-an-ip')).toBe(true);
  });
});

describe('Webhook signatures', () => {
  it('are HMAC-SHA256 of the raw body, hex, prefixed sha256=', () => {
    const secret = newWebhookSecret();
    const body = '{"id":"d1","type":"MODEL_VERSION_PUBLISHED"}';
    expect(signBody(secret, body)).toBe(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
    expect(verifySignature(secret, body, signBody(secret, body))).toBe(true);
    expect(verifySignature(secret, `${body} `, signBody(secret, body))).toBe(false);
    expect(verifySignature(newWebhookSecret(), body, signBody(secret, body))).toBe(false);
    expect(verifySignature(secret, body, undefined)).toBe(false);
  });

  it('uses a fresh 32-byte secret for each subscription', () => {
    const a = newWebhookSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newWebhookSecret()).not.toBe(a);
  });
});

describe('Webhook retries', () => {
  it('back off exponentially up to the ceiling, with at most 10% jitter', () => {
    const none = () => 0;
    expect([1, 2, 3, 4].map((n) => backoffMs(n, 100, 1000, none))).toEqual([100, 200, 400, 800]);
    expect(backoffMs(10, 100, 1000, none)).toBe(1000);
    expect(backoffMs(1, 100, 1000, () => 0.999)).toBeLessThanOrEqual(110);
  });

  it('retry 5xx, 408 and 429, and give up on other answers', () => {
    expect(classify(200).ok).toBe(true);
    expect(classify(204).ok).toBe(true);
    for (const code of [500, 502, 503, 408, 429]) expect(classify(code), String(code)).toMatchObject({ ok: false, retryable: true });
    for (const code of [301, 400, 401, 404, 410]) expect(classify(code), String(code)).toMatchObject({ ok: false, retryable: false });
  });

  it('time out a receiver that does not answer, and refuse private addresses at send time', async () => {
    const server = http.createServer(() => undefined); // never answers
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    try {
      const slow = await postWebhook(url, '{}', {}, { timeoutMs: 200, allowPrivate: true });
      expect(slow).toMatchObject({ ok: false, retryable: true, statusCode: null, error: 'timed out after 200 ms' });
      expect(slow.durationMs).toBeGreaterThanOrEqual(190);
      const refused = await postWebhook(url, '{}', {}, { timeoutMs: 200, allowPrivate: false });
      expect(refused).toMatchObject({ ok: false, retryable: false, statusCode: null });
      expect(refused.error).toContain('private or loopback');
      const byName = await postWebhook(url.replace('127.0.0.1', 'localhost'), '{}', {}, { timeoutMs: 500, allowPrivate: false });
      expect(byName).toMatchObject({ ok: false, retryable: false });
      expect(byName.error).toContain('private or loopback');
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});
