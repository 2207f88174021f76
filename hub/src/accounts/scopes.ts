import { registerEnumType } from 'type-graphql';

/**
 * What an API key may do. A session (interactive login) may do everything its user may. Which
 * operation needs which scope is declared once, in graphql/operation-access.ts (GraphQL) and on
 * each REST route (http/route-access.ts); docs/security.md has the table.
 */
export enum Scope {
  MODELS_READ = 'models:read',
  MODELS_WRITE = 'models:write',
  DATASETS_READ = 'datasets:read',
  DATASETS_WRITE = 'datasets:write',
  JOBS_READ = 'jobs:read',
  JOBS_WRITE = 'jobs:write',
  NODES_READ = 'nodes:read',
  NODES_MANAGE = 'nodes:manage',
  NOTIFICATIONS = 'notifications',
  /** Accepted by serving's front doors only (TF Serving and KServe routes, the predict mutation); everything else refuses it. */
  INFERENCE = 'inference',
}
registerEnumType(Scope, { name: 'Scope', description: 'Permissions an API key can carry' });

export const ALL_SCOPES = Object.values(Scope);
