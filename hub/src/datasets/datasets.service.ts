/**
 * Datasets and their versions: create, update, read (with per-row access), list, upload a new
 * version (spool → sniff → infer → load → profile, in one transaction), and preview rows.
 *
 * Access: `AccessService.require(…, 'Dataset')` on every row; a private dataset the caller may not
 * read is NOT_FOUND everywhere (GraphQL and the upload URL). Organization members may write.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Readable } from 'node:stream';
import type { DataSource, QueryRunner } from 'typeorm';
import type { Permission } from '../access/index.js';
import type { OrganizationsService, Owner } from '../accounts/index.js';
import { hasScope, type Principal } from '../accounts/index.js';
import { Scope } from '../accounts/index.js';
import { checks } from '../validation/checks.js';
import type { Config } from '../config.js';
import { isUniqueViolation } from '../db/unique-violation.js';
import { AppError, conflict, forbidden, notFound, QuotaExceededError } from '../errors.js';
import { lockOwnerQuota } from '../db/quota-lock.js';
import { datasetBytesOf } from './dataset-storage.js';
import type { Queryable } from '../db/rows.js';
import type { Page, PageArgs } from '../db/paging.js';
import { DatasetVersion, SQL_TYPES, type DatasetColumn } from './dataset-version.entity.js';
import { protectDatasetTable } from './sandbox-read-policy.js';
import { Dataset, DatasetVisibility } from './dataset.entity.js';
import { bodyFault, ingest, type IngestOptions } from './ingest/ingest.js';
import { parseUploadOptions, type UploadQuery } from './ingest/upload-options.js';
import { ReadAgainWhole, startSpool, TooLargeError, type SpoolFile, type SpoolHead, type Spooled, type SpoolRoom } from './ingest/spool.js';
import { anova, type AnovaResult } from './anova.js';
import { emptyPage, filterText } from '../db/keyset-search.js';
import { searchDatasets, type DatasetSearch } from './search.js';
import { computeProfile } from './profile.js';
import { queryRows, type RowsArgs, type RowsPage } from './rows-query.js';
import type { ResourceSharing } from '../sharing/index.js';
import { NotificationKind, SubjectKind, type NotificationFanOut } from '../notifications/index.js';
import type { Metrics } from '../metrics.js';

export interface DatasetInput {
  owner?: string | null;
  name: string;
  description?: string | null;
  license?: string | null;
  tags?: string[] | null;
  visibility?: DatasetVisibility | null;
}

export type DatasetPatch = Omit<Partial<DatasetInput>, 'owner' | 'name'>;

/**
 * A body that comes at this pace or faster is received whole before it is loaded (see upload): about
 * one and a half times the pace the hub loads a typical CSV at on one core (~40 MB/s).
 */
const FAST_BODY_BYTES_PER_SECOND = 60_000_000;

export class DatasetsService {
  constructor(
    private readonly db: DataSource,
    private readonly config: Config,
    private readonly backend: 'postgres' | 'pglite',
    private readonly organizations: OrganizationsService,
    /** Collaborators and stars of datasets (sharing/, built with DATASET_SHARING). */
    private readonly sharing: ResourceSharing,
    /** Tells the dataset's subscribers of each new version, in the upload's transaction. */
    private readonly notifications: NotificationFanOut,
    private readonly metrics: Pick<Metrics, 'datasetUploadsReadAgain'>,
  ) {}

  /** Uploads loading their body as it arrives, now (see upload). */
  private following = 0;

  private get repo() {
    return this.db.getRepository(Dataset);
  }

  /** A user or organization handle → its id; unknown handles are NOT_FOUND like the dataset would be. */
  ownerByHandle(handle: string, what = 'Dataset'): Promise<Owner> {
    return this.organizations.ownerByHandle(handle, what);
  }

  private validate(input: DatasetPatch & { name?: string }): void {
    const c = checks().listing(input);
    c.throwIfAny();
  }

  async create(principal: Principal, input: DatasetInput): Promise<Dataset> {
    const tags = input.tags?.map((t) => t.trim().toLowerCase());
    this.validate({ ...input, tags });
    const owner = await this.organizations.ownerForNew(principal, input.owner, 'datasets');
    try {
      return await this.repo.save(
        this.repo.create({
          ownerId: owner.id,
          name: input.name,
          description: input.description ?? '',
          license: input.license ?? '',
          tags: [...new Set(tags ?? [])],
          visibility: input.visibility ?? DatasetVisibility.PUBLIC,
          createdBy: principal.user.id,
        }),
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`${owner.handle} already has a dataset named ${input.name}`, 'name');
      throw error;
    }
  }

