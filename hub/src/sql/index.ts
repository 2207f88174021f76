/** The SQL surface: what other domains (training, next) may use. */
export { parseStatement, type ModelName, type ModelRef, type ParsedStatement, type SqlStatement, type StatementKind } from './statement-parser.js';
export type { ModelOptions, ModelType, Tunable, Activation, Optimizer, DataSplitMethod, RetrainSetting, PromotionOptions, AlterOptions } from './model-options.js';
export { parseRetrain, cronProblem } from './model-options.js';
export { createModelParts, pinnedSelect, type CreateModelParts, type NamedDataset } from './create-model-parts.js';
export type { SelectQuery, DatasetRead } from './select-parser.js';
export { SqlError, type SqlProblem } from './sql-error.js';
export { SqlService, type PreparedStatement, type ResolvedDataset, type ResolvedSelect, type StatementHandler } from './sql.service.js';
export { SqlResult } from './sql.types.js';
export { sqlModule, sqlResolvers, type SqlServices } from './sql.module.js';

import type { SqlServices } from './sql.module.js';
import type { StatementHandler } from './sql.service.js';
import type { StatementKind } from './statement-parser.js';
declare module '../module.js' {
  // Declaration merging (module.ts): this module's services, and the statements a module answers.
  interface Services extends SqlServices {}
  interface HubModule<S extends object = object> {
    /** The SQL statements it answers (SqlService.handle), by kind; SELECT is the sql module's own. */
    readonly sqlStatements?: { readonly [K in Exclude<StatementKind, 'SELECT'>]?: StatementHandler };
  }
}
