/**
 * The SQL surface: parse a statement (statement-parser.ts), resolve the datasets and models it
 * names with the caller's access (a private dataset or model they may not read is NOT_FOUND, as a
 * missing one), rewrite dataset names to their internal tables after that check, and run SELECTs
 * in the sandbox one page at a time: on the sandbox's own login and pool (sandbox.ts), allowed to
 * read exactly the tables of the datasets just checked while the query runs, with the limits of
 * sandbox-runner.ts. When the sandbox could not be set up, every statement answers SQL_UNAVAILABLE.
 *
 * CREATE MODEL and the ML.* statements are parsed, their options checked and their names resolved
 * the same way (for CREATE MODEL also: the caller may write the model, and the label is a column
 * of the SELECT), then handed to the domain that runs them, registered with {@link SqlService.handle}
 * in services.ts: training/ (CREATE MODEL, ML.TRAINING_INFO, ML.TRIAL_INFO) and ml/ (ML.PREDICT,
 * ML.EVALUATE). A kind nobody registered is refused as not available.
 */
import type { DatabaseKind } from '../db/database.js';
import { createHash } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type pg from 'pg';
import type { OrganizationsService } from '../accounts/index.js';
import { hasScope, type Principal } from '../accounts/index.js';
import { Scope } from '../accounts/index.js';
import type { CatalogService } from '../catalog/index.js';
import type { Config } from '../config.js';
import type { DatasetsService } from '../datasets/index.js';
import type { DatasetVersion } from '../datasets/index.js';
import { AppError, badInput, forbidden } from '../errors.js';
import type { Logger } from '../logger.js';
import { lex } from './lexer.js';
import { showRef } from './names.js';
import { rewriteSelect } from './rewrite.js';
import { Sandbox, type SandboxStatus } from './sandbox.js';
import { runSandboxed, runSandboxedJson, type PgError, type SandboxJsonRows, type SandboxLimits, type SandboxPage } from './sandbox-runner.js';
import type { DatasetRead, SelectQuery } from './select-parser.js';
import { SqlError } from './sql-error.js';
import { parseStatement, warmParser, type ModelRef, type SqlStatement, type StatementKind } from './statement-parser.js';
import { SourceText } from './source-text.js';

export const DEFAULT_PAGE = 100;
export const MAX_PAGE = 1000;

/** A dataset version a query reads, resolved. */
export interface ResolvedDataset {
  owner: string;
  name: string;
  datasetId: string;
  versionId: string;
  number: number;
  /** Internal table; never shown to clients. */
  table: string;
}

/** A SELECT ready to run: the SQL over internal tables and the dataset versions it reads. */
export interface ResolvedSelect {
  sql: string;
  datasets: ResolvedDataset[];
}

/** A statement whose names are resolved and access checked: what the training step will run. */
export interface PreparedStatement {
  source: SourceText;
  statement: SqlStatement;
  /** The statement's SELECT (the query, or the inner one), resolved; null for ML.TRAINING_INFO and ML.EVALUATE without a query. */
  select: ResolvedSelect | null;
}

export interface SqlResult extends SandboxPage {
  statement: StatementKind;
  hasNextPage: boolean;
  endCursor: string | null;
  datasets: ResolvedDataset[];
}

/**
 * Runs a statement other than SELECT for the domain that owns it (training: CREATE MODEL and
 * ML.TRAINING_INFO), given the prepared statement and the page asked for; answers that page.
 */
export type StatementHandler = (principal: Principal, prepared: PreparedStatement, page: { offset: number; first: number }) => Promise<SandboxPage>;

export class SqlService {
  private readonly sandbox: Sandbox;
  private readonly handlers = new Map<StatementKind, StatementHandler>();
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** columnsOf's answers, while the resolved SELECT is in use. */
  private readonly columnsKnown = new WeakMap<ResolvedSelect, Promise<{ name: string; type: string }[]>>();
  /** Sandboxed queries running at once on this hub: half the pool, so the rest of the hub keeps connections. */
  private readonly concurrency: number;

  constructor(
    db: DataSource,
    private readonly config: Config,
    private readonly datasets: DatasetsService,
    private readonly catalog: CatalogService,
    private readonly organizations: OrganizationsService,
    /** The hub's own database: its login URL (the sandbox's is derived from it) and kind. */
    database: { url: string; kind: DatabaseKind },
    log: Logger,
  ) {
    this.concurrency = Math.max(1, Math.floor(config.poolSize / 2));
    this.sandbox = new Sandbox(db, database, { operatorUrl: config.sql.databaseUrl, connections: this.concurrency }, log);
  }

