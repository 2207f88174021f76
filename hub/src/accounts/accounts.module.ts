/** The accounts module: users, sessions, organizations, API keys, node tokens. */
import type { HubFloor, HubModule } from '../module.js';
import { AccessService } from '../access/index.js';
import { AccountEventsResolver } from './account-events.resolver.js';
import { AccountsService } from './accounts.service.js';
import { ApiKeyResolver } from './api-key.resolver.js';
import { ApiKeysService } from './api-keys.service.js';
import { AuthResolver } from './auth.resolver.js';
import { LoginLimiter } from './login-limiter.js';
import { NodeTokenResolver } from './node-token.resolver.js';
import { NodeTokensService } from './node-tokens.service.js';
import { MembershipResolver, OrganizationResolver } from './organization.resolver.js';
import { OrganizationsService } from './organizations.service.js';
import { SignupLimiter } from './signup-limiter.js';
import { UserResolver } from './user.resolver.js';

/** Its GraphQL resolvers (static: `npm run schema` prints the SDL without a hub). */
export const accountsResolvers = [AuthResolver, UserResolver, ApiKeyResolver, NodeTokenResolver, OrganizationResolver, MembershipResolver, AccountEventsResolver] as const;

export interface AccountsServices {
  accounts: AccountsService;
  loginLimiter: LoginLimiter;
  signupLimiter: SignupLimiter;
  apiKeys: ApiKeysService;
  nodeTokens: NodeTokensService;
  organizations: OrganizationsService;
  access: AccessService;
}

export function accountsModule({ db, config, events, signals }: HubFloor): HubModule<AccountsServices> {
  const loginLimiter = new LoginLimiter(db, config.login);
  const signupLimiter = new SignupLimiter(db, config.signUp);
  const accounts = new AccountsService(db, config, loginLimiter, signals, signupLimiter);
  return {
    name: 'accounts',
    services: {
      accounts,
      loginLimiter,
      signupLimiter,
      apiKeys: new ApiKeysService(db, events, signals),
      nodeTokens: new NodeTokensService(db, events, signals),
      organizations: new OrganizationsService(db, accounts, events),
      access: new AccessService(db),
    },
    resolvers: accountsResolvers,
    // Expired sessions, old login and sign-up attempts.
    async housekeeping() {
      await accounts.sweepSessions();
      await loginLimiter.sweep();
      await signupLimiter.sweep();
    },
  };
}
