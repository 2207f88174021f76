/** The SQL surface: what other domains (training, next) may use. */
export { parseStatement, type ModelName, type ModelRef, type ParsedStatement, type SqlStatement, type StatementKind } from './statement-parser.js';
export type { ModelOptions, ModelType, Tunable, Activation, Optimizer, DataSplitMethod } from './model-options.js';
export type { SelectQuery, DatasetRead } from './select-parser.js';
export { SqlError, type SqlProblem } from './sql-error.js';
export { SqlService, type PreparedStatement, type ResolvedDataset, type ResolvedSelect, type StatementHandler } from './sql.service.js';
export { SqlResult } from './sql.types.js';
