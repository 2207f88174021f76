/**
 * One online prediction, whichever door it came through (TF Serving REST, KServe v2, GraphQL
 * predict, ML.PREDICT online): find the deployment the caller may call, resolve the version asked
 * for, spend the caller's limits, check the records against the signature, run them on a replica,
 * meter the call. The doors only convert their wire format to raw records and back.
 *
 * Order matters: an unknown or hidden deployment is NOT_FOUND before anything is spent; a request
 * that passed admission is metered whatever happens next (bad records count as errors, as they
 * cost the hub a request), so quotas and usage agree.
 *
 * A split deployment (split/): the request goes to the variant its pin, routing key or a weighted
 * draw names (split/route-request.ts), and a copy may go to its shadows. A copy is neither admitted
 * nor metered (it spends no quota of the caller's), and the caller's answer never waits for it:
 * once both answered, the shadow meter records whether they agree and how long each took.
 */
import type { RawRecord } from '../../../../schema/index.js';
import type { Principal } from '../../accounts/index.js';
import { AppError, badInput, notFound } from '../../errors.js';
import type { Admission, Metering, RateLimitHeaders } from '../admission.js';
import type { CallerAccess, DeploymentTarget, VariantTarget } from '../deployment-target.js';
import type { InferenceAnswer, InferenceRouter } from '../inference.js';
import type { ReplicaDirectory } from '../replica-directory.js';
import { agreement } from '../split/agreement.js';
import { pinnedVersion, routeRequest, routingKey, type Routing } from '../split/route-request.js';
import type { ShadowEntry } from '../split/shadow-meter.js';
import { checkRecords } from './check-records.js';

/** Finds a deployment the caller may call (DeploymentsService.callable): NOT_FOUND when it does not exist or they may not see it. */
export interface CallableDeployments {
  callable(principal: Principal, owner: string, name: string): Promise<{ target: DeploymentTarget; access: CallerAccess }>;
}

/** A model's aliases with the version numbers they point at (CatalogService.aliasesOfModels). */
export interface ModelAliases {
  aliasesOfModels(modelIds: readonly string[]): Promise<Map<string, { alias: string; number: number }[]>>;
}

/** Which version of the deployment: any it serves, a number (TF Serving `/versions/n`, KServe `/versions/n`) or the model's alias (TF Serving `/labels/alias`). */
export type VersionSelector = { versionNumber?: number; label?: string };

/** The records of a call, or how to read them once the signature is known (list instances come in signature order). */
export type RecordsInput = readonly unknown[] | ((target: DeploymentTarget) => readonly unknown[]);

export interface Prediction {
  target: DeploymentTarget;
  answer: InferenceAnswer;
  /** The records as checked and sent (the doors echo nothing of them, ML.PREDICT does). */
  records: RawRecord[];
  /** `RateLimit-*` headers to send back. */
  rateLimit: RateLimitHeaders;
}

export interface InferenceParts {
  deployments: CallableDeployments;
  admission: Admission;
  router: InferenceRouter;
  metering: Metering;
  /** The replicas that are ready, for the version status the doors show and to refuse versions nobody serves. */
  replicas: Pick<ReplicaDirectory, 'ready'>;
  /** Where shadow copies' figures go (split/shadow-meter.ts). */
  shadows?: { record(entry: ShadowEntry): void };
  /** Counts an autoscaled deployment's requests in progress (autoscale/concurrency-meter.ts); call the returned function when one ends. */
  demand?: { begin(deploymentId: string): () => void };
  /** Cold starts of deployments scaled to zero: ask for a replica, wait for one to be ready. */
  coldStart?: { wake(deploymentId: string): Promise<void>; whenReady(deploymentId: string, deadlineAt: number): Promise<boolean> };
}

/** What a request to a deployment its budget stopped tells the client to wait: the hold lasts until someone raises the budget or the month ends. */
const BUDGET_STOP_RETRY_AFTER_SECONDS = 3600;

/** What a request refused after waiting in vain for a cold start tells the client to wait. */
export const COLD_START_RETRY_AFTER_SECONDS = 5;

/** Output values one answer may carry (a value is at most about 24 bytes of JSON: under the agents' 1 MiB frame). */
export const MAX_OUTPUT_VALUES = 40_000;

