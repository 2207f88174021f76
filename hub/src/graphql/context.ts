/**
 * The per-operation GraphQL context, built the same way for HTTP requests and graphql-ws
 * connections: who is calling (from `Authorization: Bearer …` or the connection's
 * `authorization` param), request-scoped logger and DataLoaders, and the services.
 */
import DataLoader from 'dataloader';
import type { Principal } from '../accounts/principal.js';
import { AppError } from '../errors.js';
import { bearerToken } from '../http/bearer-token.js';
import type { Logger } from '../logger.js';
import type { Services } from '../module.js';

/** What a batch loader of the services bag answers per key (so this file names no domain's entities). */
type Loaded<F> = F extends (keys: readonly string[]) => Promise<Map<string, infer V>> ? V : F extends (keys: readonly string[]) => Promise<(infer R)[]> ? R : never;
type User = Loaded<Services['accounts']['usersByIds']>;
type Organization = Loaded<Services['organizations']['byIds']>;
type ModelVersion = Loaded<Services['catalog']['latestPublishedVersions']>;

export interface Context {
  requestId: string;
  log: Logger;
  client: { ip: string; userAgent?: string };
  principal: Principal | null;
  /** Why the credential the client sent was refused; thrown when an operation needs a principal. */
  authError: AppError | null;
  services: Services;
  loaders: {
    user: DataLoader<string, User | null>;
    organization: DataLoader<string, Organization | null>;
    /** By owner id (a user or an organization): its handle. */
    ownerHandle: DataLoader<string, string | null>;
    /** By model id: the newest published version (Model.latestVersion). */
    latestModelVersion: DataLoader<string, ModelVersion | null>;
    /** By model id: all versions, newest first. */
    modelVersions: DataLoader<string, ModelVersion[]>;
    /** By model id: aliases and the version numbers they point at. */
    modelAliases: DataLoader<string, { alias: string; number: number }[]>;
  };
}

export async function buildContext(
  services: Services,
  init: { requestId: string; log: Logger; client: Context['client']; authorization: unknown },
): Promise<Context> {
  let principal: Principal | null = null;
  let authError: AppError | null = null;
  const token = bearerToken(init.authorization);
  if (init.authorization !== undefined && init.authorization !== '' && !token) {
    authError = new AppError('UNAUTHENTICATED', 'Authorization must be "Bearer <token>"');
  } else if (token) {
    try {
      principal = await services.accounts.authenticate(token);
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      authError = error;
    }
  }
  const byId = <T extends { id: string }>(load: (ids: readonly string[]) => Promise<T[]>) =>
    new DataLoader<string, T | null>(async (ids) => {
      const rows = new Map((await load(ids)).map((row) => [row.id, row]));
      return ids.map((id) => rows.get(id) ?? null);
    });
  /** A loader over a batch function that answers with a map by key; `missing` for keys it lacks. */
  const byKey = <V>(load: (keys: readonly string[]) => Promise<Map<string, V>>, missing: V) =>
    new DataLoader<string, V>(async (keys) => {
      const found = await load(keys);
      return keys.map((key) => found.get(key) ?? missing);
    });
  return {
    ...init,
    principal,
    authError,
    services,
    loaders: {
      user: byId((ids) => services.accounts.usersByIds(ids)),
      organization: byId((ids) => services.organizations.byIds(ids)),
      ownerHandle: byKey((ids) => services.organizations.ownerHandles(ids), null),
      latestModelVersion: byKey((ids) => services.catalog.latestPublishedVersions(ids), null),
      modelVersions: byKey((ids) => services.catalog.versionsOfModels(ids), []),
      modelAliases: byKey((ids) => services.catalog.aliasesOfModels(ids), []),
    },
  };
}
