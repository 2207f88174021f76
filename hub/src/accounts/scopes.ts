import { registerEnumType } from 'type-graphql';

/** What an API key may do. A session (interactive login) may do everything its user may. */
export enum Scope {
  MODELS_READ = 'models:read',
  MODELS_WRITE = 'models:write',
  DATASETS_READ = 'datasets:read',
  DATASETS_WRITE = 'datasets:write',
  INFERENCE = 'inference',
  NODES_MANAGE = 'nodes:manage',
}
registerEnumType(Scope, { name: 'Scope', description: 'Permissions an API key can carry' });

export const ALL_SCOPES = Object.values(Scope);
