/**
 * Benchmarks `owner/name`: create (validate, split, store), read, update, delete and search.
 *
 * Creation reads a dataset version the creator may read, checks the label, task and metrics
 * against it, and in one transaction makes the dev split a new dataset `owner/<name>-dev` (an
 * ordinary dataset version: preview, profile, export and SQL work on it unchanged; it has the
 * benchmark's visibility and follows it) and the hidden test split a table in `aimass_private`
 * (hidden-split.ts), then stores the benchmark. Any failure leaves none of them.
 *
 * Access follows architectures: `AccessService.require(…, 'Benchmark')` on every row, NOT_FOUND
 * for a private one the caller may not read; changing or deleting a benchmark needs admin on it
 * (owner, organization owner or admin, platform admin).
 */
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { readableSql, type AccessService, type Permission } from '../access/index.js';
import { Visibility, type OrganizationsService, type Principal } from '../accounts/index.js';
import type { DatasetColumn, DatasetsService, DatasetVersion, Dataset } from '../datasets/index.js';
import { emptyPage, filterText, keysetPage, keysetRequest, TS_QUERY, type SortKey } from '../db/keyset-search.js';
import type { Page, PageArgs } from '../db/paging.js';
import { isUniqueViolation } from '../db/unique-violation.js';
import { AppError, badInput, forbidden, notFound } from '../errors.js';
import { checks, type Checks } from '../validation/checks.js';
import { LABEL_TYPES, METRICS, BenchmarkMetric, BenchmarkTask } from './benchmark-metrics.js';
import { Benchmark, type BenchmarkRules } from './benchmark.entity.js';
import { hiddenTableName, HiddenSplits, INTERNAL_COLUMNS, type HiddenFeaturesChunk, type HiddenLabelsChunk } from './hidden-split.js';
import { labelledRows, publicRowsFor, splitSeparate, splitVersion, testRowsFor } from './split.js';
import { BenchmarkSort } from './benchmark-sort.js';

export interface BenchmarkSplitInput {
  testFraction?: number | null;
  publicFraction?: number | null;
  seed?: number | null;
}

export interface BenchmarkRulesInput {
  submissionsPerDay?: number | null;
  teamSize?: number | null;
}

export interface BenchmarkInput {
  owner?: string | null;
  name: string;
  /** `owner/name@version` (the latest version without `@version`). */
  dataset: string;
  label: string;
  task: BenchmarkTask;
  metric: BenchmarkMetric;
  secondaryMetrics?: BenchmarkMetric[] | null;
  split?: BenchmarkSplitInput | null;
  /** `owner/name@version`: a separate test set instead of `split.testFraction`. */
  testDataset?: string | null;
  rules?: BenchmarkRulesInput | null;
  deadline?: Date | null;
  description?: string | null;
  tags?: string[] | null;
  visibility?: Visibility | null;
}

export interface BenchmarkPatch {
  description?: string | null;
  /** Absent: unchanged; null: no deadline (a standing benchmark). Any time, past ones too: an admin may close it. */
  deadline?: Date | null;
  rules?: BenchmarkRulesInput | null;
  visibility?: Visibility | null;
  tags?: string[] | null;
}

export interface BenchmarkSearch {
  search?: string | null;
  task?: BenchmarkTask | null;
  /** true: no deadline or one still ahead; false: past its deadline. */
  open?: boolean | null;
  /** Benchmarks carrying every one of these tags. */
  tags?: string[] | null;
  owner?: string | null;
  sort?: BenchmarkSort | null;
}

export const DEFAULT_TEST_FRACTION = 0.2;
export const DEFAULT_PUBLIC_FRACTION = 0.3;
export const DEFAULT_RULES: BenchmarkRules = { submissionsPerDay: 5, teamSize: 5 };
const MAX_SUBMISSIONS_PER_DAY = 1000;
const MAX_TEAM_SIZE = 1000;
/** The dev dataset is `<name>-dev`, and dataset names are at most 100 characters. */
const MAX_NAME = 96;
const DEV_SUFFIX = '-dev';
const DATASET_REF = /^([^/@\s]+)\/([^/@\s]+?)(?:@(\d{1,9}))?$/;