  /** Sets the sandbox up (at start, from server.ts); when it cannot be, SQL stays off with the reason. */
  async start(): Promise<void> {
    await this.sandbox.start();
    if (this.sandbox.status().available) warmParser();
  }

  /** Whether SQL runs on this hub, and why not (for /readyz). */
  status(): SandboxStatus {
    return this.sandbox.status();
  }

  close(): Promise<void> {
    return this.sandbox.close();
  }

  /** Registers the domain that runs statements of `kind` (at start, in services.ts). */
  handle(kind: Exclude<StatementKind, 'SELECT'>, handler: StatementHandler): void {
    this.handlers.set(kind, handler);
  }

  /** Parses `query`, resolves every name with the caller's access, and rewrites its SELECT. */
  async prepare(principal: Principal, query: string): Promise<PreparedStatement> {
    if (typeof query !== 'string') throw badInput('query', 'must be a string');
    const { source, statement } = parseStatement(query);
    switch (statement.kind) {
      case 'SELECT':
        return { source, statement, select: await this.resolveSelect(principal, source, statement.query) };
      case 'CREATE_MODEL': {
        const select = await this.resolveSelect(principal, source, statement.query);
        await this.checkModelTarget(principal, source, statement);
        await this.checkTrainingColumns(source, statement, select);
        return { source, statement, select };
      }
      case 'ALTER_MODEL': {
        // The model must exist and be writable by the caller; the retraining module checks it was trained by SQL.
        if (!hasScope(principal, Scope.MODELS_WRITE)) throw forbidden('This API key lacks the models:write scope');
        const { owner, name, offset } = statement.model;
        try {
          await this.catalog.get(principal, owner, name, 'write');
        } catch (error) {
          if (error instanceof AppError) throw new SqlError(error.code, error.code === 'NOT_FOUND' ? `model ${owner}.${name} not found` : error.message, source.position(offset));
          throw error;
        }
        return { source, statement, select: null };
      }
      case 'ML_PREDICT':
      case 'ML_EVALUATE':
      case 'ML_TRAINING_INFO':
      case 'ML_TRIAL_INFO': {
        if (statement.kind === 'ML_TRIAL_INFO') {
          // Like ML.TRAINING_INFO: readable while the model's first tuning runs (no version yet).
          await this.resolveModel(principal, source, statement.model, true);
          return { source, statement, select: null };
        }
        await this.resolveModel(principal, source, statement.model, statement.kind === 'ML_TRAINING_INFO');
        const input = statement.kind === 'ML_TRAINING_INFO' ? null : statement.input;
        return { source, statement, select: input ? await this.resolveSelect(principal, source, input) : null };
      }
    }
  }

  /** Runs a statement and returns one page of its rows (`first` rows after the cursor `after`). */
  async run(principal: Principal, query: string, page: { first?: number | null; after?: string | null } = {}): Promise<SqlResult> {
    if (!hasScope(principal, Scope.DATASETS_READ)) throw forbidden('This API key lacks the datasets:read scope');
    this.sandbox.assertAvailable();
    const first = page.first ?? DEFAULT_PAGE;
    if (!Number.isInteger(first) || first < 1 || first > MAX_PAGE) throw badInput('first', `must be between 1 and ${MAX_PAGE}`);
    const queryKey = createHash('sha256').update(String(query)).digest('base64url').slice(0, 16);
    const offset = page.after ? decodeCursor(page.after, queryKey) : 0;

    const prepared = await this.prepare(principal, query);
    const { source, statement, select } = prepared;
    const handler = statement.kind === 'SELECT' ? undefined : this.handlers.get(statement.kind);
    if (handler) {
      // CREATE MODEL starts a job: its one row is never paged (a cursor would start another).
      if (statement.kind === 'CREATE_MODEL' && page.after) throw badInput('after', 'CREATE MODEL answers one row: there is no next page');
      const result = await handler(principal, prepared, { offset, first });
      const end = offset + result.rows.length;
      const hasNextPage = end < result.totalCount;
      return { statement: statement.kind, ...result, hasNextPage, endCursor: hasNextPage ? encodeCursor(end, queryKey) : null, datasets: uniqueDatasets(select?.datasets ?? []) };
    }
    if (statement.kind !== 'SELECT' || !select) throw notAvailable(source, statement);

    const limits = this.limits(this.config.sql.maxRows);
    if (offset > limits.maxRows) throw badInput('after', 'is not a cursor of this query');
    const result = await this.runSelect(select, select.sql, { offset, first }, limits, source);
    if (!page.after) for (const datasetId of new Set(select.datasets.map((d) => d.datasetId))) await this.datasets.recordUsage(datasetId);
    const end = offset + result.rows.length;
    const hasNextPage = end < result.totalCount;
    return {
      statement: 'SELECT',
      ...result,
      hasNextPage,
      endCursor: hasNextPage ? encodeCursor(end, queryKey) : null,
      datasets: uniqueDatasets(select.datasets),
    };
  }

