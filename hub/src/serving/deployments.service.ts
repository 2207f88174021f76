/**
 * Deployments: create, update, delete, read and list, with their rules (docs/serving.md).
 *
 * Who sees (and calls) a deployment: its owner, the members of the organization that owns it, the
 * collaborators of its model, subscribers to its model (within their plan) and platform admins;
 * anyone when it is PUBLIC (or by name when UNLISTED). To anyone else it is NOT_FOUND. Who changes
 * it: its owner and the organization's members (write), as for a model. Creating one needs a
 * namespace the caller may create in (themselves or an organization they belong to) and read
 * access to the model, whose version must be a trained TF.js model (served-version.ts).
 */
import type { DataSource, EntityManager } from 'typeorm';
import { batchingSpec } from '../../../schema/index.js';
import { AccessService, allows, type Permission } from '../access/index.js';
import { Visibility, type OrganizationsService, type Principal } from '../accounts/index.js';
import { ModelVersion, type CatalogService, type Model } from '../catalog/index.js';
import { asUuid } from '../db/ids.js';
import { emptyPage } from '../db/keyset-search.js';
import { paginate, type Page, type PageArgs } from '../db/paging.js';
import { isUniqueViolation } from '../db/unique-violation.js';
import { AppError, badInput, conflict, forbidden, notFound } from '../errors.js';
import { checks } from '../validation/checks.js';
import { isBudgetHoldMessage } from './budgets/budget-hold.js';
import { Deployment, DeploymentStatus } from './deployment.entity.js';
import { ReplicaState, type Replica } from './deployment-replica.entity.js';
import type { CallerAccess, DeploymentTarget, VariantTarget } from './deployment-target.js';
import { autoscalingSettings } from './autoscale/autoscaling-settings.js';
import type { AutoscalingSettings } from './autoscale/kpa.js';
import type { DeploymentEvents } from './events/deployment-events.js';
import { checkSettings, splitModel, type CreateDeploymentInput, type DeploymentSettingsInput } from './deployment-settings.js';
import { deploymentReadableSql } from './deployment-readable-sql.js';
import { resolveSplit, resolveVersion } from './deployment-versions.js';
import { servedVersion, type ServedVersion } from './served-version.js';
import { variantReplicas, VariantStickiness, type StoredVariant } from './split/variants.js';

/** Someone changed a deployment (the reconciler places or stops replicas; subscribers hear it). */
export type DeploymentChanged = (deploymentId: string) => Promise<void>;

/** What a deployment serves, in words: "version 3", "alias prod (version 3)", "versions 3 (90 %), 4 (10 %)". */
function servedWords(d: Pick<Deployment, 'versionNumber' | 'alias' | 'variants'>): string {
  if (d.variants.length > 0) {
    const parts = d.variants.map((v) => `${v.versionNumber}${v.shadow ? ' (shadow)' : ` (${v.weight} %)`}`);
    return `version${d.variants.length > 1 ? 's' : ''} ${parts.join(', ')}`;
  }
  return d.alias ? `alias ${d.alias} (version ${d.versionNumber})` : `version ${d.versionNumber}`;
}

export class DeploymentsService {
  private readonly access: AccessService;

  constructor(
    private readonly db: DataSource,
    private readonly organizations: OrganizationsService,
    private readonly catalog: CatalogService,
    private readonly timeline: Pick<DeploymentEvents, 'record'>,
    private readonly changed: { on?: DeploymentChanged; deleting?: (deployment: Deployment) => Promise<void> } = {},
  ) {
    this.access = new AccessService(db);
  }

  private get repo() {
    return this.db.getRepository(Deployment);
  }

  /** The reconciler's hooks (it is built after this service). */
  wire(changed: DeploymentChanged, deleting: (deployment: Deployment) => Promise<void>): void {
    this.changed.on = changed;
    this.changed.deleting = deleting;
  }

  // ---- access ----------------------------------------------------------------------------------

