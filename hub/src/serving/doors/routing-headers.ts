/** How a REST caller steers a split deployment: the pin header and the routing key header (split/route-request.ts). */
import type { Request } from 'express';
import { ROUTING_KEY_HEADER, VARIANT_HEADER, type Routing } from '../split/route-request.js';

export function routingOf(req: Request): Routing {
  const pin = req.headers[VARIANT_HEADER];
  const key = req.headers[ROUTING_KEY_HEADER];
  return {
    ...(typeof pin === 'string' ? { pin } : {}),
    ...(typeof key === 'string' && key !== '' ? { key } : {}),
  };
}
