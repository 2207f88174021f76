/**
 * One online prediction, whichever door it came through (TF Serving REST, KServe v2, GraphQL
 * predict, ML.PREDICT online): find the deployment the caller may call, resolve the version asked
 * for, spend the caller's limits, check the records against the signature, run them on a replica,
 * meter the call. The doors only convert their wire format to raw records and back.
 *
 * Order matters: an unknown or hidden deployment is NOT_FOUND before anything is spent; a request
 * that passed admission is metered whatever happens next (bad records count as errors, as they
 * cost the hub a request), so quotas and usage agree.
 */
import type { RawRecord } from '../../../../schema/index.js';
import type { Principal } from '../../accounts/index.js';
import { AppError, badInput, notFound } from '../../errors.js';
import type { Admission, Metering, RateLimitHeaders } from '../admission.js';
import type { CallerAccess, DeploymentTarget } from '../deployment-target.js';
import type { InferenceAnswer, InferenceRouter } from '../inference.js';
import type { ReplicaDirectory } from '../replica-directory.js';
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
}

/** Output values one answer may carry (a value is at most about 24 bytes of JSON: under the agents' 1 MiB frame). */
export const MAX_OUTPUT_VALUES = 40_000;

export class InferenceService {
  constructor(
    private readonly parts: InferenceParts,
    private readonly catalog: ModelAliases,
    private readonly now: () => number = Date.now,
  ) {}

  /** The deployment as the caller may see it (NOT_FOUND otherwise), for the status and metadata routes. */
  async describe(principal: Principal, owner: string, name: string, selector: VersionSelector = {}): Promise<DeploymentView> {
    const { target } = await this.parts.deployments.callable(principal, owner, name);
    const versionNumber = await this.versionOf(target, selector);
    const ready = this.parts.replicas.ready(target.id);
    const served = [...new Set([target.versionNumber, ...ready.map((r) => r.versionNumber)])].sort((a, b) => b - a);
    if (versionNumber !== undefined && !served.includes(versionNumber)) throw notFound(`Version ${versionNumber} of deployment ${owner}.${name}`);
    return {
      target,
      versions: (versionNumber === undefined ? served : [versionNumber]).map((n) => ({
        number: n,
        readyReplicas: ready.filter((r) => r.versionNumber === n).length,
      })),
    };
  }

  /** `field` names where the records sit in the caller's request, for messages (`instances`, `inputs`). */
  async predict(principal: Principal, owner: string, name: string, selector: VersionSelector, input: RecordsInput, deadlineAt: number, field = 'instances'): Promise<Prediction> {
    const started = this.now();
    const { target, access } = await this.parts.deployments.callable(principal, owner, name);
    const versionNumber = await this.versionOf(target, selector);
    if (versionNumber !== undefined && versionNumber !== target.versionNumber && !this.parts.replicas.ready(target.id).some((r) => r.versionNumber === versionNumber)) {
      throw notFound(`Version ${versionNumber} of deployment ${owner}.${name}`);
    }
    const rateLimit = await this.parts.admission.admit(principal, target, access);
    let rows = 0;
    try {
      const records = checkRecords(target.features, typeof input === 'function' ? input(target) : input, field);
      rows = records.length;
      // The answer rides one agent frame: a request whose outputs could not fit is refused here, before a replica runs it.
      const perRecord = Math.max(1, target.labels.length);
      if (records.length * perRecord > MAX_OUTPUT_VALUES) {
        throw badInput(field, `at most ${Math.floor(MAX_OUTPUT_VALUES / perRecord)} records per request for a model with ${perRecord} outputs per record`);
      }
      const answer = await this.parts.router.infer({ deploymentId: target.id, versionNumber, records, deadlineAt });
      this.meter(principal, target, rows, false, answer.computeMs, this.now() - started, answer.batchSize, { versionNumber: answer.versionNumber, replicaId: answer.replicaId });
      return { target, answer, records, rateLimit };
    } catch (error) {
      this.meter(principal, target, rows, true, 0, this.now() - started, undefined, {
        versionNumber: versionNumber ?? target.versionNumber,
        status: error instanceof AppError ? error.code : 'INTERNAL',
      });
      if (error instanceof AppError) throw withHeaders(error, rateLimit);
      throw error;
    }
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