const SORT_KEY: Record<BenchmarkSort, SortKey> = {
  [BenchmarkSort.RELEVANCE]: { expr: `ts_rank(b.search, ${TS_QUERY})`, type: 'real' },
  [BenchmarkSort.NEWEST]: { expr: 'b.created_at', type: 'timestamptz' },
};

const normalizeTags = (tags: readonly string[] | null | undefined) => tags?.map((t) => t.trim().toLowerCase());
const inOpenUnit = (x: number) => Number.isFinite(x) && x > 0 && x < 1;

function checkRules(c: Checks, rules: BenchmarkRulesInput | null | undefined): void {
  if (!rules) return;
  if (rules.submissionsPerDay != null && (!Number.isInteger(rules.submissionsPerDay) || rules.submissionsPerDay < 1 || rules.submissionsPerDay > MAX_SUBMISSIONS_PER_DAY)) {
    c.add('rules.submissionsPerDay', `must be a whole number from 1 to ${MAX_SUBMISSIONS_PER_DAY}`);
  }
  if (rules.teamSize != null && (!Number.isInteger(rules.teamSize) || rules.teamSize < 1 || rules.teamSize > MAX_TEAM_SIZE)) {
    c.add('rules.teamSize', `must be a whole number from 1 to ${MAX_TEAM_SIZE}`);
  }
}

const TYPE_LIST: Record<BenchmarkTask, string> = {
  [BenchmarkTask.CLASSIFICATION]: 'categorical, text, boolean or integer',
  [BenchmarkTask.REGRESSION]: 'integer or float',
};

export class BenchmarksService {
  private readonly hidden: HiddenSplits;

  constructor(
    private readonly db: DataSource,
    private readonly access: AccessService,
    private readonly organizations: OrganizationsService,
    private readonly datasets: DatasetsService,
    /** The clock deadlines are compared with. */
    private readonly now: () => Date = () => new Date(),
  ) {
    this.hidden = new HiddenSplits(db);
  }

  private get repo() {
    return this.db.getRepository(Benchmark);
  }

  /** The time by the clock deadlines are compared with. */
  currentTime(): Date {
    return this.now();
  }

  /** Whether submissions are open: no deadline, or one still ahead. */
  isOpen(benchmark: Benchmark): boolean {
    return benchmark.deadline === null || benchmark.deadline.getTime() > this.now().getTime();
  }

  /**
   * `owner/name@version` → the dataset and version, if the creator may read it (NOT_FOUND like a
   * missing one otherwise). A benchmark republishes the rows of its dev split under its own
   * visibility, so a dataset that is not public needs admin on it (FORBIDDEN otherwise).
   */
  private async sourceVersion(principal: Principal, field: string, ref: string): Promise<{ dataset: Dataset; version: DatasetVersion; ref: string }> {
    const m = DATASET_REF.exec(ref.trim());
    if (!m) throw badInput(field, 'must be owner/name@version, e.g. alice/iris@2');
    const [, owner, name, number] = m;
    const dataset = await this.datasets.get(principal, owner, name);
    const version = await this.datasets.version(principal, owner, name, number === undefined ? null : Number(number));
    if (dataset.visibility !== Visibility.PUBLIC) {
      const permission = await this.datasets.requireAccess(principal, dataset, 'read');
      if (permission !== 'admin') throw forbidden(`${field}: a benchmark republishes its rows, so a dataset that is not public needs admin on it`);
    }
    return { dataset, version, ref: `${owner}/${dataset.name}@${version.number}` };
  }