  /**
   * A new dataset whose version 1 the hub fills from tables it already holds (a benchmark's dev
   * split), inside the caller's transaction `qr`: the dataset row, the typed table (with the SQL
   * sandbox's read policy, like an upload's), its rows, its profile and the version row, so
   * preview, profile, export and SQL treat it like any upload. `fill` gets the new table's name and
   * must insert `_row` (1, 2, … in order) and every column. Its ingest report has an upload's
   * shape (no bytes: a derived version counts for no storage quota) with `derivedFrom`.
   * The caller has checked the owner and that the name is free (a clash is a unique violation).
   */
  async createDerived(
    qr: QueryRunner,
    createdBy: string,
    ownerId: string,
    listing: { name: string; description: string; tags: string[]; visibility: DatasetVisibility },
    columns: DatasetColumn[],
    fill: (table: string) => Promise<void>,
    /** Where the rows came from, for the ingest report (`derivedFrom`), e.g. "alice/iris@2, benchmark alice/iris-bench". */
    derivedFrom: string,
  ): Promise<{ dataset: Dataset; version: DatasetVersion }> {
    const datasets = qr.manager.getRepository(Dataset);
    const dataset = await datasets.save(datasets.create({ ownerId, ...listing, license: '', createdBy }));
    const id = randomUUID();
    // Generated, never from user input.
    const table = `datasets.v_${id.replace(/-/g, '')}`;
    await qr.query(`CREATE TABLE ${table} (_row bigint NOT NULL, ${columns.map((c) => `"${c.name}" ${SQL_TYPES[c.type]}`).join(', ')})`);
    await protectDatasetTable(qr, table);
    await fill(table);
    await qr.query(`ALTER TABLE ${table} ADD PRIMARY KEY (_row)`);
    const [{ count }] = await qr.query(`SELECT count(*)::int AS count FROM ${table}`);
    const rows = Number(count);
    const profile = await computeProfile(qr, table, columns, { sampleRows: this.config.datasets.profileSampleRows });
    const missing = new Map(profile.columns.map((c) => [c.name, c.missing]));
    const ingestReport = {
      format: 'derived',
      derivedFrom,
      encoding: 'utf-8',
      delimiter: null,
      bytes: 0,
      rows,
      nullTokens: [''],
      sampledRows: rows,
      columns: columns.map((c) => ({ ...c, nullCount: missing.get(c.name) ?? 0, invalidCount: 0, invalidSamples: [] })),
      renamedColumns: [],
      raggedRows: { policy: 'reject', count: 0, lines: [], padded: 0, truncated: 0 },
      ignoredKeys: [],
    };
    const versions = qr.manager.getRepository(DatasetVersion);
    const version = await versions.save(
      versions.create({ id, datasetId: dataset.id, number: 1, tableName: table, status: 'ready', rowCount: rows, columns, ingestReport, profile, createdBy }),
    );
    return { dataset, version };
  }

  /** Sets a dataset's visibility with no access check: for the domain that made it (createDerived) and keeps it in step. */
  async setVisibility(qr: Queryable, datasetId: string, visibility: DatasetVisibility): Promise<void> {
    await qr.query(`UPDATE datasets SET visibility = $2, updated_at = now() WHERE id = $1`, [datasetId, visibility]);
  }

  /** A version by id with no access check (the caller checked access to what refers to it). */
  versionById(id: string): Promise<DatasetVersion | null> {
    return this.db.getRepository(DatasetVersion).findOneBy({ id });
  }

  /** The dataset `owner/name` with no access check; NOT_FOUND when there is none. For sharing.ts only. */
  async byOwnerAndName(owner: string, name: string): Promise<Dataset> {
    const ownerRow = await this.ownerByHandle(owner);
    const dataset = await this.repo
      .createQueryBuilder('d')
      .where('d.ownerId = :owner AND lower(d.name) = lower(:name)', { owner: ownerRow.id, name })
      .getOne();
    if (!dataset) throw notFound('Dataset');
    return dataset;
  }

  byId(id: string): Promise<Dataset | null> {
    return this.repo.findOneBy({ id });
  }

  /** The dataset `owner/name` if the caller has `need` on it; NOT_FOUND if they may not read it. */
  async get(principal: Principal | null, owner: string, name: string, need: Permission = 'read'): Promise<Dataset> {
    const dataset = await this.byOwnerAndName(owner, name);
    await this.requireAccess(principal, dataset, need);
    return dataset;
  }

