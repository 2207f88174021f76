/**
 * The deployments of a model that can answer an online ML.PREDICT of one version now: READY or
 * DEGRADED, with a ready replica of that version on some hub (the replica directory knows).
 */
import type { Queryable } from '../../db/rows.js';
import { rows } from '../../db/rows.js';
import type { ReplicaDirectory } from '../replica-directory.js';
import type { ModelDeployments } from './deployment-online-predictor.js';

export class ReadyDeploymentsOfModel implements ModelDeployments {
  constructor(
    private readonly db: Queryable,
    private readonly replicas: Pick<ReplicaDirectory, 'ready'>,
  ) {}

  async serving(modelId: string, versionNumber: number): Promise<{ owner: string; name: string }[]> {
    const found = rows<{ id: string; owner: string; name: string }>(
      await this.db.query(
        `SELECT d.id, coalesce(u.username, o.handle) AS owner, d.name FROM deployments d
         LEFT JOIN users u ON u.id = d.owner_id LEFT JOIN organizations o ON o.id = d.owner_id
         WHERE d.model_id = $1 AND d.status IN ('ready', 'degraded') ORDER BY d.created_at, d.id`,
        [modelId],
      ),
    );
    return found
      .filter((d) => this.replicas.ready(d.id).some((r) => r.versionNumber === versionNumber))
      .map(({ owner, name }) => ({ owner, name }));
  }
}
