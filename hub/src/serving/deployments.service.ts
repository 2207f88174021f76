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
import { batchingSpec, type BatchingSpec } from '../../../schema/index.js';
import { AccessService, allows, type Permission } from '../access/index.js';
import { Visibility, type OrganizationsService, type Principal } from '../accounts/index.js';
import { ModelVersion, type CatalogService, type Model } from '../catalog/index.js';
import { asUuid } from '../db/ids.js';
import { emptyPage } from '../db/keyset-search.js';
import { paginate, type Page, type PageArgs } from '../db/paging.js';
import { isUniqueViolation } from '../db/unique-violation.js';
import { AppError, badInput, conflict, forbidden, notFound } from '../errors.js';
import { checks, type Checks } from '../validation/checks.js';
import { isBudgetHoldMessage } from './budgets/budget-hold.js';
import { Deployment, DeploymentStatus, type DeploymentRequirementsValue } from './deployment.entity.js';
import { ReplicaState, type Replica } from './deployment-replica.entity.js';
import type { CallerAccess, DeploymentTarget, VariantTarget } from './deployment-target.js';
import { autoscalingSettings, type AutoscalingInput } from './autoscale/autoscaling-settings.js';
import type { AutoscalingSettings } from './autoscale/kpa.js';
import type { DeploymentEvents } from './events/deployment-events.js';
import { servedVersion, type ServedVersion } from './served-version.js';
import { MAX_VARIANTS, variantReplicas, VariantStickiness, type StoredVariant } from './split/variants.js';

/** Replicas a deployment may ask for. */
export const MAX_REPLICAS = 64;

export interface DeploymentRequirementsInput {
  gpu?: boolean | null;
  minMemoryBytes?: number | null;
  labels?: string[] | null;
}
export interface DeploymentSettingsInput {
  version?: number | null;
  alias?: string | null;
  minReplicas?: number | null;
  maxReplicas?: number | null;
  requirements?: DeploymentRequirementsInput | null;
  batching?: { maxBatchSize?: number | null; maxQueueDelayMs?: number | null } | null;
  limits?: { requestsPerSecond?: number | null; dailyRequests?: number | null } | null;
  visibility?: Visibility | null;
  /** A traffic split: its variants (not with version or alias). */
  variants?: { version?: number | null; alias?: string | null; weight: number; shadow?: boolean | null }[] | null;
  stickiness?: VariantStickiness | null;
  /** Autoscaling settings (the fields given over the current ones); null on update turns it off. */
  autoscaling?: AutoscalingInput | null;
}
export interface CreateDeploymentInput extends DeploymentSettingsInput {
  owner?: string | null;
  name: string;
  /** "owner/name" */
  model: string;
}

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

const ALIAS = /^[a-z][a-z0-9_-]{0,49}$/;
const LABEL = /^[A-Za-z0-9._:=-]{1,64}$/;

