import express from 'express';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { errorHandler } from '../../../http/error-handler.js';
import { RateLimitedError } from '../rate-limited-error.js';

describe('A refused inference request over REST', () => {
  it('is 429 with Retry-After, the RateLimit header fields and the limit named in the body', async () => {
    const app = express();
    app.post('/v1/models/x', () => {
      throw new RateLimitedError('apiKey', 'day', 5, 3600, { 'RateLimit-Limit': '5', 'RateLimit-Remaining': '0', 'RateLimit-Reset': '3600', 'Retry-After': '3600' });
    });
    app.use(errorHandler(false));
    const server = app.listen(0);
    try {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/v1/models/x`, { method: 'POST' });
      expect(res.status).toBe(429);
      expect(Object.fromEntries(['retry-after', 'ratelimit-limit', 'ratelimit-remaining', 'ratelimit-reset'].map((h) => [h, res.headers.get(h)]))).toEqual({
        'retry-after': '3600',
        'ratelimit-limit': '5',
        'ratelimit-remaining': '0',
        'ratelimit-reset': '3600',
      });
      const body = await res.json();
      expect(body.error).toMatchObject({ code: 'RATE_LIMITED', limitedBy: 'apiKey', period: 'day', limit: 5 });
      expect(body.error.message).toMatch(/daily request limit of this API key \(5 per UTC day\)/);
    } finally {
      server.close();
    }
  });
});