  async create(principal: Principal, input: BenchmarkInput): Promise<Benchmark> {
    const tags = normalizeTags(input.tags);
    const c = checks().listing({ name: input.name, description: input.description, tags });
    if (input.name.length > MAX_NAME) c.add('name', `must be at most ${MAX_NAME} characters (the dev split is the dataset <name>${DEV_SUFFIX})`);
    const metricTask = METRICS[input.metric]?.task;
    if (metricTask !== input.task) c.add('metric', `${input.metric.toUpperCase()} is a ${metricTask} metric; ${input.task.toUpperCase()} takes ${metricsOf(input.task)}`);
    const secondary = [...new Set(input.secondaryMetrics ?? [])];
    (input.secondaryMetrics ?? []).forEach((m, i) => {
      if (METRICS[m].task !== input.task) c.add(`secondaryMetrics.${i}`, `${m.toUpperCase()} is a ${METRICS[m].task} metric; ${input.task.toUpperCase()} takes ${metricsOf(input.task)}`);
      else if (m === input.metric) c.add(`secondaryMetrics.${i}`, 'is already the main metric');
    });
    const split = input.split ?? {};
    const testFraction = split.testFraction ?? (input.testDataset ? null : DEFAULT_TEST_FRACTION);
    const publicFraction = split.publicFraction ?? DEFAULT_PUBLIC_FRACTION;
    const seed = split.seed ?? 0;
    if (input.testDataset && split.testFraction != null) c.add('split.testFraction', 'give either a testFraction or a testDataset, not both');
    if (testFraction !== null && !inOpenUnit(testFraction)) c.add('split.testFraction', 'must be between 0 and 1 (exclusive)');
    if (!inOpenUnit(publicFraction)) c.add('split.publicFraction', 'must be between 0 and 1 (exclusive)');
    if (!Number.isSafeInteger(seed)) c.add('split.seed', 'must be a whole number');
    checkRules(c, input.rules);
    if (input.deadline != null && !(input.deadline.getTime() > this.now().getTime())) c.add('deadline', 'must be in the future');
    c.throwIfAny();

    const owner = await this.organizations.ownerForNew(principal, input.owner, 'benchmarks');
    const source = await this.sourceVersion(principal, 'dataset', input.dataset);
    const test = input.testDataset ? await this.sourceVersion(principal, 'testDataset', input.testDataset) : null;
    const columns = source.version.columns;

    // What needs the data: the label, its type, the classes, the test set's columns, the sizes.
    const d = checks();
    if (columns.some((col) => INTERNAL_COLUMNS.includes(col.name))) d.add('dataset', `has a column named ${INTERNAL_COLUMNS.join(' or ')}, which benchmarks reserve`);
    const labelColumn = columns.find((col) => col.name === input.label || col.originalName === input.label);
    if (!labelColumn) {
      d.add('label', `is not a column of ${source.ref} (its columns: ${columns.map((col) => col.name).join(', ')})`);
    } else if (!LABEL_TYPES[input.task].includes(labelColumn.type)) {
      d.add('label', `${labelColumn.name} is a ${labelColumn.type} column; a ${input.task.toUpperCase()} label must be ${TYPE_LIST[input.task]}`);
    } else if (columns.length < 2) {
      d.add('dataset', 'needs at least one column besides the label');
    }
    if (test) {
      const differences = columnDifferences(columns, test.version.columns);
      if (differences.length > 0) d.add('testDataset', `must have the same columns and types as ${source.ref}: ${differences.join('; ')}`);
    }
    d.throwIfAny();
    const label = labelColumn!.name;
    const sizes = await labelledRows(this.db, source.version.tableName, label);
    const testSizes = test ? await labelledRows(this.db, test.version.tableName, label) : null;
    const testRows = testSizes ? testSizes.labelled : testRowsFor(sizes.labelled, testFraction!);
    const devRows = testSizes ? sizes.labelled : sizes.labelled - testRows;
    const publicRows = publicRowsFor(testRows, publicFraction);
    if (testSizes) {
      if (testRows < 2) d.add('testDataset', `needs at least 2 rows with a label (it has ${testRows})`);
      if (devRows < 1) d.add('dataset', 'has no row with a label');
    } else if (testRows < 2 || devRows < 1) {
      d.add('split.testFraction', `leaves ${testRows} hidden and ${devRows} dev rows of the ${sizes.labelled} with a label; each side needs rows (and the hidden one at least 2)`);
    }
    if (testRows >= 2 && (publicRows < 1 || publicRows >= testRows)) {
      d.add('split.publicFraction', `leaves ${publicRows} public and ${testRows - publicRows} private rows of ${testRows} hidden ones; each part needs rows`);
    }
    if (input.task === BenchmarkTask.CLASSIFICATION) {
      const classes = await this.classCount(source.version.tableName, label);
      if (classes < 2) d.add('label', `has ${classes} distinct value${classes === 1 ? '' : 's'}; a classification needs at least 2 classes`);
      const binary = [input.metric, ...secondary].indexOf(BenchmarkMetric.ROC_AUC);
      if (binary >= 0 && classes !== 2) d.add(binary === 0 ? 'metric' : `secondaryMetrics.${(input.secondaryMetrics ?? []).indexOf(BenchmarkMetric.ROC_AUC)}`, `ROC_AUC needs a label with exactly 2 classes (${label} has ${classes})`);
    }
    const devName = `${input.name}${DEV_SUFFIX}`;
    if (await this.nameTaken(owner.id, input.name)) d.add('name', `${owner.handle} already has a benchmark named ${input.name}`);
    else if (await this.datasetNameTaken(owner.handle, devName)) d.add('name', `${owner.handle} already has a dataset named ${devName}, the name this benchmark’s dev split takes`);
    d.throwIfAny();

    const id = randomUUID();
    const hiddenTable = hiddenTableName(id);
    const visibility = input.visibility ?? Visibility.PUBLIC;
    const qr = this.db.createQueryRunner();
    await qr.connect();
    await qr.startTransaction();
    try {
      const dev = await this.datasets.createDerived(
        qr,
        principal.user.id,
        owner.id,
        {
          name: devName,
          description: `The dev split (features and labels) of the benchmark **${owner.handle}/${input.name}**: ${devRows} labelled rows of ${source.ref}.`,
          tags: [...new Set(tags ?? [])],
          visibility,
        },
        columns,
        async (devTable) => {
          await this.hidden.create(qr, hiddenTable, columns);
          const tables = { source: source.version.tableName, dev: devTable, hidden: hiddenTable, columns, label, seed };
          if (test) await splitSeparate(qr, tables, test.version.tableName, publicRows);
          else await splitVersion(qr, tables, testRows, publicRows);
        },
        `${source.ref}, the dev split of benchmark ${owner.handle}/${input.name}`,
      );
      const repo = qr.manager.getRepository(Benchmark);
      const benchmark = await repo.save(
        repo.create({
          id,
          ownerId: owner.id,
          name: input.name,
          description: input.description ?? '',
          tags: [...new Set(tags ?? [])],
          visibility,
          task: input.task,
          metric: input.metric,
          secondaryMetrics: secondary,
          label,
          labelType: labelColumn!.type,
          featureColumns: columns.filter((col) => col.name !== label).map((col) => ({ name: col.name, type: col.type })),
          rules: { ...DEFAULT_RULES, ...definedOnly(input.rules) },
          deadline: input.deadline ?? null,
          split: { testFraction, publicFraction, seed, unlabeledRows: sizes.unlabeled + (testSizes?.unlabeled ?? 0) },
          sourceVersionId: source.version.id,
          testSourceVersionId: test?.version.id ?? null,
          devDatasetId: dev.dataset.id,
          devVersionId: dev.version.id,
          hiddenTable,
          testRowCount: testRows,
          publicRowCount: publicRows,
          createdBy: principal.user.id,
        }),
      );
      await qr.commitTransaction();
      return benchmark;
    } catch (error) {
      await qr.rollbackTransaction().catch(() => undefined);
      // Two creations racing for one name: the loser hears it like a taken name.
      if (isUniqueViolation(error)) throw badInput('name', `${owner.handle} already has a benchmark or dataset of this name`);
      throw error;
    } finally {
      await qr.release();
    }
  }

