/**
 * Models, their versions and aliases: create, update, read (with per-row access), list, upload a
 * version (files → artifact store → manifest check → load with TF.js → version row), and open a
 * version's files for download.
 *
 * Access: `ResourceSharing.require` (AccessService plus the caller's collaborator role) on every
 * row; a private model the caller may not read is NOT_FOUND everywhere (GraphQL, upload and
 * download URLs). Organization members and write collaborators may write.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import type { DataSource, EntityManager } from 'typeorm';
import type { Permission } from '../access/index.js';
import { hasScope, type Principal } from '../accounts/index.js';
import { Scope } from '../accounts/index.js';
import { checks } from '../validation/checks.js';
import type { ArtifactStore, BlobSweeper, PutResult } from '../artifacts/index.js';
import type { Config } from '../config.js';
import type { OrganizationsService } from '../accounts/index.js';
import { isUniqueViolation } from '../db/unique-violation.js';
import { AppError, badInput, conflict, forbidden, notFound, QuotaExceededError } from '../errors.js';
import { lockOwnerQuota } from '../db/quota-lock.js';
import { artifactBytesOf } from './model-storage.js';
import type { Page, PageArgs } from '../db/paging.js';
import { emptyPage } from '../db/keyset-search.js';
import { CheckSlots } from './check-slots.js';
import { checkManifest } from './layers-model-check.js';
import type { ModelLoader } from './model-loader.js';
import { ModelAlias } from './model-alias.entity.js';
import { ModelVersion, ModelVersionStatus, type ModelSignature } from './model-version.entity.js';
import { Model, ModelVisibility } from './model.entity.js';
import { FRAMING_BYTES, ModelTooLargeError, receiveFiles, type ReceivedFiles, type UploadRoom } from './multipart-files.js';
import type { VersionListeners } from './version-listeners.js';
import type { Signals } from '../db/signals.js';
import { modelSearchRequest, searchModels, type ModelPageExtras, type ModelRanking, type ModelSearch } from './search.js';
import type { ResourceSharing } from '../sharing/index.js';

export interface ModelInput {
  owner?: string | null;
  name: string;
  task?: string | null;
  tags?: string[] | null;
  license?: string | null;
  visibility?: ModelVisibility | null;
  description?: string | null;
}
export type ModelPatch = Omit<Partial<ModelInput>, 'owner' | 'name'>;
/** Which version: by number or by alias. */
export type VersionRef = { number: number } | { alias: string };

const TASK = /^[a-z0-9][a-z0-9_-]{0,49}$/;
const ALIAS = /^[a-z][a-z0-9_-]{0,49}$/;
/** model.json is read into memory to check it; real ones are a few hundred KiB. */
const MAX_MODEL_JSON_BYTES = 32 * 1024 * 1024;

export class CatalogService {
  /** TF.js checks running at once (AIMASS_MODEL_CHECK_CONCURRENCY): bounds the memory uploads take. */
  private readonly checkSlots: CheckSlots;

  constructor(
    private readonly db: DataSource,
    private readonly config: Config,
    private readonly store: ArtifactStore,
    /** Access checks counting collaborators (sharing/, built with MODEL_SHARING), and stars. */
    private readonly sharing: ResourceSharing,
    /** For `ownerByHandle` (users and organizations share one namespace of handles). */
    private readonly organizations: OrganizationsService,
    /** Deletes the blobs of a failed upload unless another version has the same bytes. */
    private readonly blobs: BlobSweeper,
    /** Loads a checked model with TF.js (off the event loop in the hub: model-loader.ts). */
    private readonly loader: ModelLoader,
    /** Told of each version added, after its commit. */
    private readonly versionListeners?: VersionListeners,
    /** `aliasMoved` goes to every hub once an alias points elsewhere (serving's deployments follow it). */
    private readonly signals?: Pick<Signals, 'emit'>,
  ) {
    this.checkSlots = new CheckSlots(config.models.checkConcurrency, config.models.checkQueue);
  }

  private get repo() {
    return this.db.getRepository(Model);
  }

  private validate(input: ModelPatch & { name?: string }): void {
    const c = checks().listing(input);
    if (input.task != null && input.task !== '' && !TASK.test(input.task)) c.add('task', 'use 1–50 lower-case letters, digits, "_" or "-"');
    c.throwIfAny();
  }