  /** Checks `need` on a dataset, counting the caller's collaborator role (dataset_collaborators). */
  requireAccess(principal: Principal | null, dataset: Dataset, need: Permission): Promise<Permission> {
    return this.sharing.require(principal, dataset, need);
  }

  async update(principal: Principal, owner: string, name: string, patch: DatasetPatch): Promise<Dataset> {
    const tags = patch.tags?.map((t) => t.trim().toLowerCase());
    this.validate({ ...patch, tags });
    const dataset = await this.get(principal, owner, name, 'write');
    if (patch.visibility != null && patch.visibility !== dataset.visibility) {
      await this.requireAccess(principal, dataset, 'admin');
      dataset.visibility = patch.visibility;
    }
    if (patch.description != null) dataset.description = patch.description;
    if (patch.license != null) dataset.license = patch.license;
    if (tags) dataset.tags = [...new Set(tags)];
    dataset.updatedAt = new Date();
    return this.repo.save(dataset);
  }

  /** The market: search, filter and sort what the caller (null: a visitor without an account) may see (see search.ts). */
  async search(principal: Principal | null, filter: Omit<DatasetSearch, 'ownerId'> & { owner?: string | null }, args: PageArgs): Promise<Page<Dataset>> {
    let ownerId: string | null = null;
    // Checked like every other filter value first (length, NUL characters), then an unknown owner finds nothing.
    const owner = filterText('owner', filter.owner);
    if (owner) {
      try {
        ownerId = (await this.ownerByHandle(owner)).id;
      } catch (error) {
        if (error instanceof AppError && error.code === 'NOT_FOUND') return emptyPage();
        throw error;
      }
    }
    return searchDatasets(this.db, principal, { ...filter, ownerId }, args);
  }

  /** Stars (or unstars) a dataset the caller can read; the count is kept on the dataset. */
  async star(principal: Principal, owner: string, name: string, starred: boolean): Promise<Dataset> {
    const dataset = await this.byOwnerAndName(owner, name);
    await this.sharing.star(principal, dataset, starred);
    return this.repo.findOneByOrFail({ id: dataset.id });
  }

  hasStarred(principal: Principal | null, datasetId: string): Promise<boolean> {
    return this.sharing.hasStarred(principal, datasetId);
  }

  /** Counts one use of a dataset: a CSV export, a SQL query's first page, a CREATE MODEL, an ML.PREDICT or ML.EVALUATE. */
  async recordUsage(datasetId: string): Promise<void> {
    await this.db.query(`UPDATE datasets SET usage_count = usage_count + 1 WHERE id = $1`, [datasetId]);
  }

  versions(dataset: Dataset): Promise<DatasetVersion[]> {
    return this.db.getRepository(DatasetVersion).find({ where: { datasetId: dataset.id }, order: { number: 'DESC' } });
  }

  async version(principal: Principal | null, owner: string, name: string, number: number | null): Promise<DatasetVersion> {
    const dataset = await this.get(principal, owner, name);
    const repo = this.db.getRepository(DatasetVersion);
    const version =
      number === null
        ? await repo.findOne({ where: { datasetId: dataset.id }, order: { number: 'DESC' } })
        : await repo.findOneBy({ datasetId: dataset.id, number });
    if (!version) throw notFound('Dataset version');
    return version;
  }

  /**
   * The version as CSV (RFC 4180), streamed in keyset batches over the row number so memory stays
   * flat whatever the table size. The header holds the stored (SQL-safe) column names; values are
   * PostgreSQL's text forms. NULL is an empty field.
   */
  async *exportCsv(version: DatasetVersion, batchSize = 5000): AsyncGenerator<string> {
    const names = version.columns.map((c) => `"${c.name}"`);
    yield `${version.columns.map((c) => csvField(c.name)).join(',')}\r\n`;
    let after = 0;
    for (;;) {
      const rows: { r: number; v: (string | null)[] }[] = await this.db.query(
        `SELECT _row AS r, ARRAY[${names.map((n) => `${n}::text`).join(', ')}] AS v FROM ${version.tableName}
         WHERE _row > $1 ORDER BY _row LIMIT $2`,
        [after, batchSize],
      );
      if (rows.length === 0) return;
      yield rows.map((row) => `${row.v.map(csvField).join(',')}\r\n`).join('');
      after = Number(rows[rows.length - 1].r);
    }
  }

  /** One-way ANOVA of the numeric columns of a version the caller was allowed to fetch. */
  anova(version: DatasetVersion, groupBy: string): Promise<AnovaResult[]> {
    return anova(this.db, version, groupBy);
  }