  /** Resolves the datasets a SELECT reads (access checked) and rewrites it over their tables. */
  private async resolveSelect(principal: Principal, source: SourceText, query: SelectQuery): Promise<ResolvedSelect> {
    const resolved = new Map<DatasetRead, { version: DatasetVersion; dataset: ResolvedDataset }>();
    const byName = new Map<string, { version: DatasetVersion; dataset: ResolvedDataset }>();
    for (const read of query.datasets) {
      const at = read.offset === null ? null : source.position(read.offset);
      if (read.version && 'alias' in read.version) {
        throw new SqlError('BAD_USER_INPUT', `datasets have version numbers, not aliases: write ${read.owner}.${read.name}@3`, at);
      }
      const number = read.version ? read.version.number : null;
      const key = `${read.owner.toLowerCase()}/${read.name.toLowerCase()}@${number ?? 'latest'}`;
      let found = byName.get(key);
      if (!found) {
        let version: DatasetVersion;
        try {
          version = await this.datasets.version(principal, read.owner, read.name, number);
        } catch (error) {
          if (error instanceof AppError && error.code === 'NOT_FOUND') {
            const what = error.message.startsWith('Dataset version') ? `dataset ${read.owner}.${read.name} has no version ${number}` : `dataset ${read.owner}.${read.name} not found`;
            throw new SqlError('NOT_FOUND', what, at);
          }
          throw error;
        }
        if (version.status !== 'ready') throw new SqlError('BAD_USER_INPUT', `dataset ${showRef({ ...read, version: { number: version.number } })} is not ready`, at);
        const dataset = await this.datasets.byId(version.datasetId);
        found = {
          version,
          dataset: {
            owner: read.owner,
            name: dataset?.name ?? read.name,
            datasetId: version.datasetId,
            versionId: version.id,
            number: version.number,
            table: version.tableName,
          },
        };
        byName.set(key, found);
      }
      resolved.set(read, found);
    }
    const sql = rewriteSelect(query, (read) => {
      const { version } = resolved.get(read)!;
      return { table: version.tableName, columns: version.columns.map((c) => c.name) };
    }, this.config.sql.maxResultBytes);
    return { sql, datasets: [...byName.values()].map((v) => v.dataset) };
  }

