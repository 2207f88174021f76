/**
 * Request ids and request logging (pino-http): every log line written while serving a request
 * carries `requestId`; the id is echoed in `X-Request-Id`. A well-formed incoming X-Request-Id
 * (from a load balancer) is kept so one id follows the request across hops.
 */
import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
import { pinoHttp } from 'pino-http';
import type { Logger } from '../logger.js';

export function requestContext(log: Logger): RequestHandler {
  return pinoHttp({
    logger: log,
    genReqId: (req, res) => {
      const incoming = req.headers['x-request-id'];
      const id = typeof incoming === 'string' && /^[A-Za-z0-9._-]{8,128}$/.test(incoming) ? incoming : randomUUID();
      res.setHeader('X-Request-Id', id);
      return id;
    },
    // customProps become bindings of req.log, so every line logged for this request carries the id.
    customProps: (req) => ({ requestId: req.id }),
    // Health probes and metrics scrapes would drown the log.
    autoLogging: { ignore: (req) => ['/healthz', '/readyz', '/metrics'].includes(req.url ?? '') },
    serializers: {
      req: (req) => ({ method: req.method, url: req.url }),
      res: (res) => ({ statusCode: res.statusCode }),
    },
  });
}