  private async classCount(table: string, label: string): Promise<number> {
    const [row] = await this.db.query(`SELECT count(DISTINCT "${label}")::int AS n FROM ${table}`);
    return Number(row.n);
  }

  private async nameTaken(ownerId: string, name: string): Promise<boolean> {
    const rows = await this.db.query(`SELECT 1 FROM benchmarks WHERE owner_id = $1 AND lower(name) = lower($2)`, [ownerId, name]);
    return rows.length > 0;
  }

  private async datasetNameTaken(owner: string, name: string): Promise<boolean> {
    try {
      await this.datasets.byOwnerAndName(owner, name);
      return true;
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') return false;
      throw error;
    }
  }

  /** The benchmark `owner/name` if the caller has `need` on it; NOT_FOUND if they may not read it. */
  async get(principal: Principal | null, owner: string, name: string, need: Permission = 'read'): Promise<Benchmark> {
    // A name no benchmark can have is not looked up (and never reaches SQL).
    if (checks().listing({ name }).problems.length > 0) throw notFound('Benchmark');
    const ownerRow = await this.organizations.ownerByHandle(owner, 'Benchmark');
    const benchmark = await this.repo
      .createQueryBuilder('b')
      .where('b.ownerId = :owner AND lower(b.name) = lower(:name)', { owner: ownerRow.id, name })
      .getOne();
    if (!benchmark) throw notFound('Benchmark');
    await this.access.require(principal, benchmark, need, 'Benchmark');
    return benchmark;
  }

