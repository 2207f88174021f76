/** The SQL module: sandboxed SELECTs over datasets, and the statements other modules answer (sqlStatements). */
import type { AccountsServices } from '../accounts/index.js';
import type { CatalogServices } from '../catalog/index.js';
import type { DatasetsServices } from '../datasets/index.js';
import type { DatabaseKind } from '../db/database.js';
import type { HubFloor, HubModule } from '../module.js';
import { SqlResolver } from './sql.resolver.js';
import { sqlRouter } from './sql.routes.js';
import { SqlService } from './sql.service.js';

/** Its GraphQL resolvers (static: `npm run schema` prints the SDL without a hub). */
export const sqlResolvers = [SqlResolver] as const;

export interface SqlServices {
  /** The SQL surface: sandboxed SELECTs over datasets; other statements go to their modules' handlers. */
  sql: SqlService;
}

export function sqlModule(
  { db, config, log }: HubFloor,
  /** The hub's database login URL and kind (the SQL sandbox logs in beside it). */
  database: { url: string; kind: DatabaseKind },
  { accounts, organizations }: Pick<AccountsServices, 'accounts' | 'organizations'>,
  { datasets }: Pick<DatasetsServices, 'datasets'>,
  { catalog }: Pick<CatalogServices, 'catalog'>,
): HubModule<SqlServices> {
  const sql = new SqlService(db, config, datasets, catalog, organizations, database, log.child({ component: 'sql' }));
  return {
    name: 'sql',
    services: { sql },
    resolvers: sqlResolvers,
    routes: [{ path: '/sql', router: sqlRouter({ accounts, config, sql }) }],
    // The sandbox's own login and pool; without them SQL is off (the reason is logged and on /readyz), the rest of the hub runs.
    start: () => sql.start(),
    close: () => sql.close(),
  };
}