/** The viewer's access as SQL arms over deployments `d` (readable: not private; listed: public). */
export function deploymentReadableSql(me: string | null, isAdmin: boolean, mode: 'readable' | 'listed'): string {
  if (isAdmin) return 'true';
  const arms = [mode === 'listed' ? `d.visibility = 'public'` : `d.visibility <> 'private'`];
  if (me) {
    arms.push(
      `d.owner_id = ${me}`,
      `d.owner_id IN (SELECT organization_id FROM memberships WHERE user_id = ${me})`,
      `d.model_id IN (SELECT model_id FROM model_collaborators WHERE user_id = ${me})`,
      `d.model_id IN (SELECT model_id FROM notification_subscriptions WHERE user_id = ${me} AND model_id IS NOT NULL)`,
    );
  }
  return `(${arms.join(' OR ')})`;
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
    const settings = this.settings(c, input, { minReplicas: 1, maxReplicas: null });
    const autoscaling = input.autoscaling ? autoscalingSettings(c, input.autoscaling, null, settings.minReplicas!) : null;
    c.throwIfAny();
    const owner = await this.organizations.ownerForNew(principal, input.owner, 'deployments');
    const [modelOwner, modelName] = splitModel(input.model);
    const model = await this.catalog.get(principal, modelOwner, modelName);
    const split = await this.resolveSplit(model, `${modelOwner}/${modelName}`, input, settings);
    const served = split?.primary ?? (await this.resolveVersion(model, `${modelOwner}/${modelName}`, input.version ?? null, input.alias ?? null));
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
    const settings = this.settings(c, input, { minReplicas: d.minReplicas, maxReplicas: d.maxReplicas });
    let autoscaling: AutoscalingSettings | null | undefined = d.autoscalingValue;
    if (input.autoscaling === null) autoscaling = null;
    else if (input.autoscaling || d.autoscalingValue) autoscaling = autoscalingSettings(c, input.autoscaling ?? {}, d.autoscalingValue, settings.minReplicas!);
    c.throwIfAny();
    if (input.variants != null) {
      const split = (await this.resolveSplit(await this.modelOf(d), await this.modelName(d), input, settings))!;
      d.versionId = split.primary.versionId;
      d.versionNumber = split.primary.versionNumber;
      d.alias = split.alias;
      d.variants = split.variants;
    } else if (input.version != null || input.alias != null) {
      const model = await this.modelOf(d);
      const served = await this.resolveVersion(model, await this.modelName(d), input.version ?? null, input.alias ?? null);
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
    const served = await this.resolveVersion(await this.modelOf(d), await this.modelName(d), version, alias, prefix);
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

  // ---- input rules -----------------------------------------------------------------------------

  /** The version `number`, the one `alias` points at, or the newest; BAD_USER_INPUT when it cannot be served. */
  private async resolveVersion(model: Model, shown: string, number: number | null, alias: string | null, prefix = ''): Promise<ServedVersion> {
    if (number != null && alias != null) throw badInput(`${prefix}alias`, 'give a version or an alias, not both');
    if (alias != null && !ALIAS.test(alias)) throw badInput(`${prefix}alias`, 'use 1–50 lower-case letters, digits, "_" or "-", starting with a letter');
    const field = alias != null ? 'alias' : 'version';
    const versions = this.db.getRepository(ModelVersion);
    let version: ModelVersion | null;
    if (alias != null) {
      const [row] = await this.db.query(`SELECT version_id FROM model_aliases WHERE model_id = $1 AND alias = $2`, [model.id, alias]);
      version = row ? await versions.findOneBy({ id: row.version_id }) : null;
      if (!version) throw badInput(`${prefix}alias`, `${shown} has no alias "${alias}"`);
    } else if (number != null) {
      version = Number.isInteger(number) ? await versions.findOneBy({ modelId: model.id, number }) : null;
      if (!version) throw badInput(`${prefix}version`, `${shown} has no version ${number}`);
    } else if (prefix) {
      throw badInput(`${prefix}version`, 'give the variant a version or an alias');
    } else {
      version = await versions.findOne({ where: { modelId: model.id }, order: { number: 'DESC' } });
      if (!version) throw badInput('model', `${shown} has no version yet`);
    }
    const served = servedVersion(version, `model ${shown}@${version.number}`);
    if (typeof served === 'string') throw badInput(field === 'alias' || number != null ? `${prefix}${field}` : 'model', served);
    return served;
  }

  /**
   * The variants of `input` checked and resolved (undefined when it names none): at most
   * MAX_VARIANTS, whole weights from 0 to 100 adding up to 100 over the non-shadow ones (a shadow's
   * 1 to 100), distinct versions that can be served and take the same features (names, types,
   * order) for the same task as the primary (the non-shadow one of the largest weight, the first on
   * a tie), which is listed first. One non-shadow variant alone is a split of one (no variants).
   */
  private async resolveSplit(
    model: Model,
    shown: string,
    input: DeploymentSettingsInput,
    settings: { minReplicas?: number; maxReplicas?: number },
  ): Promise<{ primary: ServedVersion; alias: string | null; variants: StoredVariant[] } | undefined> {
    const given = input.variants;
    if (given == null) return undefined;
    if (input.version != null || input.alias != null) throw badInput('variants', 'give variants, or a version or an alias, not both');
    if (given.length === 0 || given.length > MAX_VARIANTS) throw badInput('variants', `give 1 to ${MAX_VARIANTS} variants`);
    const c = checks();
    given.forEach((v, i) => {
      const shadow = v.shadow ?? false;
      const low = shadow ? 1 : 0;
      if (!Number.isInteger(v.weight) || v.weight < low || v.weight > 100) c.add(`variants[${i}].weight`, `must be a whole number from ${low} to 100${shadow ? ' (the percent of requests copied to the shadow)' : ''}`);
    });
    const routed = given.filter((v) => !v.shadow);
    if (routed.length === 0) c.add('variants', 'at least one variant must not be a shadow (someone must answer)');
    else if (routed.reduce((sum, v) => sum + (Number.isInteger(v.weight) ? v.weight : 0), 0) !== 100) c.add('variants', 'the weights of the variants that are not shadows must add up to 100');
    c.throwIfAny();
    const resolved: ServedVersion[] = [];
    for (let i = 0; i < given.length; i++) {
      const served = await this.resolveVersion(model, shown, given[i].version ?? null, given[i].alias ?? null, `variants[${i}].`);
      const twin = resolved.findIndex((r) => r.versionId === served.versionId);
      if (twin >= 0) throw badInput(`variants[${i}].${given[i].alias != null ? 'alias' : 'version'}`, `version ${served.versionNumber} is already variant ${twin}`);
      resolved.push(served);
    }
    let primaryAt = given.findIndex((v) => !v.shadow);
    given.forEach((v, i) => {
      if (!v.shadow && v.weight > given[primaryAt].weight) primaryAt = i;
    });
    const primary = resolved[primaryAt];
    const shape = (s: ServedVersion) => JSON.stringify([s.task, s.features.map((f) => [f.name, f.type])]);
    resolved.forEach((r, i) => {
      if (shape(r) !== shape(primary)) {
        c.add(`variants[${i}].${given[i].alias != null ? 'alias' : 'version'}`, `version ${r.versionNumber} takes other features (or another task) than version ${primary.versionNumber}: every variant must answer the same requests`);
      }
    });
    c.throwIfAny();
    const order = [primaryAt, ...given.map((_, i) => i).filter((i) => i !== primaryAt)];
    if (given.length === 1) return { primary, alias: given[0].alias ?? null, variants: [] };
    const counts = variantReplicas(settings.minReplicas ?? 0, order.map((i) => given[i]));
    const variants = order.map((i, k) => ({
      versionId: resolved[i].versionId,
      versionNumber: resolved[i].versionNumber,
      alias: given[i].alias ?? null,
      weight: given[i].weight,
      shadow: given[i].shadow ?? false,
      replicas: counts[k],
    }));
    if ((settings.minReplicas ?? 0) > 0 && variants.length > (settings.maxReplicas ?? 1)) {
      if (input.maxReplicas != null) throw badInput('maxReplicas', `must be at least the number of variants (${variants.length})`);
      settings.maxReplicas = variants.length;
    }
    return { primary, alias: given[primaryAt].alias ?? null, variants };
  }

  private settings(
    c: Checks,
    input: DeploymentSettingsInput,
    current: { minReplicas: number; maxReplicas: number | null },
  ): { minReplicas?: number; maxReplicas?: number; requirements?: DeploymentRequirementsValue; batching?: BatchingSpec; limits?: DeploymentSettingsInput['limits'] } {
    const min = input.minReplicas ?? current.minReplicas;
    const max = input.maxReplicas ?? Math.max(current.maxReplicas ?? 1, min, 1);
    if (!Number.isInteger(min) || min < 0 || min > MAX_REPLICAS) c.add('minReplicas', `must be a whole number from 0 to ${MAX_REPLICAS}`);
    if (!Number.isInteger(max) || max < 1 || max > MAX_REPLICAS) c.add('maxReplicas', `must be a whole number from 1 to ${MAX_REPLICAS}`);
    else if (Number.isInteger(min) && min > max) c.add('minReplicas', `must be at most maxReplicas (${max})`);
    let requirements: DeploymentRequirementsValue | undefined;
    if (input.requirements) {
      const r = input.requirements;
      requirements = { gpu: r.gpu ?? false, minMemoryBytes: null, labels: [] };
      if (r.minMemoryBytes != null) {
        if (!Number.isFinite(r.minMemoryBytes) || r.minMemoryBytes < 0) c.add('requirements.minMemoryBytes', 'must be 0 or more');
        else requirements.minMemoryBytes = Math.floor(r.minMemoryBytes);
      }
      if (r.labels?.length) {
        if (r.labels.length > 32 || r.labels.some((l) => !LABEL.test(l))) c.add('requirements.labels', 'at most 32 labels of letters, digits and . _ : = -');
        else requirements.labels = [...new Set(r.labels)];
      }
    }
    let batching: BatchingSpec | undefined;
    if (input.batching) {
      const given = Object.fromEntries(Object.entries(input.batching).filter(([, v]) => v != null));
      const parsed = batchingSpec.safeParse(given);
      if (!parsed.success) for (const issue of parsed.error.issues) c.add(['batching', ...issue.path].join('.'), issue.message);
      else batching = parsed.data;
    }
    const limits = input.limits ?? undefined;
    if (limits?.requestsPerSecond != null && (!Number.isFinite(limits.requestsPerSecond) || limits.requestsPerSecond <= 0 || limits.requestsPerSecond > 1e6)) {
      c.add('limits.requestsPerSecond', 'must be more than 0 and at most 1000000');
    }
    if (limits?.dailyRequests != null && (!Number.isInteger(limits.dailyRequests) || limits.dailyRequests < 1)) c.add('limits.dailyRequests', 'must be a whole number of at least 1');
    return { minReplicas: min, maxReplicas: max, requirements, batching, limits };
  }
}

function splitModel(model: string): [string, string] {
  const at = model.indexOf('/');
  if (at <= 0 || at === model.length - 1) throw badInput('model', 'name the model as "owner/name"');
  return [model.slice(0, at), model.slice(at + 1)];
}