  /** The model ML.* reads: it must exist and be readable (NOT_FOUND otherwise). */
  private async resolveModel(principal: Principal, source: SourceText, ref: ModelRef, versionless = false): Promise<void> {
    if (!hasScope(principal, Scope.MODELS_READ)) throw forbidden('This API key lacks the models:read scope');
    try {
      // ML.TRAINING_INFO of a model whose first training still runs: it has no version yet.
      if (versionless && ref.version === null) await this.catalog.get(principal, ref.owner, ref.name);
      else await this.catalog.version(principal, ref.owner, ref.name, ref.version);
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') {
        const what = error.message.startsWith('Model version') ? `model ${showRef(ref)} has no such version` : `model ${ref.owner}.${ref.name} not found`;
        throw new SqlError('NOT_FOUND', what, source.position(ref.offset));
      }
      throw error;
    }
  }

  /** CREATE MODEL: the caller must be able to write the model (or create one for that owner). */
  private async checkModelTarget(principal: Principal, source: SourceText, statement: Extract<SqlStatement, { kind: 'CREATE_MODEL' }>): Promise<void> {
    if (!hasScope(principal, Scope.MODELS_WRITE)) throw forbidden('This API key lacks the models:write scope');
    const { owner, name, offset } = statement.model;
    const at = source.position(offset);
    let exists = true;
    try {
      await this.catalog.byOwnerAndName(owner, name);
    } catch (error) {
      if (!(error instanceof AppError && error.code === 'NOT_FOUND')) throw error;
      exists = false;
    }
    try {
      if (exists) {
        await this.catalog.get(principal, owner, name, 'write');
        if (!statement.replace && !statement.ifNotExists) {
          throw new SqlError('CONFLICT', `model ${owner}.${name} already exists: write CREATE OR REPLACE MODEL to train a new version of it`, at);
        }
      } else await this.organizations.ownerForNew(principal, owner, 'models');
    } catch (error) {
      if (error instanceof AppError && !(error instanceof SqlError)) {
        throw new SqlError(error.code, error.code === 'NOT_FOUND' ? `model ${owner}.${name} not found` : error.message, at);
      }
      throw error;
    }
  }

  /**
   * The columns a resolved SELECT returns (it is planned and started, but no row is read). Asked
   * once per resolved SELECT: it reads fixed dataset versions, so the answer cannot change, and
   * CREATE MODEL asks twice (the statement's check here, then the training plan).
   */
  async columnsOf(source: SourceText, select: ResolvedSelect): Promise<{ name: string; type: string }[]> {
    let columns = this.columnsKnown.get(select);
    if (!columns) {
      columns = this.runSelect(select, select.sql, { offset: 0, first: 0 }, this.limits(this.config.sql.maxRows), source).then((page) => page.columns);
      this.columnsKnown.set(select, columns);
      columns.catch(() => this.columnsKnown.delete(select));
    }
    return (await columns).map((c) => ({ ...c }));
  }

  /**
   * Runs `wrap(select.sql)` in the sandbox, as runSql runs a SELECT, and answers at most `first`
   * rows (more than `maxRows` is refused). For other domains: training counts the rows and labels
   * of a CREATE MODEL query, and reads its rows for the agent in chunks. `wrap` must use the SQL
   * only as a subquery; errors are located in `source` when given.
   */
  async runWrapped(select: ResolvedSelect, wrap: (sql: string) => string, options: { first: number; maxRows: number; source?: SourceText }): Promise<SandboxPage> {
    return this.runSelect(select, wrap(select.sql), { offset: 0, first: options.first }, this.limits(options.maxRows), options.source ?? new SourceText(''));
  }

  /**
   * Like runWrapped for the first `first` rows, with the rows as PostgreSQL wrote them in JSON (the
   * same values, sql-values.ts): for an agent's training rows, sent on without being parsed here.
   */
  async runWrappedJson(select: ResolvedSelect, wrap: (sql: string) => string, first: number): Promise<SandboxJsonRows> {
    const limits = this.limits(first);
    return this.sandboxed(select, limits, new SourceText(''), (client, explain) => runSandboxedJson(client, wrap(select.sql), first, limits, explain));
  }

  private limits(maxRows: number): SandboxLimits {
    const { timeoutMs, maxCost, maxResultBytes } = this.config.sql;
    return { timeoutMs, maxRows, maxCost, maxBytes: maxResultBytes };
  }

  /** Runs `sql` (built around `select`) on a sandbox connection that may read the select's dataset tables while it runs. */
  private runSelect(select: ResolvedSelect, sql: string, page: { offset: number; first: number }, limits: SandboxLimits, source: SourceText): Promise<SandboxPage> {
    return this.sandboxed(select, limits, source, (client, explain) => runSandboxed(client, sql, page, limits, explain));
  }

  /** `work` on a sandbox connection that may read the select's dataset tables while it runs, its errors explained against `source`. */
  private sandboxed<T>(select: ResolvedSelect, limits: SandboxLimits, source: SourceText, work: (client: pg.ClientBase, explain: (error: PgError) => Error) => Promise<T>): Promise<T> {
    const names = new Map(select.datasets.map((d) => [d.table, `${d.owner}.${d.name}@${d.number}`]));
    const explain = (error: PgError) => explainError(source, error, names, limits.timeoutMs);
    return this.limited(() => this.sandbox.run(select.datasets.map((d) => d.table), (client) => work(client, explain)));
  }

  /** CREATE MODEL: the label (and a split column) must be columns of the SELECT, named once. */
  private async checkTrainingColumns(source: SourceText, statement: Extract<SqlStatement, { kind: 'CREATE_MODEL' }>, select: ResolvedSelect): Promise<void> {
    const columns = (await this.columnsOf(source, select)).map((c) => c.name);
    const shown = columns.length > 20 ? `${columns.slice(0, 20).join(', ')}, …` : columns.join(', ');
    const need = (column: string, option: string, fallback: number) => {
      const at = source.position(statement.optionOffsets[option] ?? fallback);
      const count = columns.filter((c) => c === column).length;
      if (count === 0) throw new SqlError('BAD_USER_INPUT', `${option}: column "${column}" is not in the SELECT (its columns: ${shown})`, at);
      if (count > 1) throw new SqlError('BAD_USER_INPUT', `${option}: the SELECT has ${count} columns named "${column}": rename them`, at);
    };
    const label = statement.options.inputLabelCols?.[0] ?? 'label';
    need(label, 'input_label_cols', statement.query.start);
    if (statement.options.dataSplitCol) need(statement.options.dataSplitCol, 'data_split_col', statement.query.start);
    if (columns.length < 2) throw new SqlError('BAD_USER_INPUT', 'the SELECT needs at least one feature column besides the label', source.position(statement.query.start));
  }

  /** At most {@link concurrency} sandboxed queries at once; the others wait their turn. */
  private async limited<T>(work: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) await new Promise<void>((resolve) => this.waiting.push(resolve));
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      this.waiting.shift()?.();
    }
  }
}