  /** Rows of a version the caller was allowed to fetch. */
  rows(version: DatasetVersion, args: RowsArgs): Promise<RowsPage> {
    return queryRows(this.db, version.tableName, version.columns, args);
  }

  /** The bytes an owner stores in datasets (see dataset-storage.ts) and their quota (0: unlimited). */
  async storageUsage(ownerId: string): Promise<{ used: number; limit: number }> {
    return { used: await datasetBytesOf(this.db, ownerId), limit: this.config.quotas.datasetBytes };
  }

  /**
   * The room an upload to `dataset` has under its owner's quota, refusing at once when it is full
   * or when the declared length does not fit; undefined when the quota is unlimited.
   */
  private async quotaRoom(dataset: Dataset, owner: string, contentLength: number | undefined): Promise<SpoolRoom | undefined> {
    const limit = this.config.quotas.datasetBytes;
    if (limit === 0) return undefined;
    const used = await datasetBytesOf(this.db, dataset.ownerId);
    const exceeded = (adding: number) => new QuotaExceededError('datasets', owner, used, limit, adding);
    if (used >= limit) throw exceeded(contentLength ?? 0);
    if (contentLength !== undefined && used + contentLength > limit) throw exceeded(contentLength);
    return { bytes: limit - used, exceeded };
  }

  private get uploadsDir() {
    return path.join(this.config.dataDir, 'uploads');
  }

