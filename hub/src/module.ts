/**
 * The contract between the hub's wiring (services.ts, server.ts) and its domains. Each domain's
 * index.ts exports one factory that builds its HubModule from what it needs (its database, config,
 * and the services of the modules it uses); services.ts lists the modules in the order they are
 * built, server.ts starts, sweeps and closes them. See docs/hub-modules.md.
 *
 * This file names no domain. A domain adds its services to `Services` (and sql/ and compute/ add
 * their contribution fields to `HubModule`) by declaration merging in its own index.ts:
 *
 *   declare module '../module.js' { interface Services extends TrainingServices {} }
 */
import type { Router } from 'express';
import type { DataSource } from 'typeorm';
import type { Config } from './config.js';
import type { Signals } from './db/signals.js';
import type { HubChannel } from './events/hub-channel.js';
import type { Logger } from './logger.js';
import type { Metrics } from './metrics.js';
import type { EventBus } from './pubsub.js';

/** What every module factory gets: the hub's ground floor. */
export interface HubFloor {
  db: DataSource;
  config: Config;
  events: EventBus;
  signals: Signals;
  /** The channel between the hubs on one database (signals and events ride it too): for messages addressed to one hub. */
  channel: HubChannel;
  metrics: Metrics;
  log: Logger;
}

/**
 * Every service of every module, by name: what resolvers reach through Context.services. Each
 * domain's index.ts adds its own. Routes and other modules get only the services they use.
 */
export interface Services {
  config: Config;
  events: EventBus;
  signals: Signals;
}

/** A REST router mounted under /api (or at the root, for protocols whose paths are fixed by others). */
export interface HubRoute {
  /** Under /api, e.g. "/datasets"; with `root`, from the root, e.g. "/v1/models". */
  path: string;
  /** Mounted at `path` itself, not under /api: TF Serving's /v1/… and KServe's /v2/… paths. */
  root?: boolean;
  router: Router;
  /** Opened by an agent's job token only (http/route-access.ts jobTokenOnly). */
  jobTokenOnly?: boolean;
  /** Answered requests log their access line at debug, not info (http/request-context.ts): routes machines call at high rates. */
  quietAccessLog?: boolean;
}

/** A type-graphql resolver class. */
export type ResolverClass = Function;

export interface HubModule<S extends object = object> {
  /** The domain folder's name. */
  readonly name: string;
  /** The services it offers, each under its own name in `Services`. */
  readonly services: S;
  /** Its GraphQL resolver classes (graphql/schema.ts builds the schema from every module's). */
  readonly resolvers?: readonly ResolverClass[];
  /** Its REST routes. */
  readonly routes?: readonly HubRoute[];
  /** Starts its loops and pools (before the hub listens; modules start in the order they were built). */
  start?(): Promise<void> | void;
  /** Stops its loops, before the hub closes its doors (in the reverse order). */
  stop?(): Promise<void> | void;
  /** Releases what it holds (pools), after the last request ended (in the reverse order). */
  close?(): Promise<void> | void;
  /** Sweeps what it leaves behind (every ten minutes; a failure is logged, the others still run). */
  housekeeping?(): Promise<void>;
}