function uniqueDatasets(datasets: ResolvedDataset[]): ResolvedDataset[] {
  return [...new Map(datasets.map((d) => [d.versionId, d])).values()];
}

function encodeCursor(offset: number, queryKey: string): string {
  return Buffer.from(JSON.stringify({ o: offset, q: queryKey })).toString('base64url');
}

function decodeCursor(after: string, queryKey: string): number {
  try {
    const value = JSON.parse(Buffer.from(after, 'base64url').toString('utf8'));
    if (value && value.q === queryKey && Number.isSafeInteger(value.o) && value.o > 0) return value.o;
  } catch {
    // fall through
  }
  throw badInput('after', 'is not a cursor of this query');
}

const NOT_AVAILABLE: Record<Exclude<StatementKind, 'SELECT'>, string> = {
  CREATE_MODEL: 'CREATE MODEL is valid, but training by SQL is not available on this hub yet',
  ML_PREDICT: 'ML.PREDICT is valid, but prediction by SQL is not available on this hub yet',
  ML_EVALUATE: 'ML.EVALUATE is valid, but evaluation by SQL is not available on this hub yet',
  ML_TRAINING_INFO: 'ML.TRAINING_INFO is valid, but training by SQL is not available on this hub yet',
  ML_TRIAL_INFO: 'ML.TRIAL_INFO is valid, but hyperparameter tuning is not available on this hub yet',
  ALTER_MODEL: 'ALTER MODEL is valid, but retraining is not available on this hub',
};

function notAvailable(source: SourceText, statement: SqlStatement): SqlError {
  const kind = statement.kind as Exclude<StatementKind, 'SELECT'>;
  return new SqlError('BAD_USER_INPUT', NOT_AVAILABLE[kind], source.position(0), { statement: kind, reason: 'NOT_AVAILABLE' });
}

/** Error classes caused by what the query says (https://www.postgresql.org/docs/current/errcodes-appendix.html). */
const USER_CLASSES = new Set(['0A', '21', '22', '23', '2F', '38', '39', '42', '44', '54', '55']);

/**
 * A PostgreSQL error from the user's query, in the user's terms: internal table names replaced
 * by the dataset names, located at the first name or literal the message quotes.
 */
function explainError(source: SourceText, error: PgError, tables: Map<string, string>, timeoutMs: number): Error {
  const code = error.code ?? '';
  const at = (offset: number | null) => (offset === null ? null : source.position(offset));
  if (code === '57014') {
    return new SqlError('BAD_USER_INPUT', `the query ran longer than ${timeoutMs} ms (the limit, AIMASS_SQL_TIMEOUT_MS) and was stopped`, null);
  }
  if (code === '25006') return new SqlError('BAD_USER_INPUT', 'the query tried to write: the sandbox only reads', null);
  if (code === '42501') return new SqlError('BAD_USER_INPUT', 'the query reads something it may not (only datasets are readable)', null);
  if (code.startsWith('53')) return new SqlError('BAD_USER_INPUT', 'the query needs more memory or temporary space than the server allows', null);
  if (!USER_CLASSES.has(code.slice(0, 2))) return error as Error;
  let message = error.message;
  for (const [table, name] of tables) {
    message = message.split(table).join(name).split(table.replace(/^datasets\./, '')).join(name);
  }
  message = message.replace(/aimass_(query|page|total)/g, 'query');
  const quoted = /"([^"]+)"/.exec(message)?.[1] ?? null;
  return new SqlError('BAD_USER_INPUT', message, at(quoted === null ? null : locate(source, quoted)));
}

/** The first name or string literal in the query equal to `text`. */
function locate(source: SourceText, text: string): number | null {
  try {
    const hit = lex(source).find((t) => ((t.kind === 'ident' || t.kind === 'quoted' || t.kind === 'string') && t.value === text) || (t.kind === 'ident' && t.value === text.toLowerCase()));
    return hit?.start ?? null;
  } catch {
    return null;
  }
}
