/**
 * The client address of a request that does not pass through Express (the graphql-ws upgrade),
 * found as Express finds `req.ip` with `trust proxy` set to a hop count: the connecting address,
 * or with `hops` proxies in front, the address the outermost trusted proxy saw. Addresses a
 * client writes into X-Forwarded-For itself lie beyond the trusted hops and are never used.
 */
import type { IncomingMessage } from 'node:http';

export function clientAddress(req: IncomingMessage, hops: number): string {
  const forwarded = String(req.headers['x-forwarded-for'] ?? '')
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .reverse();
  const chain = [req.socket.remoteAddress ?? 'unknown', ...forwarded];
  return chain[Math.min(hops, chain.length - 1)];
}
