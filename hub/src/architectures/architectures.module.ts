/** The architectures module: saved model specs (the model editor) and spec validation. */
import type { AccountsServices } from '../accounts/index.js';
import type { HubFloor, HubModule } from '../module.js';
import { ArchitectureResolver } from './architecture.resolver.js';
import { ArchitecturesService } from './architectures.service.js';
import { ModelSpecValidator } from './model-spec-validator.js';
import { WorkerTfConfirmer } from './tf-confirmer.js';

/** Its GraphQL resolvers (static: `npm run schema` prints the SDL without a hub). */
export const architecturesResolvers = [ArchitectureResolver] as const;

export interface ArchitecturesServices {
  /** Saved model specs (the model editor) and spec validation. */
  architectures: ArchitecturesService;
}

export function architecturesModule(
  { db, config, log }: HubFloor,
  { access, organizations }: Pick<AccountsServices, 'access' | 'organizations'>,
): HubModule<ArchitecturesServices> {
  const validator = new ModelSpecValidator({ maxParams: config.modelSpecMaxParams }, new WorkerTfConfirmer(), log.child({ component: 'architectures' }));
  return {
    name: 'architectures',
    services: { architectures: new ArchitecturesService(db, access, organizations, validator) },
    resolvers: architecturesResolvers,
  };
}
