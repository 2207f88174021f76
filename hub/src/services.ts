/**
 * The hub's services, built once at start and handed to resolvers (through the GraphQL
 * context), REST routes and the agent gateway. Each domain adds its own here.
 */
import type { DataSource } from 'typeorm';
import { AccessService } from './accounts/access.js';
import { AccountsService } from './accounts/accounts.service.js';
import { ApiKeysService } from './accounts/api-keys.service.js';
import { LoginLimiter } from './accounts/login-limiter.js';
import { NodeTokensService } from './accounts/node-tokens.service.js';
import { OrganizationsService } from './accounts/organizations.service.js';
import type { Config } from './config.js';
import type { EventBus } from './pubsub.js';

export interface Services {
  config: Config;
  events: EventBus;
  accounts: AccountsService;
  loginLimiter: LoginLimiter;
  apiKeys: ApiKeysService;
  nodeTokens: NodeTokensService;
  organizations: OrganizationsService;
  access: AccessService;
  /** Whether a node is connected right now; the agent gateway provides it. */
  isNodeConnected(nodeTokenId: string): boolean;
}

export function createServices(db: DataSource, config: Config, events: EventBus): Services {
  const loginLimiter = new LoginLimiter(db, config.login);
  const accounts = new AccountsService(db, config, loginLimiter);
  return {
    config,
    events,
    accounts,
    loginLimiter,
    apiKeys: new ApiKeysService(db, events),
    nodeTokens: new NodeTokensService(db, events),
    organizations: new OrganizationsService(db, accounts, events),
    access: new AccessService(db),
    isNodeConnected: () => false,
  };
}
