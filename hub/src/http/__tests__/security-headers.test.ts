/**
 * securityHeaders() works helmet's headers out once and sets them per response with a fresh
 * nonce: every response must carry exactly what helmet itself sends with that nonce, in order.
 */
import express from 'express';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { portalHelmet, securityHeaders } from '../security-headers.js';

/** Headers of two GET / through `middleware`, each with its response's nonce replaced by NONCE. */
async function headersThrough(middleware: express.RequestHandler): Promise<{ headers: [string, string][]; nonce: string }[]> {
  const app = express();
  app.disable('x-powered-by');
  app.use(middleware);
  app.get('/', (_req, res) => {
    res.json({ nonce: res.locals.cspNonce });
  });
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  try {
    const answers = [];
    for (let i = 0; i < 2; i++) {
      const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      const { nonce } = (await res.json()) as { nonce: string };
      const all: [string, string][] = [];
      res.headers.forEach((value, name) => all.push([name, value]));
      const headers = all.filter(([name]) => !['date', 'etag', 'content-length'].includes(name)).map(([name, value]): [string, string] => [name, value.replaceAll(nonce, 'NONCE')]);
      answers.push({ headers, nonce });
    }
    return answers;
  } finally {
    server.close();
  }
}

/** The same policy with helmet running on every request (what security-headers.ts did before). */
function helmetPerRequest(): express.RequestHandler {
  const headers = portalHelmet();
  return (req, res, next) => {
    res.locals.cspNonce = 'per-request-nonce';
    headers(req, res, next);
  };
}

describe('Security headers', () => {
  it('sends what helmet sends, with a fresh style nonce in the policy of each response', async () => {
    const [first, second] = await headersThrough(securityHeaders());
    const [reference] = await headersThrough(helmetPerRequest());
    expect(first.headers).toEqual(reference.headers);
    expect(second.headers).toEqual(reference.headers);
    expect(first.headers.find(([name]) => name === 'content-security-policy')?.[1]).toContain("style-src 'self' 'nonce-NONCE'");
    expect(first.nonce).toMatch(/^[A-Za-z0-9+/]{22}==$/);
    expect(second.nonce).not.toBe(first.nonce);
  });
});