  /** How the viewer reaches the deployment: their permission (owner, organization, admin), or read as collaborator / subscriber / public; undefined: not at all. */
  private async reach(viewer: Principal | null, d: Deployment): Promise<{ permission?: Permission; access: CallerAccess } | undefined> {
    const permission = await this.access.permission(viewer, { ownerId: d.ownerId, visibility: 'private' as Visibility });
    if (allows(permission, 'read')) return { permission, access: { via: 'member', plan: null } };
    if (viewer) {
      const [collaborator] = await this.db.query(`SELECT 1 FROM model_collaborators WHERE model_id = $1 AND user_id = $2`, [d.modelId, viewer.user.id]);
      if (collaborator) return { permission: 'read', access: { via: 'member', plan: null } };
      const [subscription] = await this.db.query(
        `SELECT plan_name, plan_daily_request_quota FROM notification_subscriptions WHERE model_id = $1 AND user_id = $2`,
        [d.modelId, viewer.user.id],
      );
      if (subscription) {
        const plan = subscription.plan_name === null ? null : { name: subscription.plan_name as string, dailyRequestQuota: Number(subscription.plan_daily_request_quota) };
        return { permission: 'read', access: { via: 'subscriber', plan } };
      }
    }
    if (d.visibility !== Visibility.PRIVATE) return { permission: 'read', access: { via: 'public', plan: null } };
    return undefined;
  }

  private async byOwnerAndName(owner: string, name: string): Promise<Deployment> {
    let ownerId: string;
    try {
      ownerId = (await this.organizations.ownerByHandle(owner, 'Deployment')).id;
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') throw notFound('Deployment');
      throw error;
    }
    const d = await this.repo.createQueryBuilder('d').where('d.ownerId = :ownerId AND lower(d.name) = lower(:name)', { ownerId, name }).getOne();
    if (!d) throw notFound('Deployment');
    return d;
  }

  /** Whether the viewer may change the deployment (its owner, its organization's members, admins). */
  async canChange(viewer: Principal | null, d: Deployment): Promise<boolean> {
    return allows((await this.reach(viewer, d))?.permission, 'write');
  }

  /** The deployment `owner/name` if the viewer may see it (NOT_FOUND otherwise); with `need` write, FORBIDDEN to those who only see it. */
  async get(viewer: Principal | null, owner: string, name: string, need: Permission = 'read'): Promise<Deployment> {
    const d = await this.byOwnerAndName(owner, name);
    const reach = await this.reach(viewer, d);
    if (!reach) throw notFound('Deployment');
    if (need !== 'read' && !allows(reach.permission, need)) throw forbidden(`You need ${need} access to this deployment`);
    return d;
  }

  /**
   * For the usage query: the deployment "owner/name" as the viewer may see it (null when they may
   * not), and whether they administer it (then they see every caller's usage of it).
   */
  async forUsage(viewer: Principal, ref: string): Promise<{ id: string; admin: boolean } | null> {
    const [owner, name, extra] = ref.split('/');
    if (!owner || !name || extra !== undefined) return null;
    try {
      const d = await this.byOwnerAndName(owner, name);
      const reach = await this.reach(viewer, d);
      return reach ? { id: d.id, admin: allows(reach.permission, 'admin') } : null;
    } catch (error) {
      if (error instanceof AppError && error.code === 'NOT_FOUND') return null;
      throw error;
    }
  }

  /** "owner/name" of the deployments among `ids` that still exist. */
  async fullNames(ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const found: { id: string; owner: string; name: string }[] = await this.db.query(
      `SELECT d.id, coalesce(u.username, o.handle) AS owner, d.name FROM deployments d
       LEFT JOIN users u ON u.id = d.owner_id LEFT JOIN organizations o ON o.id = d.owner_id WHERE d.id = ANY($1::uuid[])`,
      [ids],
    );
    return new Map(found.map((r) => [r.id, `${r.owner}/${r.name}`]));
  }

  /** By id, no access check (the router, the reconciler, subscriptions re-reading). */
  byId(id: string): Promise<Deployment | null> {
    return this.repo.findOneBy({ id });
  }