export class InferenceService {
  constructor(
    private readonly parts: InferenceParts,
    private readonly catalog: ModelAliases,
    private readonly now: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {}

  /** The deployment as the caller may see it (NOT_FOUND otherwise), for the status and metadata routes. */
  async describe(principal: Principal, owner: string, name: string, selector: VersionSelector = {}): Promise<DeploymentView> {
    const { target } = await this.parts.deployments.callable(principal, owner, name);
    const versionNumber = await this.versionOf(target, selector);
    const ready = this.parts.replicas.ready(target.id);
    const served = [...new Set([target.versionNumber, ...(target.variants ?? []).map((v) => v.versionNumber), ...ready.map((r) => r.versionNumber)])].sort((a, b) => b - a);
    if (versionNumber !== undefined && !served.includes(versionNumber)) throw notFound(`Version ${versionNumber} of deployment ${owner}.${name}`);
    return {
      target,
      versions: (versionNumber === undefined ? served : [versionNumber]).map((n) => ({
        number: n,
        readyReplicas: ready.filter((r) => r.versionNumber === n).length,
      })),
    };
  }

  /**
   * `field` names where the records sit in the caller's request, for messages (`instances`,
   * `inputs`); `routing` is how the caller steers a split deployment (the pin and routing key).
   */
  async predict(
    principal: Principal,
    owner: string,
    name: string,
    selector: VersionSelector,
    input: RecordsInput,
    deadlineAt: number,
    field = 'instances',
    routing: Routing = {},
  ): Promise<Prediction> {
    const started = this.now();
    const { target, access } = await this.parts.deployments.callable(principal, owner, name);
    let versionNumber = await this.versionOf(target, selector);
    const pinned = pinnedVersion(target, routing);
    if (pinned !== undefined) {
      if (versionNumber !== undefined && versionNumber !== pinned) throw badInput('X-AIMass-Variant', `names version ${pinned}, the request names version ${versionNumber}`);
      versionNumber = pinned;
    }
    const key = routingKey(routing);
    const known = versionNumber === target.versionNumber || (target.variants ?? []).some((v) => v.versionNumber === versionNumber);
    if (versionNumber !== undefined && !known && !this.parts.replicas.ready(target.id).some((r) => r.versionNumber === versionNumber)) {
      throw notFound(`Version ${versionNumber} of deployment ${owner}.${name}`);
    }
    // Stopped by its budget: no replica will start for this request, so it is not held or counted.
    if (target.stoppedBecause) throw new AppError('UNAVAILABLE', `Deployment ${owner}/${name} is ${target.stoppedBecause}`, [], BUDGET_STOP_RETRY_AFTER_SECONDS);
    const rateLimit = await this.parts.admission.admit(principal, target, access);
    let rows = 0;
    // The variant chosen for it: a failed request counts against that version (a canary's analysis reads it).
    let routedVersion: number | undefined;
    const ended = target.autoscaled ? this.parts.demand?.begin(target.id) : undefined;
    try {
      const records = checkRecords(target.features, typeof input === 'function' ? input(target) : input, field);
      rows = records.length;
      // The answer rides one agent frame: a request whose outputs could not fit is refused here, before a replica runs it.
      const perRecord = Math.max(1, target.labels.length);
      if (records.length * perRecord > MAX_OUTPUT_VALUES) {
        throw badInput(field, `at most ${Math.floor(MAX_OUTPUT_VALUES / perRecord)} records per request for a model with ${perRecord} outputs per record`);
      }
      if (target.scalesToZero) await this.coldStart(target, deadlineAt);
      const routed =
        versionNumber === undefined && target.variants
          ? routeRequest(target, principal, key, new Set(this.parts.replicas.ready(target.id).map((r) => r.versionNumber)), this.random)
          : { versionNumber, shadows: [] };
      routedVersion = routed.versionNumber;
      const answering = this.parts.router.infer({ deploymentId: target.id, versionNumber: routed.versionNumber, exceptVersions: routed.exceptVersions, records, deadlineAt });
      for (const shadow of routed.shadows) this.copyToShadow(target, shadow, records, deadlineAt, answering);
      const answer = await answering;
      this.meter(principal, target, rows, false, answer.computeMs, this.now() - started, answer.batchSize, { versionNumber: answer.versionNumber, replicaId: answer.replicaId });
      return { target: answeredBy(target, answer.versionNumber), answer, records, rateLimit };
    } catch (error) {
      this.meter(principal, target, rows, true, 0, this.now() - started, undefined, {
        versionNumber: versionNumber ?? routedVersion ?? target.versionNumber,
        status: error instanceof AppError ? error.code : 'INTERNAL',
      });
      if (error instanceof AppError) throw withHeaders(error, rateLimit);
      throw error;
    } finally {
      ended?.();
    }
  }

  /**
   * A deployment that scales to zero with no ready replica: the request asks for one at once and
   * is held until it is ready, or refused UNAVAILABLE (503, Retry-After) when its deadline comes
   * first. Requests held together are all released by the same replica.
   */
  private async coldStart(target: DeploymentTarget, deadlineAt: number): Promise<void> {
    const cold = this.parts.coldStart;
    if (!cold || this.parts.replicas.ready(target.id).length > 0) return;
    void cold.wake(target.id);
    if (await cold.whenReady(target.id, deadlineAt)) return;
    throw new AppError(
      'UNAVAILABLE',
      `Deployment ${target.owner}/${target.name} was scaled to zero and no replica became ready before the request's deadline; one is starting`,
      [],
      COLD_START_RETRY_AFTER_SECONDS,
    );
  }

  /**
   * Sends a copy of the records to a shadow variant and, once it and the caller's answer are both
   * in, records the comparison. Never throws, and nothing waits for it.
   */
  private copyToShadow(target: DeploymentTarget, shadow: VariantTarget, records: RawRecord[], deadlineAt: number, answering: Promise<InferenceAnswer>): void {
    const meter = this.parts.shadows;
    if (!meter) return;
    const copy = this.parts.router.infer({ deploymentId: target.id, versionNumber: shadow.versionNumber, records, deadlineAt });
    void Promise.allSettled([answering, copy]).then(([primary, mirrored]) => {
      const answered = primary.status === 'fulfilled' ? primary.value : null;
      const copied = mirrored.status === 'fulfilled' ? mirrored.value : null;
      const compared =
        answered && copied
          ? agreement({ ...answeredBy(target, answered.versionNumber), outputs: answered.outputs }, { task: shadow.task, labels: shadow.labels, outputs: copied.outputs })
          : { compared: 0, agreed: 0 };
      meter.record({
        deploymentId: target.id,
        versionNumber: shadow.versionNumber,
        error: copied === null,
        ...compared,
        latencyMs: copied?.latencyMs ?? null,
        primaryLatencyMs: answered?.latencyMs ?? null,
      });
    });
  }

  /** The version number a selector names: undefined for "any the deployment serves"; an alias read from the catalog. */
  private async versionOf(target: DeploymentTarget, selector: VersionSelector): Promise<number | undefined> {
    if (selector.versionNumber !== undefined) {
      if (!Number.isInteger(selector.versionNumber) || selector.versionNumber < 1) throw badInput('version', 'must be a whole number from 1');
      return selector.versionNumber;
    }
    if (selector.label === undefined) return undefined;
    const aliases = (await this.catalog.aliasesOfModels([target.modelId])).get(target.modelId) ?? [];
    const alias = aliases.find((a) => a.alias === selector.label);
    if (!alias) throw notFound(`Label "${selector.label}" of model ${target.model}`);
    return alias.number;
  }

  private meter(
    principal: Principal,
    target: DeploymentTarget,
    rows: number,
    error: boolean,
    computeMs: number,
    latencyMs: number,
    batchSize: number | undefined,
    answered: { versionNumber: number; replicaId?: string; status?: string },
  ): void {
    this.parts.metering.record({
      ...answered,
      deployment: `${target.owner}/${target.name}`,
      deploymentId: target.id,
      userId: principal.user.id,
      apiKeyId: principal.via === 'apiKey' ? principal.credentialId : null,
      rows,
      error,
      computeMs,
      latencyMs,
      ...(batchSize === undefined ? {} : { batchSize }),
    });
  }
}

/** The deployment as the version that answered sees it (its labels and signature), when that version is one of its variants. */
function answeredBy(target: DeploymentTarget, versionNumber: number): DeploymentTarget {
  const variant = target.variants?.find((v) => v.versionNumber === versionNumber);
  if (!variant || variant.versionNumber === target.versionNumber) return target;
  const { weight: _weight, shadow: _shadow, ...version } = variant;
  return { ...target, ...version };
}

export interface DeploymentView {
  target: DeploymentTarget;
  /** Newest first; the deployment's own version is always listed (unready while it has no ready replica). */
  versions: { number: number; readyReplicas: number }[];
}

/** Headers an error carries to the doors (RATE_LIMITED from admission carries its own `RateLimit-*`). */
export function headersOf(error: unknown): RateLimitHeaders {
  const headers = (error as { headers?: unknown }).headers;
  return typeof headers === 'object' && headers !== null ? (headers as RateLimitHeaders) : {};
}

/** The admission's `RateLimit-*` headers stay on an error that happened after it, so every answer carries them. */
function withHeaders(error: AppError, rateLimit: RateLimitHeaders): AppError {
  if (Object.keys(headersOf(error)).length > 0) return error;
  return error.withHeaders(rateLimit);
}