  /** The caller's permission on a benchmark they could read (admin may change and delete it). */
  async permission(principal: Principal | null, benchmark: Benchmark): Promise<Permission | undefined> {
    return this.access.permission(principal, benchmark);
  }

  async update(principal: Principal, owner: string, name: string, patch: BenchmarkPatch): Promise<Benchmark> {
    const tags = normalizeTags(patch.tags);
    const c = checks().listing({ description: patch.description, tags });
    checkRules(c, patch.rules);
    c.throwIfAny();
    const benchmark = await this.get(principal, owner, name, 'admin');
    if (patch.description != null) benchmark.description = patch.description;
    if (tags) benchmark.tags = [...new Set(tags)];
    if (patch.deadline !== undefined) benchmark.deadline = patch.deadline;
    // Open again: its next closing is announced again.
    const reopened = patch.deadline !== undefined && this.isOpen(benchmark);
    if (patch.rules) benchmark.rules = { ...benchmark.rules, ...definedOnly(patch.rules) };
    const visibility = patch.visibility != null && patch.visibility !== benchmark.visibility ? patch.visibility : null;
    if (visibility) benchmark.visibility = visibility;
    benchmark.updatedAt = new Date();
    return this.db.transaction(async (manager) => {
      // The dev split is seen exactly where the benchmark is.
      if (visibility) await this.datasets.setVisibility(manager, benchmark.devDatasetId, visibility);
      if (reopened) {
        await manager.query(`UPDATE benchmarks SET final_ranking_announced_at = NULL WHERE id = $1`, [benchmark.id]);
        benchmark.finalRankingAnnouncedAt = null;
      }
      return manager.getRepository(Benchmark).save(benchmark);
    });
  }

  /** Deletes it and its hidden split; needs admin. The dev split stays, an ordinary dataset of the same owner. */
  async delete(principal: Principal, owner: string, name: string): Promise<boolean> {
    const benchmark = await this.get(principal, owner, name, 'admin');
    await this.db.transaction(async (manager) => {
      await manager.query(`DELETE FROM benchmarks WHERE id = $1`, [benchmark.id]);
      await this.hidden.drop(manager, benchmark.hiddenTable);
    });
    return true;
  }