  async create(principal: Principal, input: ModelInput): Promise<Model> {
    const tags = input.tags?.map((t) => t.trim().toLowerCase());
    const task = input.task?.trim().toLowerCase();
    this.validate({ ...input, tags, task });
    const owner = await this.organizations.ownerForNew(principal, input.owner, 'models');
    try {
      return await this.repo.save(
        this.repo.create({
          ownerId: owner.id,
          name: input.name,
          task: task ?? '',
          tags: [...new Set(tags ?? [])],
          license: input.license ?? '',
          visibility: input.visibility ?? ModelVisibility.PUBLIC,
          description: input.description ?? '',
          createdBy: principal.user.id,
        }),
      );
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`${owner.handle} already has a model named ${input.name}`, 'name');
      throw error;
    }
  }

  /** The model `owner/name` with no access check; NOT_FOUND when there is none. For sharing only. */
  async byOwnerAndName(owner: string, name: string): Promise<Model> {
    const ownerRow = await this.organizations.ownerByHandle(owner, 'Model');
    const model = await this.repo
      .createQueryBuilder('m')
      .where('m.ownerId = :owner AND lower(m.name) = lower(:name)', { owner: ownerRow.id, name })
      .getOne();
    if (!model) throw notFound('Model');
    return model;
  }

  /** The model `owner/name` if the caller has `need` on it (collaborators count); NOT_FOUND if they may not read it. */
  async get(principal: Principal | null, owner: string, name: string, need: Permission = 'read'): Promise<Model> {
    const model = await this.byOwnerAndName(owner, name);
    await this.sharing.require(principal, model, need);
    return model;
  }

  async update(principal: Principal, owner: string, name: string, patch: ModelPatch): Promise<Model> {
    const tags = patch.tags?.map((t) => t.trim().toLowerCase());
    const task = patch.task?.trim().toLowerCase();
    this.validate({ ...patch, tags, task });
    const model = await this.get(principal, owner, name, 'write');
    if (patch.visibility != null && patch.visibility !== model.visibility) {
      await this.sharing.require(principal, model, 'admin');
      model.visibility = patch.visibility;
    }
    if (task != null) model.task = task;
    if (patch.description != null) model.description = patch.description;
    if (patch.license != null) model.license = patch.license;
    if (tags) model.tags = [...new Set(tags)];
    model.updatedAt = new Date();
    return this.repo.save(model);
  }

  /**
   * The catalog: full-text search, filters and sorts over the models the caller may list (see
   * search.ts). Input is checked first; an unknown owner then finds nothing, as in the data market.
   * `extras` are read with the page, for the model's field resolvers (search.ts `prefetchedWith`).
   */
  async list(
    principal: Principal | null,
    args: PageArgs,
    filter: ModelSearch = {},
    extras: ModelPageExtras = {},
  ): Promise<Page<Model>> {
    const request = modelSearchRequest(filter, args);
    let ownerId: string | null = null;
    if (request.owner) {
      try {
        ownerId = (await this.organizations.ownerByHandle(request.owner, 'Owner')).id;
      } catch (error) {
        if (error instanceof AppError && error.code === 'NOT_FOUND') return emptyPage();
        throw error;
      }
    }
    return searchModels(this.db, principal, request, ownerId, extras, this.ranking);
  }

  private ranking: ModelRanking | undefined;

  /** The leaderboards' standings the catalog sorts and filters by (`bestOn`, BENCHMARK_RANK). */
  useModelRanking(ranking: ModelRanking): void {
    this.ranking = ranking;
  }

  /** For a DataLoader: each model's newest published version (drafts and deprecated ones do not count), one statement. */
  async latestPublishedVersions(modelIds: readonly string[]): Promise<Map<string, ModelVersion>> {
    if (modelIds.length === 0) return new Map();
    const rows = await this.db
      .getRepository(ModelVersion)
      .createQueryBuilder('v')
      .where('v.modelId = ANY(:ids)', { ids: [...modelIds] })
      .andWhere('v.status = :published', { published: ModelVersionStatus.PUBLISHED })
      .distinctOn(['v.modelId'])
      .orderBy('v.modelId')
      .addOrderBy('v.number', 'DESC')
      .getMany();
    return new Map(rows.map((v) => [v.modelId, v]));
  }

  /** For a DataLoader: each model's versions, newest first, one statement. */
  async versionsOfModels(modelIds: readonly string[]): Promise<Map<string, ModelVersion[]>> {
    const byModel = new Map<string, ModelVersion[]>(modelIds.map((id) => [id, []]));
    if (modelIds.length === 0) return byModel;
    const rows = await this.db
      .getRepository(ModelVersion)
      .createQueryBuilder('v')
      .where('v.modelId = ANY(:ids)', { ids: [...modelIds] })
      .orderBy('v.number', 'DESC')
      .getMany();
    for (const v of rows) byModel.get(v.modelId)?.push(v);
    return byModel;
  }

  /** For a DataLoader: each model's aliases (by name) with the version numbers they point at, one statement. */
  async aliasesOfModels(modelIds: readonly string[]): Promise<Map<string, { alias: string; number: number }[]>> {
    const byModel = new Map<string, { alias: string; number: number }[]>(modelIds.map((id) => [id, []]));
    if (modelIds.length === 0) return byModel;
    const rows: { model_id: string; alias: string; number: number }[] = await this.db.query(
      `SELECT a.model_id, a.alias, v.number FROM model_aliases a JOIN model_versions v ON v.id = a.version_id
       WHERE a.model_id = ANY($1::uuid[]) ORDER BY a.alias`,
      [[...modelIds]],
    );
    for (const r of rows) byModel.get(r.model_id)?.push({ alias: r.alias, number: Number(r.number) });
    return byModel;
  }

  private async versionOf(model: Model, ref: VersionRef | null): Promise<ModelVersion> {
    const repo = this.db.getRepository(ModelVersion);
    let version: ModelVersion | null;
    if (ref === null) version = await repo.findOne({ where: { modelId: model.id }, order: { number: 'DESC' } });
    else if ('number' in ref) version = Number.isInteger(ref.number) ? await repo.findOneBy({ modelId: model.id, number: ref.number }) : null;
    else {
      const alias = await this.db.getRepository(ModelAlias).findOneBy({ modelId: model.id, alias: ref.alias });
      version = alias ? await repo.findOneBy({ id: alias.versionId }) : null;
    }
    if (!version) throw notFound('Model version');
    return version;
  }

  async version(principal: Principal | null, owner: string, name: string, ref: VersionRef | null): Promise<ModelVersion> {
    return this.versionOf(await this.get(principal, owner, name), ref);
  }

  /** Points `alias` at version `number` (creating or moving it). Needs write access. */
  async setAlias(principal: Principal, owner: string, name: string, alias: string, number: number): Promise<ModelVersion> {
    if (!ALIAS.test(alias)) throw badInput('alias', 'use 1–50 lower-case letters, digits, "_" or "-", starting with a letter');
    const model = await this.get(principal, owner, name, 'write');
    const version = await this.versionOf(model, { number });
    await this.pointAlias(this.db, model.id, alias, version.id);
    this.aliasMoved(model.id, alias);
    return version;
  }

  /**
   * Points `alias` of the model at the version `versionId`, with `tx` (no access check: the caller
   * checked it). Call `aliasMoved` once the change committed.
   */
  async pointAlias(tx: Pick<EntityManager, 'query'> | DataSource, modelId: string, alias: string, versionId: string): Promise<void> {
    if (!ALIAS.test(alias)) throw badInput('alias', 'use 1–50 lower-case letters, digits, "_" or "-", starting with a letter');
    await tx.query(
      `INSERT INTO model_aliases (model_id, alias, version_id) VALUES ($1, $2, $3)
       ON CONFLICT (model_id, alias) DO UPDATE SET version_id = EXCLUDED.version_id, updated_at = now()`,
      [modelId, alias, versionId],
    );
  }

  /** Tells every hub that the alias moved (deployments following it roll over at once). */
  aliasMoved(modelId: string, alias: string): void {
    this.signals?.emit('aliasMoved', { modelId, alias });
  }

  /**
   * Uploads a new version from a multipart body. Checks run before a byte is read: the
   * credential's scope, write access (NOT_FOUND when private and not yours), the declared length.
   * The files stream into the artifact store; then model.json is checked against the shards and
   * the model is loaded with TF.js. Only then is the version row written. On any failure the
   * blobs this upload created are deleted and no version exists.
   */
  async upload(principal: Principal, owner: string, name: string, headers: IncomingHttpHeaders, body: Readable): Promise<ModelVersion> {
    if (!hasScope(principal, Scope.MODELS_WRITE)) throw forbidden('This API key lacks the models:write scope');
    const model = await this.get(principal, owner, name, 'write');
    const room = await this.quotaRoom(model, owner, headers);
    const { files, created } = await this.receiveUpload(headers, body, room);
    try {
      const signature = await this.checkUploadedModel(files);
      return await this.addVersion(model.id, files, { signature, createdBy: principal.user.id, quota: room && { ownerId: model.ownerId, owner } });
    } catch (error) {
      await this.deleteUnreferenced(created);
      throw error;
    }
  }

  /** The bytes an owner stores in model files (see model-storage.ts) and their quota (0: unlimited). */
  async storageUsage(ownerId: string): Promise<{ used: number; limit: number }> {
    return { used: await artifactBytesOf(this.db, ownerId), limit: this.config.quotas.artifactBytes };
  }

  /**
   * The room an upload to `model` has under its owner's artifact quota, refusing at once when it
   * is full or the declared length cannot fit; undefined when the quota is unlimited. The bytes
   * are counted as they arrive (an upload needs its size free while it streams); the exact
   * count, where files the owner already stores count once, is made before the version is written.
   */
  private async quotaRoom(model: Model, owner: string, headers: IncomingHttpHeaders): Promise<UploadRoom | undefined> {
    const limit = this.config.quotas.artifactBytes;
    if (limit === 0) return undefined;
    const used = await artifactBytesOf(this.db, model.ownerId);
    const exceeded = (adding: number) => new QuotaExceededError('artifacts', owner, used, limit, adding);
    const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
    if (used >= limit) throw exceeded(length ?? 0);
    if (length !== undefined && length > limit - used + FRAMING_BYTES) throw exceeded(length);
    return { bytes: limit - used, exceeded };
  }

  /**
   * Streams a multipart body of model files into the artifact store, within AIMASS_MODEL_MAX_BYTES
   * (a declared length over it is refused before a byte is read) and `room` under the owner's
   * quota when there is one. The caller deletes `created` (through the BlobSweeper) when no version
   * comes of them. Shared by the upload and the trainer.
   */
  async receiveUpload(headers: IncomingHttpHeaders, body: Readable, room?: UploadRoom): Promise<ReceivedFiles> {
    const maxBytes = this.config.models.maxBytes;
    const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
    if (length !== undefined && length > maxBytes + FRAMING_BYTES) throw new ModelTooLargeError(maxBytes);
    return receiveFiles(headers, body, this.store, maxBytes, room);
  }

  /**
   * The check every model version passes, uploaded or trained: model.json parses and names exactly
   * the uploaded shards with the bytes its weights need, and TF.js loads it. Answers its signature.
   */
  async checkUploadedModel(files: ReadonlyMap<string, PutResult>): Promise<ModelSignature> {
    const manifestFile = files.get('model.json');
    if (!manifestFile) throw badInput('model.json', 'is missing: upload model.json and its weight shards');
    if (manifestFile.size > MAX_MODEL_JSON_BYTES) throw badInput('model.json', `is larger than ${MAX_MODEL_JSON_BYTES} bytes`);
    const sizes = new Map([...files].map(([p, f]) => [p, f.size]));
    // The files wait on disk (in the artifact store) for a slot; only a slot's holder reads them into memory.
    return this.checkSlots.run(async () => {
      const manifest = checkManifest((await this.readBlob(manifestFile.sha256)).toString('utf8'), sizes);
      const shards = manifest.weightsManifest.flatMap((g) => g.paths).map((p) => files.get(p)!);
      // One buffer of the exact size, filled shard by shard: no second copy of the weights.
      const weights = new Uint8Array(shards.reduce((sum, f) => sum + f.size, 0));
      let offset = 0;
      for (const shard of shards) {
        for await (const chunk of await this.store.get(shard.sha256)) {
          const bytes = chunk as Buffer;
          if (offset + bytes.length > weights.length) throw new AppError('CONFLICT', 'A file of this upload changed meanwhile; upload again');
          weights.set(bytes, offset);
          offset += bytes.length;
        }
      }
      return this.loader.loadAndSign(manifest, weights.buffer);
    });
  }

  /**
   * A model is about to be uploaded for checking (a training job is in its epochs): the loader
   * readies TF.js meanwhile, off the event loop, so the check does not start with its import.
   */
  prepareModelCheck(): void {
    this.loader.warm?.();
  }

  /**
   * Writes the version row for checked files (see {@link checkUploadedModel}), numbered after every
   * number the model ever gave. `alongside` runs in the same transaction (the trainer records which
   * run made the version), so both happen or neither.
   */
  async addVersion(
    modelId: string,
    files: ReadonlyMap<string, PutResult>,
    fields: {
      signature: ModelSignature;
      createdBy: string;
      metrics?: Record<string, unknown> | null;
      lineage?: Record<string, unknown> | null;
      /** Check the owner's artifact quota with these files counted (uploads; trained versions are not refused). */
      quota?: { ownerId: string; owner: string };
    },
    alongside?: (tx: EntityManager, version: ModelVersion) => Promise<void>,
  ): Promise<ModelVersion> {
    const added = await this.db.transaction(async (tx) => {
      // Serialises concurrent uploads to one model for the numbering only.
      const [locked] = await tx.query(`SELECT 1 FROM models WHERE id = $1 FOR UPDATE`, [modelId]);
      if (!locked) throw notFound('Model');
      if (fields.quota) {
        await lockOwnerQuota(tx, 'artifacts', fields.quota.ownerId);
        const limit = this.config.quotas.artifactBytes;
        const used = await artifactBytesOf(tx, fields.quota.ownerId);
        const after = await artifactBytesOf(tx, fields.quota.ownerId, files.values());
        if (after > limit) throw new QuotaExceededError('artifacts', fields.quota.owner, used, limit, after - used);
      }
      // A failed upload of the same bytes elsewhere may have just deleted a blob this one reused.
      for (const f of files.values()) {
        if (!(await this.store.has(f.sha256))) throw new AppError('CONFLICT', 'A file of this upload was removed meanwhile; upload again');
      }
      // Above every number ever given, deleted ones too: a number never names two different versions.
      const [{ next }] = await tx.query(
        `SELECT greatest(coalesce(max(v.number), 0), (SELECT max_deleted_version FROM models WHERE id = $1)) + 1 AS next FROM model_versions v WHERE v.model_id = $1`,
        [modelId],
      );
      const repo = tx.getRepository(ModelVersion);
      const version = await repo.save(
        repo.create({
          modelId,
          number: Number(next),
          status: ModelVersionStatus.DRAFT,
          files: Object.fromEntries([...files].map(([p, f]) => [p, { sha256: f.sha256, size: f.size }])),
          signature: fields.signature,
          metrics: fields.metrics ?? null,
          lineage: fields.lineage ?? null,
          createdBy: fields.createdBy,
        }),
      );
      await tx.query(`UPDATE models SET updated_at = now() WHERE id = $1`, [modelId]);
      await alongside?.(tx, version);
      return version;
    });
    void this.versionListeners?.emit({ modelId, number: added.number });
    return added;
  }

  /** Deletes the blobs no version refers to (a failed upload's own blobs, unless another version has the same bytes). */
  private async deleteUnreferenced(blobs: string[]): Promise<void> {
    await this.blobs.deleteUnreferenced(blobs);
  }

  private async readBlob(sha256: string): Promise<Buffer> {
    const chunks: Buffer[] = [];
    for await (const chunk of await this.store.get(sha256)) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  /**
   * Opens one file of a version for download (NOT_FOUND for a model the caller may not read, or a
   * path the version does not have). Fetching model.json counts as one download.
   */
  async openFile(principal: Principal | null, owner: string, name: string, ref: VersionRef, path: string): Promise<{ body: Readable; size: number; sha256: string }> {
    if (principal && !hasScope(principal, Scope.MODELS_READ)) throw forbidden('This API key lacks the models:read scope');
    const model = await this.get(principal, owner, name);
    const version = await this.versionOf(model, ref);
    const file = Object.prototype.hasOwnProperty.call(version.files, path) ? version.files[path] : undefined;
    if (!file) throw notFound('File');
    const body = await this.store.get(file.sha256);
    if (path === 'model.json') await this.db.query(`UPDATE models SET downloads = downloads + 1 WHERE id = $1`, [model.id]);
    return { body, size: file.size, sha256: file.sha256 };
  }
}
