/**
 * A JSON answer written straight to the socket, for routes answered at high rates (the inference
 * doors): the same body and `Content-Type: application/json; charset=utf-8` as `res.json`, without
 * what express's `res.send` adds per response: an ETag (a SHA-1 of the body, for conditional GETs
 * these POST answers never get) and the body copied into a Buffer, which also splits the write
 * into headers and body.
 */
import type { Response } from 'express';

export function sendJson(res: Response, body: unknown, status = 200, headers?: Record<string, string>): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  if (headers) for (const name in headers) res.setHeader(name, headers[name]!);
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}