  /** Removes temporary upload files a crashed hub left behind (older than a day). Housekeeping calls it. */
  async sweepUploads(): Promise<number> {
    let removed = 0;
    const names = await readdir(this.uploadsDir).catch(() => [] as string[]);
    for (const name of names) {
      if (!name.endsWith('.upload')) continue;
      const file = path.join(this.uploadsDir, name);
      const info = await stat(file).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > 86_400_000) {
        await rm(file, { force: true });
        removed++;
      }
    }
    return removed;
  }

  /**
   * Uploads a new version from a byte stream. Checks run before a byte is read: the credential's
   * scope, write access to the dataset (NOT_FOUND when it is private and not yours), the options,
   * and the declared length. The body is spooled to a temporary file (startSpool) and read twice
   * (sample, then load), on PostgreSQL often as it arrives (when, below). The table, its rows, its
   * profile and the version row are created in one transaction: a failure anywhere leaves none of
   * them. `timings`, when given, receives the milliseconds each step took (the route answers them
   * as Server-Timing).
   */
  async upload(
    principal: Principal,
    owner: string,
    name: string,
    body: Readable,
    query: UploadQuery,
    contentLength: number | undefined,
    timings?: UploadTimings,
  ): Promise<DatasetVersion> {
    if (!hasScope(principal, Scope.DATASETS_WRITE)) throw forbidden('This API key lacks the datasets:write scope');
    const dataset = await this.get(principal, owner, name, 'write');
    const options = parseUploadOptions(query, this.config.datasets);
    const maxBytes = this.config.datasets.maxBytes;
    if (contentLength !== undefined && contentLength > maxBytes) throw new TooLargeError(maxBytes);
    const room = await this.quotaRoom(dataset, owner, contentLength);

    await mkdir(this.uploadsDir, { recursive: true });
    const file = path.join(this.uploadsDir, `${randomUUID()}.upload`);
    let mark = performance.now();
    const step = (name: keyof UploadTimings) => {
      const now = performance.now();
      if (timings) timings[name] = now - mark;
      mark = now;
    };
    const spooling = startSpool(body, file, maxBytes, room);
    try {
      // PGlite serves the whole hub through one connection: a transaction waiting for a body would
      // hold it, so there the body is all in before its transaction begins. Parquet is read from its
      // footer. A body that comes faster than the hub loads is received whole first: receiving is then
      // most of the hub's one thread's work, and following it only switches the thread between the two
      // (a 117 MB body over loopback was loaded 5–15 % slower so). And at most a quarter of the pool
      // follows bodies at once: each holds a connection while it waits for bytes. Past the wait allowed
      // (AIMASS_DATASET_OVERLAP_WAIT_MS, Spooling.file) the load starts again on the whole body.
      const head = await spooling.head;
      const overlap =
        this.backend === 'postgres' &&
        options.format !== 'parquet' &&
        !(await spooling.fast(contentLength, FAST_BODY_BYTES_PER_SECOND)) &&
        this.following < Math.max(1, Math.floor(this.config.poolSize / 4));
      // Counted in the same turn as the test above, so concurrent uploads cannot pass it together.
      if (overlap) this.following++;
      else await spooling.done;
      step('spool');
      const attempt = (maxWaitMs: number, known: SpoolHead) => this.createVersion(principal, dataset, owner, options, room, spooling.file(maxWaitMs), known, spooling.done, step);
      try {
        try {
          return await attempt(overlap ? this.config.datasets.overlapWaitMs : 0, head);
        } finally {
          if (overlap) this.following--;
        }
      } catch (error) {
        // Counted as it happens (its transaction is already rolled back), not once the body is in.
        if (error instanceof ReadAgainWhole) this.metrics.datasetUploadsReadAgain.inc({ reason: error.reason });
        // What the whole body says comes first, as when it was all read before the ingest: over a
        // limit, cut off, empty or binary.
        const spooled = await spooling.done;
        const fault = bodyFault(spooled, options);
        if (fault) throw fault;
        // Read before it was all in and the reading had to stop (a slow sender), or read as UTF-8 and
        // it was not: read it again whole, in a new transaction.
        if (!(error instanceof ReadAgainWhole)) {
          if (!(head.utf8 && spooled.encoding === 'latin1')) throw error;
          this.metrics.datasetUploadsReadAgain.inc({ reason: 'encoding' });
        }
        return await attempt(0, spooled);
      }
    } finally {
      await rm(file, { force: true });
    }
  }

  /**
   * The upload's transaction: the table and its rows, the profile, the version row and its
   * notification, all or none.
   */
  private async createVersion(
    principal: Principal,
    dataset: Dataset,
    owner: string,
    options: IngestOptions,
    room: SpoolRoom | undefined,
    file: SpoolFile,
    head: SpoolHead,
    whole: Promise<Spooled>,
    step: (name: keyof UploadTimings) => void,
  ): Promise<DatasetVersion> {
    const id = randomUUID();
    // Generated, never from user input.
    const table = `datasets.v_${id.replace(/-/g, '')}`;
    const qr = this.db.createQueryRunner();
    await qr.connect();
    await qr.startTransaction();
    try {
      const { columns, report, rowCount } = await ingest({ file, head, whole, options, qr, backend: this.backend, table });
      step('ingest');
      const profile = await computeProfile(qr, table, columns, { sampleRows: this.config.datasets.profileSampleRows });
      step('profile');
      if (room) {
        // Checked again under a lock: concurrent uploads by one owner cannot together cross the quota.
        await lockOwnerQuota(qr, 'datasets', dataset.ownerId);
        const used = await datasetBytesOf(qr, dataset.ownerId);
        const limit = this.config.quotas.datasetBytes;
        if (used + report.bytes > limit) throw new QuotaExceededError('datasets', owner, used, limit, report.bytes);
      }
      // Serialises concurrent uploads to one dataset for the numbering only.
      await qr.query(`SELECT 1 FROM datasets WHERE id = $1 FOR UPDATE`, [dataset.id]);
      const [{ next }] = await qr.query(`SELECT coalesce(max(number), 0) + 1 AS next FROM dataset_versions WHERE dataset_id = $1`, [dataset.id]);
      const repo = qr.manager.getRepository(DatasetVersion);
      const version = await repo.save(
        repo.create({
          id,
          datasetId: dataset.id,
          number: Number(next),
          tableName: table,
          status: 'ready',
          rowCount,
          columns,
          ingestReport: report,
          profile,
          createdBy: principal.user.id,
        }),
      );
      await qr.query(`UPDATE datasets SET updated_at = now() WHERE id = $1`, [dataset.id]);
      const announce = await this.notifications.record(qr, {
        kind: NotificationKind.DATASET_VERSION_CREATED,
        subject: { kind: SubjectKind.DATASET, id: dataset.id },
        version: version.number,
        detail: `${rowCount} rows`,
      });
      await qr.commitTransaction();
      step('commit');
      announce();
      return version;
    } catch (error) {
      await qr.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await qr.release();
    }
  }
}

/**
 * Milliseconds per step of an upload: receiving the body (on PostgreSQL often its first 64 KiB only:
 * the rest is received while it is loaded), reading and loading it, profiling it, and the version row up to the commit.
 */
export interface UploadTimings {
  spool?: number;
  ingest?: number;
  profile?: number;
  commit?: number;
}

/** One CSV field: quoted when it holds a delimiter, quote or line break (RFC 4180); NULL is empty. */
function csvField(value: string | null): string {
  if (value === null) return '';
  return /[",\r\n]/.test(value) || value === '' ? `"${value.replace(/"/g, '""')}"` : value;
}