  /** Deployments the viewer may list, newest first; `owner` (a handle) and `model` ("owner/name") narrow it. */
  async list(viewer: Principal | null, filter: { owner?: string | null; model?: string | null }, args: PageArgs): Promise<Page<Deployment>> {
    const qb = this.repo.createQueryBuilder('d').where(deploymentReadableSql(viewer ? ':me' : null, viewer?.user.isAdmin ?? false, 'listed'), viewer ? { me: viewer.user.id } : {});
    const empty = emptyPage<Deployment>();
    if (filter.owner) {
      try {
        qb.andWhere('d.ownerId = :ownerId', { ownerId: (await this.organizations.ownerByHandle(filter.owner, 'Owner')).id });
      } catch (error) {
        if (error instanceof AppError && error.code === 'NOT_FOUND') return empty;
        throw error;
      }
    }
    if (filter.model) {
      const [owner, name] = splitModel(filter.model);
      try {
        qb.andWhere('d.modelId = :modelId', { modelId: (await this.catalog.get(viewer, owner, name)).id });
      } catch (error) {
        if (error instanceof AppError && error.code === 'NOT_FOUND') return empty;
        throw error;
      }
    }
    return paginate(qb, args);
  }

  // ---- changes ---------------------------------------------------------------------------------

  async create(principal: Principal, input: CreateDeploymentInput): Promise<Deployment> {
    const c = checks().listing({ name: input.name });
    if (!/^[^/\s]+\/[^/\s]+$/.test(input.model ?? '')) c.add('model', 'name the model as "owner/name"');
    const settings = checkSettings(c, input, { minReplicas: 1, maxReplicas: null });
    const autoscaling = input.autoscaling ? autoscalingSettings(c, input.autoscaling, null, settings.minReplicas!) : null;
    c.throwIfAny();
    const owner = await this.organizations.ownerForNew(principal, input.owner, 'deployments');
    const [modelOwner, modelName] = splitModel(input.model);
    const model = await this.catalog.get(principal, modelOwner, modelName);
    const split = await resolveSplit(this.db, model, `${modelOwner}/${modelName}`, input, settings);
    const served = split?.primary ?? (await resolveVersion(this.db, model, `${modelOwner}/${modelName}`, input.version ?? null, input.alias ?? null));
    // An autoscaled deployment starts with one replica at least (it scales to zero once idle).
    const wanted = autoscaling ? Math.min(settings.maxReplicas!, Math.max(settings.minReplicas!, 1)) : null;
    if (split && wanted !== null) {
      const counts = variantReplicas(wanted, split.variants);
      split.variants = split.variants.map((v, i) => ({ ...v, replicas: counts[i] }));
    }
    try {
      let announce = () => undefined as void;
      const saved = await this.db.transaction(async (tx) => {
        const row = await tx.getRepository(Deployment).save(
        tx.getRepository(Deployment).create({
          ownerId: owner.id,
          name: input.name,
          modelId: model.id,
          versionId: served.versionId,
          versionNumber: served.versionNumber,
          alias: split ? split.alias : (input.alias ?? null),
          variants: split?.variants ?? [],
          stickiness: input.stickiness ?? VariantStickiness.REQUEST,
          minReplicas: settings.minReplicas!,
          maxReplicas: settings.maxReplicas!,
          autoscalingValue: autoscaling ?? null,
          wantedReplicas: wanted,
          autoscalerValue: null,
          requirementsValue: settings.requirements ?? { gpu: false, minMemoryBytes: null, labels: [] },
          batchingValue: settings.batching ?? batchingSpec.parse({}),
          requestsPerSecond: settings.limits?.requestsPerSecond ?? null,
          dailyRequests: settings.limits?.dailyRequests ?? null,
          visibility: input.visibility ?? Visibility.PRIVATE,
          status: DeploymentStatus.PENDING,
          statusMessage: null,
          failures: 0,
          createdBy: principal.user.id,
        }),
        );
        // Its creator follows it from the start: its rollouts, incidents and budget reach their inbox.
        await tx.query(`INSERT INTO notification_subscriptions (user_id, deployment_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [principal.user.id, row.id]);
        announce = await this.timeline.record(tx, row.id, {
          kind: 'CREATED',
          message: `created by ${principal.user.username}, serving ${servedWords(row)}`,
          detail: { by: principal.user.username, versionNumber: row.versionNumber, alias: row.alias, variants: row.variants.map((v) => ({ versionNumber: v.versionNumber, weight: v.weight, shadow: v.shadow })) },
        });
        return row;
      });
      announce();
      await this.changed.on?.(saved.id);
      return (await this.byId(saved.id)) ?? saved;
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`${owner.handle} already has a deployment named ${input.name}`, 'name');
      throw error;
    }
  }

  async update(principal: Principal, owner: string, name: string, input: DeploymentSettingsInput): Promise<Deployment> {
    const d = await this.get(principal, owner, name, 'write');
    const c = checks();
    const servedBefore = servedWords(d);
    const settings = checkSettings(c, input, { minReplicas: d.minReplicas, maxReplicas: d.maxReplicas });
    let autoscaling: AutoscalingSettings | null | undefined = d.autoscalingValue;
    if (input.autoscaling === null) autoscaling = null;
    else if (input.autoscaling || d.autoscalingValue) autoscaling = autoscalingSettings(c, input.autoscaling ?? {}, d.autoscalingValue, settings.minReplicas!);
    c.throwIfAny();
    if (input.variants != null) {
      const split = (await resolveSplit(this.db, await this.modelOf(d), await this.modelName(d), input, settings))!;
      d.versionId = split.primary.versionId;
      d.versionNumber = split.primary.versionNumber;
      d.alias = split.alias;
      d.variants = split.variants;
    } else if (input.version != null || input.alias != null) {
      const model = await this.modelOf(d);
      const served = await resolveVersion(this.db, model, await this.modelName(d), input.version ?? null, input.alias ?? null);
      d.versionId = served.versionId;
      d.versionNumber = served.versionNumber;
      d.alias = input.alias ?? null;
      // A version or an alias is a split of one.
      d.variants = [];
    }
    if (input.stickiness != null) d.stickiness = input.stickiness;
    if (input.visibility != null && input.visibility !== d.visibility) {
      const permission = await this.access.permission(principal, { ownerId: d.ownerId, visibility: d.visibility });
      if (!allows(permission, 'admin')) throw forbidden('You need admin access to change who sees this deployment');
      d.visibility = input.visibility;
    }
    d.minReplicas = settings.minReplicas!;
    d.maxReplicas = settings.maxReplicas!;
    if (autoscaling) {
      // The wanted count stays where the autoscaler had it, within the new bounds.
      const current = d.autoscalingValue ? (d.wantedReplicas ?? d.minReplicas) : Math.max(d.minReplicas, 1);
      d.wantedReplicas = current === 0 && d.minReplicas === 0 ? 0 : Math.min(d.maxReplicas, Math.max(d.minReplicas, current, 1));
    } else {
      d.wantedReplicas = null;
      d.autoscalerValue = null;
    }
    d.autoscalingValue = autoscaling ?? null;
    if (d.variants.length > 0) {
      if (d.minReplicas > 0 && d.variants.length > d.maxReplicas) {
        if (input.maxReplicas != null) throw badInput('maxReplicas', `must be at least the number of variants (${d.variants.length})`);
        d.maxReplicas = d.variants.length;
      }
      const counts = variantReplicas(d.autoscalingValue ? d.wantedReplicas! : d.minReplicas, d.variants);
      d.variants = d.variants.map((v, i) => ({ ...v, replicas: counts[i] }));
    }
    if (settings.requirements) d.requirementsValue = settings.requirements;
    if (settings.batching) d.batchingValue = settings.batching;
    if (input.limits) {
      if (input.limits.requestsPerSecond !== undefined) d.requestsPerSecond = input.limits.requestsPerSecond;
      if (input.limits.dailyRequests !== undefined) d.dailyRequests = input.limits.dailyRequests;
    }
    // A change is a fresh start: replicas that kept failing are tried again.
    d.failures = 0;
    if (d.status === DeploymentStatus.FAILED) {
      d.status = DeploymentStatus.PENDING;
      d.statusMessage = null;
    }
    d.updatedAt = new Date();
    const servedNow = servedWords(d);
    const announce = await this.db.transaction(async (tx) => {
      await tx.getRepository(Deployment).save(d);
      if (servedNow === servedBefore) return () => undefined;
      return this.timeline.record(tx, d.id, {
        kind: 'VERSION_CHANGED',
        message: `${principal.user.username} changed what it serves from ${servedBefore} to ${servedNow}`,
        detail: { by: principal.user.username, versionNumber: d.versionNumber, alias: d.alias, variants: d.variants.map((v) => ({ versionNumber: v.versionNumber, weight: v.weight, shadow: v.shadow })) },
      });
    });
    announce();
    await this.changed.on?.(d.id);
    return (await this.byId(d.id)) ?? d;
  }

  /** Cancels every replica, then removes the deployment. */
  async delete(principal: Principal, owner: string, name: string): Promise<boolean> {
    const d = await this.get(principal, owner, name, 'write');
    await this.changed.deleting?.(d);
    return true;
  }

  // ---- progressive rollouts (rollout/) ---------------------------------------------------------

  /** A version of the deployment's model that may join it as a variant: servable, taking the same features for the same task (`prefix`version / `prefix`alias at fault). */
  async variantVersion(d: Deployment, version: number | null, alias: string | null, prefix = ''): Promise<ServedVersion> {
    const served = await resolveVersion(this.db, await this.modelOf(d), await this.modelName(d), version, alias, prefix);
    const primary = await this.served(d);
    const shape = (s: ServedVersion) => JSON.stringify([s.task, s.features.map((f) => [f.name, f.type])]);
    if (shape(served) !== shape(primary)) {
      throw badInput(`${prefix}${alias != null ? 'alias' : 'version'}`, `version ${served.versionNumber} takes other features (or another task) than version ${primary.versionNumber}: every variant must answer the same requests`);
    }
    return served;
  }

  /**
   * Sets a deployment's variants inside `tx` (a rollout's step, promotion or rollback), as update
   * does: the primary (the non-shadow of the largest weight, the earlier on a tie) first and
   * mirrored in version_id / version_number / alias, a lone non-shadow variant stored as a split of
   * one, replicas shared by weight. Returns false when the deployment is gone. Announce the change
   * with {@link announce} after the commit.
   */
  async setVariants(tx: EntityManager, deploymentId: string, variants: StoredVariant[]): Promise<boolean> {
    const repo = tx.getRepository(Deployment);
    const d = await repo.findOne({ where: { id: deploymentId }, lock: { mode: 'pessimistic_write' } });
    if (!d) return false;
    let primaryAt = variants.findIndex((v) => !v.shadow);
    variants.forEach((v, i) => {
      if (!v.shadow && v.weight > variants[primaryAt].weight) primaryAt = i;
    });
    const ordered = [variants[primaryAt], ...variants.filter((_, i) => i !== primaryAt)];
    const primary = ordered[0];
    d.versionId = primary.versionId;
    d.versionNumber = primary.versionNumber;
    d.alias = primary.alias;
    if (ordered.length === 1) d.variants = [];
    else {
      if (d.minReplicas > 0 && ordered.length > d.maxReplicas) d.maxReplicas = ordered.length;
      const counts = variantReplicas(d.autoscalingValue ? (d.wantedReplicas ?? d.minReplicas) : d.minReplicas, ordered);
      d.variants = ordered.map((v, i) => ({ ...v, replicas: counts[i] }));
    }
    d.updatedAt = new Date();
    await repo.save(d);
    return true;
  }

  /** Tells the reconciler and subscribers that a deployment changed (after {@link setVariants} committed). */
  async announce(deploymentId: string): Promise<void> {
    await this.changed.on?.(deploymentId);
  }

  // ---- the front doors and the router ----------------------------------------------------------

  /** The deployment `owner/name` as the front doors call it, and why this caller may: NOT_FOUND to those who may not. */
  async callable(principal: Principal, owner: string, name: string): Promise<{ target: DeploymentTarget; access: CallerAccess }> {
    const d = await this.byOwnerAndName(owner, name);
    const reach = await this.reach(principal, d);
    if (!reach) throw notFound('Deployment');
    return { target: await this.target(d), access: reach.access };
  }

  /** The deployment with this id as the router needs it; null when there is none. */
  async targetById(id: string): Promise<DeploymentTarget | null> {
    const d = await this.byId(asUuid(id, 'Deployment'));
    return d ? this.target(d) : null;
  }

  private async target(d: Deployment): Promise<DeploymentTarget> {
    const served = await this.served(d);
    const handles = await this.organizations.ownerHandles([d.ownerId]);
    return {
      id: d.id,
      owner: handles.get(d.ownerId) ?? '',
      name: d.name,
      ownerId: d.ownerId,
      model: await this.modelName(d),
      modelId: d.modelId,
      versionId: served.versionId,
      versionNumber: served.versionNumber,
      task: served.task,
      features: served.features,
      labels: served.labels,
      labelName: served.labelName,
      requestsPerSecond: d.requestsPerSecond,
      dailyRequestQuota: d.dailyRequests,
      ...(Object.keys(d.keyThrottles ?? {}).length ? { keyThrottles: Object.fromEntries(Object.entries(d.keyThrottles).map(([key, t]) => [key, t.requestsPerSecond])) } : {}),
      ...(d.status === DeploymentStatus.STOPPED && d.statusMessage && isBudgetHoldMessage(d.statusMessage) ? { stoppedBecause: d.statusMessage } : {}),
      ...(d.autoscalingValue ? { autoscaled: true } : {}),
      ...(d.autoscalingValue?.scaleToZeroAfterSeconds != null ? { scalesToZero: true } : {}),
      ...(d.variants?.length ? { variants: await this.variantTargets(d.variants), stickiness: d.stickiness === VariantStickiness.CALLER ? 'caller' : 'request' } : {}),
    };
  }

  /** Each variant with its version's signature; a variant whose version was deleted is left out. */
  private async variantTargets(variants: readonly StoredVariant[]): Promise<VariantTarget[]> {
    const out: VariantTarget[] = [];
    for (const v of variants) {
      let served: ServedVersion;
      try {
        served = await this.served(v);
      } catch {
        continue;
      }
      out.push({ versionId: v.versionId, versionNumber: v.versionNumber, weight: v.weight, shadow: v.shadow, task: served.task, features: served.features, labels: served.labels, labelName: served.labelName });
    }
    return out;
  }

  /** The version the deployment serves, as its replicas get it. */
  async served(d: Pick<Deployment, 'versionId' | 'versionNumber'>): Promise<ServedVersion> {
    const version = await this.db.getRepository(ModelVersion).findOneBy({ id: d.versionId });
    if (!version) throw new AppError('UNAVAILABLE', `version ${d.versionNumber} of this deployment's model was deleted`);
    const served = servedVersion(version, `version ${version.number}`);
    if (typeof served === 'string') throw new AppError('UNAVAILABLE', served);
    return served;
  }

  /** The version row the deployment serves (null when it was deleted). */
  versionOf(d: Pick<Deployment, 'versionId'>): Promise<ModelVersion | null> {
    return this.db.getRepository(ModelVersion).findOneBy({ id: d.versionId });
  }

  /** Its replicas with their node and load, oldest first. */
  async replicas(deploymentId: string): Promise<Replica[]> {
    const found: any[] = await this.db.query(
      `SELECT r.job_id, r.state, r.version_number, r.in_flight, r.queued, r.latency_ms, r.ready_at, j.status AS job_status,
         coalesce(r.node_id, j.node_id) AS node_id, n.name AS node_name
       FROM deployment_replicas r JOIN jobs j ON j.id = r.job_id LEFT JOIN nodes n ON n.id = coalesce(r.node_id, j.node_id)
       WHERE r.deployment_id = $1 ORDER BY j.created_at, r.job_id`,
      [deploymentId],
    );
    return found.map((r) => ({
      id: r.job_id,
      state:
        r.state === 'stopping' ? ReplicaState.STOPPING : r.state === 'ready' ? ReplicaState.READY : r.job_status === 'queued' ? ReplicaState.PLACING : ReplicaState.LOADING,
      versionNumber: Number(r.version_number),
      nodeId: r.job_status === 'queued' ? null : r.node_id,
      nodeName: r.job_status === 'queued' ? null : r.node_name,
      inFlight: Number(r.in_flight),
      queued: Number(r.queued),
      latencyMs: r.latency_ms === null ? null : Number(r.latency_ms),
      readyAt: r.ready_at,
    }));
  }

  /** "owner/name" of the deployment's model. */
  async modelName(d: Pick<Deployment, 'modelId'>): Promise<string> {
    const [row] = await this.db.query(
      `SELECT coalesce(u.username, o.handle) AS owner, m.name FROM models m LEFT JOIN users u ON u.id = m.owner_id LEFT JOIN organizations o ON o.id = m.owner_id WHERE m.id = $1`,
      [d.modelId],
    );
    return row ? `${row.owner}/${row.name}` : '';
  }

  private async modelOf(d: Deployment): Promise<Model> {
    const [owner, name] = splitModel(await this.modelName(d));
    return this.catalog.byOwnerAndName(owner, name);
  }


}