  /** Listed benchmarks the caller may see (null: a visitor without an account), searched, filtered, keyset-paged. */
  async search(principal: Principal | null, filter: BenchmarkSearch, args: PageArgs): Promise<Page<Benchmark>> {
    const request = keysetRequest(filter, args, SORT_KEY, { relevance: BenchmarkSort.RELEVANCE, otherwise: BenchmarkSort.NEWEST });
    const tags = normalizeTags(filter.tags?.map((t, i) => filterText(`tags.${i}`, t) ?? '').filter(Boolean));
    const ownerHandle = filterText('owner', filter.owner);
    let ownerId: string | null = null;
    if (ownerHandle) {
      try {
        ownerId = (await this.organizations.ownerByHandle(ownerHandle, 'Owner')).id;
      } catch (error) {
        if (error instanceof AppError && error.code === 'NOT_FOUND') return emptyPage();
        throw error;
      }
    }
    const qb = this.repo.createQueryBuilder('b');
    qb.where(readableSql({ alias: 'b' }, { user: principal && ':me', isAdmin: principal?.user.isAdmin }, 'listed'), principal ? { me: principal.user.id } : {});
    if (request.text) qb.andWhere(`b.search @@ ${TS_QUERY}`, { q: request.text });
    if (filter.task) qb.andWhere('b.task = :task', { task: filter.task });
    if (filter.open === true) qb.andWhere('(b.deadline IS NULL OR b.deadline > :now)', { now: this.now() });
    if (filter.open === false) qb.andWhere('b.deadline <= :now', { now: this.now() });
    if (tags && tags.length > 0) qb.andWhere('b.tags @> CAST(:tags AS text[])', { tags });
    if (ownerId) qb.andWhere('b.ownerId = :ownerId', { ownerId });
    return keysetPage(qb, request, SORT_KEY[request.sort]);
  }

  /** The dev split's dataset and version, if the caller may read them (they follow the benchmark's visibility). */
  async devSplit(principal: Principal | null, benchmark: Benchmark): Promise<{ dataset: Dataset; version: DatasetVersion } | null> {
    const dataset = await this.datasets.byId(benchmark.devDatasetId);
    if (!dataset) return null;
    try {
      await this.datasets.requireAccess(principal, dataset, 'read');
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') return null;
      throw error;
    }
    const version = await this.datasets.versionById(benchmark.devVersionId);
    return version ? { dataset, version } : null;
  }

  /** A benchmark by id with no access check: for the hub's own evaluation. */
  byId(id: string): Promise<Benchmark | null> {
    return this.repo.findOneBy({ id });
  }

  /** The hidden split's features (never its labels), in key order: what an evaluation job streams to an agent. */
  async hiddenFeatures(benchmarkId: string, after = 0, limit = 1000): Promise<HiddenFeaturesChunk> {
    return this.hidden.features(await this.required(benchmarkId), after, limit);
  }

  /** The hidden labels with their part (public or private), in key order: for the hub's scorer only. */
  async hiddenLabels(benchmarkId: string, after = 0, limit = 1000): Promise<HiddenLabelsChunk> {
    return this.hidden.labels(await this.required(benchmarkId), after, limit);
  }

  private async required(id: string): Promise<Benchmark> {
    const benchmark = await this.byId(id);
    if (!benchmark) throw notFound('Benchmark');
    return benchmark;
  }
}

function metricsOf(task: BenchmarkTask): string {
  return Object.entries(METRICS)
    .filter(([, info]) => info.task === task)
    .map(([m]) => m.toUpperCase())
    .join(', ');
}

function definedOnly(rules: BenchmarkRulesInput | null | undefined): Partial<BenchmarkRules> {
  const out: Partial<BenchmarkRules> = {};
  if (rules?.submissionsPerDay != null) out.submissionsPerDay = rules.submissionsPerDay;
  if (rules?.teamSize != null) out.teamSize = rules.teamSize;
  return out;
}

/** How `test`'s columns differ from `dev`'s, by name and type (order does not matter). */
function columnDifferences(dev: readonly DatasetColumn[], test: readonly DatasetColumn[]): string[] {
  const out: string[] = [];
  const testTypes = new Map(test.map((col) => [col.name, col.type]));
  for (const col of dev) {
    const type = testTypes.get(col.name);
    if (type === undefined) out.push(`${col.name} is missing`);
    else if (type !== col.type) out.push(`${col.name} is ${type}, not ${col.type}`);
  }
  const devNames = new Set(dev.map((col) => col.name));
  for (const col of test) if (!devNames.has(col.name)) out.push(`${col.name} is extra`);
  return out;
}
