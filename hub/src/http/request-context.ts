/**
 * Request ids and request logging: every log line written while serving a request (`req.log`)
 * carries `requestId` and `req` ({method, url}); the id is echoed in `X-Request-Id`. A well-formed
 * incoming X-Request-Id (from a load balancer) is kept so one id follows the request across hops.
 *
 * Each request ends with one access line in pino-http's shape: `res` ({statusCode}),
 * `responseTime` (ms) and "request completed" ("request aborted" when the client went first), or
 * for a 5xx answer `err` and "request errored". It is written at info, except for the routes
 * {@link RequestContextOptions.quiet} names (the inference doors, which machines call at high
 * rates), whose answered requests (status under 400) log at debug; their refusals and failures
 * stay at info.
 *
 * What a request costs here is what it logs: its child logger is made when something first uses
 * `req.log`, and a request whose access line's level is off adds no listener (pino-http made two
 * child loggers per request and listened to every response whatever the level).
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import type { Logger } from '../logger.js';

declare module 'node:http' {
  interface IncomingMessage {
    /** The request's id (X-Request-Id). */
    id: string;
    /** The request's logger: its lines carry `requestId` and `req`. */
    log: Logger;
  }
}

export interface RequestContextOptions {
  /** Whether answered requests to this path (the URL's path and query) log their access line at debug. */
  quiet?: (url: string) => boolean;
}

const REQUEST_ID = /^[A-Za-z0-9._-]{8,128}$/;
/** Health probes and metrics scrapes would drown the log. */
const UNLOGGED = new Set(['/healthz', '/readyz', '/metrics']);

export function requestContext(log: Logger, options: RequestContextOptions = {}): RequestHandler {
  const quiet = options.quiet ?? (() => false);
  return (req, res, next) => {
    const incoming = req.headers['x-request-id'];
    const id = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.setHeader('X-Request-Id', id);
    req.id = id;
    const bindings = { req: { method: req.method, url: req.originalUrl ?? req.url }, requestId: id };
    let child: Logger | undefined;
    const requestLog = () => (child ??= log.child(bindings));
    Object.defineProperty(req, 'log', {
      configurable: true,
      enumerable: true,
      get: requestLog,
      set: (value: Logger) => (child = value),
    });

    const url = req.url ?? '';
    if (UNLOGGED.has(url)) return next();
    const quietPath = quiet(url);
    // Every access line is at info or debug: with info off there is nothing to listen for.
    if (!log.isLevelEnabled('info')) return next();
    const started = Date.now();
    res.once('close', () => {
      const status = res.statusCode;
      const level = quietPath && status < 400 ? 'debug' : 'info';
      if (!log.isLevelEnabled(level)) return;
      const responseTime = Date.now() - started;
      if (status >= 500) {
        requestLog()[level]({ res: { statusCode: status }, err: new Error(`failed with status code ${status}`), responseTime }, 'request errored');
      } else {
        requestLog()[level]({ res: { statusCode: status }, responseTime }, !req.readableAborted && res.writableEnded ? 'request completed' : 'request aborted');
      }
    });
    next();
  };
}
