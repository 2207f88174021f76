/**
 * ML.PREDICT answered by a deployment (ml's OnlinePredictor slot): the input rows go to a READY
 * deployment of the model that has a ready replica of exactly the version ML.PREDICT names, through
 * InferenceService.predict — the caller's own principal, so the deployment's sharing rules
 * (callable), its admission (the caller's key, plan and the deployment's quotas: one request of
 * n rows) and metering apply as for any front door. A deployment the caller may not call is
 * passed over; when none is left ML.PREDICT runs its job.
 */
import type { Principal } from '../../accounts/index.js';
import { AppError } from '../../errors.js';
import type { OnlineAnswer, OnlinePredictCall, OnlinePredictor } from '../../ml/index.js';
import type { InferenceService } from '../doors/inference-service.js';
import type { ReplicaDirectory } from '../replica-directory.js';

/** Which deployments of a model serve a version now. */
export interface ModelDeployments {
  /** READY deployments of the model with a ready replica of that version, oldest first, as "owner" handle and name. */
  serving(modelId: string, versionNumber: number): Promise<{ owner: string; name: string }[]>;
}

export class DeploymentOnlinePredictor implements OnlinePredictor {
  constructor(
    private readonly inference: Pick<InferenceService, 'predict'>,
    private readonly deployments: ModelDeployments,
    /** The deadline of one online ML.PREDICT (AIMASS_INFERENCE_DEADLINE_MS). */
    private readonly deadlineMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  async predict(principal: Principal, call: OnlinePredictCall): Promise<OnlineAnswer | null> {
    for (const d of await this.deployments.serving(call.model.id, call.versionNumber)) {
      let prediction;
      try {
        prediction = await this.inference.predict(principal, d.owner, d.name, { versionNumber: call.versionNumber }, call.records, this.now() + this.deadlineMs, 'rows');
      } catch (error) {
        // Not callable by this caller (or gone since): another deployment may be.
        if (error instanceof AppError && error.code === 'NOT_FOUND') continue;
        throw error;
      }
      if (prediction.answer.versionNumber !== call.versionNumber) {
        throw new AppError('INTERNAL', `deployment ${d.owner}/${d.name} answered with version ${prediction.answer.versionNumber}, not ${call.versionNumber}`);
      }
      return { outputs: prediction.answer.outputs, deployment: `${d.owner}/${d.name}` };
    }
    return null;
  }
}

/** {@link ModelDeployments} read from the deployments table and the replica directory. */
export class ReadyDeploymentsOfModel implements ModelDeployments {
  constructor(
    private readonly db: { query(sql: string, parameters?: unknown[]): Promise<unknown> },
    private readonly replicas: Pick<ReplicaDirectory, 'ready'>,
  ) {}

  async serving(modelId: string, versionNumber: number): Promise<{ owner: string; name: string }[]> {
    const rows = (await this.db.query(
      `SELECT d.id, d.name, coalesce(u.username, o.handle) AS owner FROM deployments d
         LEFT JOIN users u ON u.id = d.owner_id LEFT JOIN organizations o ON o.id = d.owner_id
        WHERE d.model_id = $1 AND d.status = 'ready' ORDER BY d.created_at, d.id`,
      [modelId],
    )) as { id: string; name: string; owner: string }[];
    return rows.filter((d) => this.replicas.ready(d.id).some((r) => r.versionNumber === versionNumber)).map((d) => ({ owner: d.owner, name: d.name }));
  }
}
