/**
 * Every REST route under /api (and the few a protocol fixes at the root: HubRoute.root): each module's routes, mounted in one place. Each route declares its
 * credential and API key scope with http/route-access.ts; job routes (opened by an agent's job
 * token only) say so in their module (HubRoute.jobTokenOnly) and are guarded here.
 */
import type { Express } from 'express';
import { sendError } from './http/error-handler.js';
import { jobTokenOnly } from './http/route-access.js';
import type { HubModule } from './module.js';

export function mountApi(app: Express, modules: readonly HubModule[]): void {
  for (const route of modules.flatMap((m) => m.routes ?? [])) {
    if (route.root) app.use(route.path, route.router);
    else if (route.jobTokenOnly) app.use(`/api${route.path}`, jobTokenOnly(), route.router);
    else app.use(`/api${route.path}`, route.router);
  }
  app.use('/api', (req, res) => sendError(res, 404, 'NOT_FOUND', `No API route ${req.method} ${req.path}`));
}

/** Whether a request URL is under a route that asked for a quiet access log (HubRoute.quietAccessLog). */
export function quietAccessLog(modules: readonly HubModule[]): (url: string) => boolean {
  const prefixes = modules.flatMap((m) => m.routes ?? []).filter((r) => r.quietAccessLog).map((r) => (r.root ? r.path : `/api${r.path}`));
  return (url) => prefixes.some((prefix) => url.startsWith(prefix) && (url.length === prefix.length || '/?'.includes(url[prefix.length]!)));
}
