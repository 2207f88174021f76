import 'reflect-metadata';
import express from 'express';
import type { DataSource } from 'typeorm';
import { afterAll, describe, expect, it } from 'vitest';
import { Scope } from '../../accounts/scopes.js';
import { mountApi } from '../../api-routes.js';
import { loadConfig } from '../../config.js';
import { createSignals } from '../../db/signals.js';
import { inProcessChannel } from '../../events/hub-channel.js';
import { createLogger } from '../../logger.js';
import { createMetrics } from '../../metrics.js';
import { createEventBus } from '../../pubsub.js';
import { createModules } from '../../services.js';
import { ROUTE_ACCESS, type RouteAccess } from '../route-access.js';

type Declared = RouteAccess | 'jobToken';
interface Layer {
  handle: ((...args: unknown[]) => unknown) & { stack?: Layer[]; [ROUTE_ACCESS]?: Declared };
  route?: { path: string; methods: Record<string, boolean>; stack: Layer[] };
}

/** Every route under the app, with what it (or a layer it is mounted behind) declares. */
function routes(stack: Layer[], inherited: Declared | undefined = undefined): { route: string; declared: Declared | undefined }[] {
  const found: { route: string; declared: Declared | undefined }[] = [];
  let declared = inherited;
  for (const layer of stack) {
    if (layer.handle[ROUTE_ACCESS]) declared = layer.handle[ROUTE_ACCESS];
    if (layer.route) {
      const own = layer.route.stack.map((l) => l.handle[ROUTE_ACCESS]).find(Boolean);
      found.push({ route: `${Object.keys(layer.route.methods).join(',').toUpperCase()} ${layer.route.path}`, declared: own ?? declared });
    } else if (layer.handle.stack) {
      found.push(...routes(layer.handle.stack, declared));
      // A declaration in front of one mounted router covers that router only.
      declared = inherited;
    }
  }
  return found;
}

describe('REST route access', () => {
  const app = express();
  // The real modules, built over a database that is never opened: mounting routes sends no query.
  const config = loadConfig({});
  const log = createLogger({ ...config, logLevel: 'silent' });
  const channel = inProcessChannel();
  const { modules } = createModules(
    { db: {} as DataSource, config, events: createEventBus(channel, log), signals: createSignals(channel, log), channel, metrics: createMetrics(), log },
    { url: 'postgres://unused', kind: 'postgres' },
  );
  afterAll(async () => {
    for (const module of [...modules].reverse()) await module.stop?.();
  });
  mountApi(app, modules);
  const all = routes((app as unknown as { router: { stack: Layer[] } }).router.stack);

  it('finds the API routes', () => {
    expect(all.length).toBeGreaterThanOrEqual(15);
    expect(all.map((r) => r.route)).toContain('POST /:owner/:name/versions');
  });

  it('declares a scope (or the job token) on every route', () => {
    expect(all.filter((r) => r.declared === undefined).map((r) => r.route)).toEqual([]);
  });

  it('never lets the inference scope open a route outside serving', () => {
    const outside = express();
    mountApi(outside, modules.filter((m) => m.name !== 'serving'));
    const others = routes((outside as unknown as { router: { stack: Layer[] } }).router.stack);
    expect(others.filter((r) => typeof r.declared === 'object' && (r.declared.scope as string) === Scope.INFERENCE)).toEqual([]);
    // Serving's front doors (TF Serving /v1/models, KServe /v2) are opened by it, and by nothing else
    // (its other route is the serve job's file door, opened by the job token).
    const serving = all.filter((r) => r.declared !== 'jobToken' && !others.some((o) => o.route === r.route && o.declared === r.declared));
    expect(serving.length).toBeGreaterThanOrEqual(8);
    expect(serving.filter((r) => typeof r.declared !== 'object' || (r.declared.scope as string) !== Scope.INFERENCE)).toEqual([]);
  });
});
