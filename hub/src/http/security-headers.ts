/**
 * Security headers on every response (helmet), with a Content-Security-Policy for the portal
 * that allows only what it loads: its own scripts, styles, images and fonts from the hub, and
 * fetches and graphql-ws to the hub itself. No inline script is allowed, and no inline style
 * but the ones carrying this response's nonce: the built index.html has none (Vite emits files),
 * React sets styles through the CSSOM, and CodeMirror's one <style> element carries the nonce
 * that {@link withStyleNonce} writes into index.html. Frames of the portal are refused
 * (clickjacking). Apollo's landing page is off, so /graphql serves no page of its own.
 */
import { randomBytes } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import helmet from 'helmet';

/** The style nonce of this response, made fresh for each one. */
const nonceOf = (res: Response): string => res.locals.cspNonce as string;

/** index.html with this response's style nonce in `<meta name="csp-nonce">`, where the portal reads it. */
export function withStyleNonce(html: string, res: Response): string {
  return html.replace('<head>', `<head>\n    <meta name="csp-nonce" content="${nonceOf(res)}" />`);
}

/**
 * Fresh nonces, 16 random bytes each, cut from a pool filled from the CSPRNG 256 at a time (as
 * Node's randomUUID does): a randomBytes call per response was a measurable share of a small
 * request's CPU. No bytes are used twice.
 */
const NONCE_BYTES = 16;
const POOL_BYTES = NONCE_BYTES * 256;
let pool = Buffer.alloc(0);
let poolOffset = 0;
function freshNonce(): string {
  if (poolOffset + NONCE_BYTES > pool.length) {
    pool = randomBytes(POOL_BYTES);
    poolOffset = 0;
  }
  poolOffset += NONCE_BYTES;
  return pool.toString('base64', poolOffset - NONCE_BYTES, poolOffset);
}

/** Stands for the nonce while helmet works the headers out once (base64 never contains it). */
const NONCE_MARK = 'aimass-style-nonce-mark';

/** helmet with the portal's policy, run per request: what {@link securityHeaders} works out once. */
export function portalHelmet(): RequestHandler {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", (_req, res) => `'nonce-${nonceOf(res as Response)}'`],
        imgSrc: ["'self'", 'data:', 'blob:'],
        fontSrc: ["'self'", 'data:'],
        // 'self' covers ws:/wss: to the same host in CSP Level 3 browsers.
        connectSrc: ["'self'"],
        workerSrc: ["'self'", 'blob:'],
        objectSrc: ["'none'"],
        baseUri: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // The portal embeds nothing cross-origin; requiring CORP of everything it loads buys nothing.
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'same-origin' },
  });
}

export function securityHeaders(): RequestHandler {
  const headers = portalHelmet();
  // helmet's headers depend on nothing of the request but the nonce: helmet works them out once
  // here, in order, with a mark for the nonce, and each response gets them with its own nonce
  // (helmet per request built the policy and ran a dozen middlewares: ~3 % of a catalog page's CPU).
  const set: [string, string][] = [];
  const removed: string[] = [];
  const recorder = {
    locals: { cspNonce: NONCE_MARK },
    setHeader: (name: string, value: unknown) => set.push([name, String(value)]),
    removeHeader: (name: string) => removed.push(name),
  };
  headers({} as Request, recorder as unknown as Response, (error?: unknown) => {
    if (error) throw error;
  });
  return (_req, res, next) => {
    const nonce = freshNonce();
    res.locals.cspNonce = nonce;
    for (const name of removed) res.removeHeader(name);
    for (const [name, value] of set) res.setHeader(name, value.includes(NONCE_MARK) ? value.replace(NONCE_MARK, nonce) : value);
    next();
  };
}
