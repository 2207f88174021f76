import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import express, { type ErrorRequestHandler } from 'express';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { jsonBody } from '../json-body.js';
import { requestContext } from '../request-context.js';

const LIMIT = 100;
const lines: { level: number; msg: string; req?: { url: string }; res?: { statusCode: number }; requestId?: string }[] = [];
let url = '';
let close: () => void;

beforeAll(async () => {
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(JSON.parse(line)) });
  const app = express();
  app.use(requestContext(log, { quiet: (u) => u.startsWith('/quiet/') }));
  const echo = (_req: express.Request, res: express.Response) => void res.json({ body: _req.body === undefined ? 'none' : _req.body });
  app.post('/quiet/echo', jsonBody(LIMIT), echo);
  app.post('/echo', jsonBody(LIMIT), echo);
  app.get('/fail', () => {
    throw new Error('boom');
  });
  const onError: ErrorRequestHandler = (error, _req, res, _next) => void res.status(error.type ? 400 : 500).json({ type: error.type ?? null, limit: error.limit ?? null });
  app.use(onError);
  const server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => server.close();
});
afterAll(() => close());

const post = (path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
  fetch(`${url}${path}`, { method: 'POST', body: typeof body === 'string' ? body : new Uint8Array(body), headers: { 'content-type': 'text/plain', ...headers } }).then(async (r) => ({ status: r.status, body: await r.json() }));

describe('JSON bodies of the inference doors', () => {
  it('parses a body whatever its Content-Type, reads an empty one as {}, and drops a byte order mark', async () => {
    expect(await post('/echo', '{"instances":[{"a":1}]}')).toEqual({ status: 200, body: { body: { instances: [{ a: 1 }] } } });
    expect(await post('/echo', '')).toEqual({ status: 200, body: { body: {} } });
    expect(await post('/echo', '  \n')).toEqual({ status: 200, body: { body: {} } });
    expect(await post('/echo', '\uFEFF[1,2]', { 'content-type': 'application/json; charset=utf-8' })).toEqual({ status: 200, body: { body: [1, 2] } });
  });

  it('fails as body-parser does: bad JSON and a bare value are entity.parse.failed, a body past the limit entity.too.large', async () => {
    expect((await post('/echo', '{"a": NaN}')).body.type).toBe('entity.parse.failed');
    expect((await post('/echo', '42')).body.type).toBe('entity.parse.failed');
    expect((await post('/echo', JSON.stringify({ a: 'x'.repeat(LIMIT) }))).body).toEqual({ type: 'entity.too.large', limit: LIMIT });
  });

  it('leaves compressed bodies and other charsets to express.json', async () => {
    expect(await post('/echo', gzipSync('{"a":1}'), { 'content-encoding': 'gzip' })).toEqual({ status: 200, body: { body: { a: 1 } } });
    expect((await post('/echo', '{"a":1}', { 'content-type': 'application/json; charset=latin1' })).body.type).toBe('charset.unsupported');
  });

  it('writes access lines at info, the quiet routes’ answered requests at debug, and 5xx as errored', async () => {
    lines.length = 0;
    await post('/echo', '{}', { 'x-request-id': 'request-id-1' });
    await post('/quiet/echo', '{}');
    await post('/quiet/echo', 'nope');
    await fetch(`${url}/fail`);
    await new Promise((r) => setTimeout(r, 50));
    const access = lines.filter((l) => l.msg.startsWith('request '));
    expect(access.map((l) => [l.req?.url, l.res?.statusCode, l.msg])).toEqual([
      ['/echo', 200, 'request completed'],
      ['/quiet/echo', 400, 'request completed'],
      ['/fail', 500, 'request errored'],
    ]);
    expect(access[0]!.requestId).toBe('request-id-1');
  });
});
