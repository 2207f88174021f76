/**
 * Where a model's `production` alias points, and every move of it (docs/promotion.md): a
 * comparison's promotion, an owner's move by hand, a roll-back to the version before. Each move
 * holds the alias row (`FOR UPDATE`) in its transaction and is written to production_history, so
 * a roll-back knows where production was, and deployments following the alias roll over
 * (catalog's `aliasMoved` signal, sent once the move has committed).
 */
import type { DataSource, EntityManager } from 'typeorm';
import type { Principal } from '../accounts/index.js';
import type { CatalogService, ModelVersion } from '../catalog/index.js';
import { rows } from '../db/rows.js';
import { conflict } from '../errors.js';
import type { ModelTimeline } from './model-timeline.js';

export const PRODUCTION = 'production';

/** The version production points at. */
export interface Champion {
  versionId: string;
  number: number;
}

export class ProductionMoves {
  constructor(
    private readonly db: DataSource,
    private readonly catalog: Pick<CatalogService, 'get' | 'version' | 'pointAlias' | 'aliasMoved'>,
    private readonly timeline: ModelTimeline,
  ) {}

  /** The model's production version, its alias row locked until `tx` ends when `lock`. */
  async champion(tx: Pick<EntityManager, 'query'>, modelId: string, lock = false): Promise<Champion | null> {
    const [row] = rows<{ version_id: string; number: number }>(
      await tx.query(
        `SELECT a.version_id, v.number FROM model_aliases a JOIN model_versions v ON v.id = a.version_id WHERE a.model_id = $1 AND a.alias = $2${lock ? ' FOR UPDATE OF a' : ''}`,
        [modelId, PRODUCTION],
      ),
    );
    return row ? { versionId: row.version_id, number: Number(row.number) } : null;
  }

  /**
   * Moves the alias and records the move in production_history (the version production left is
   * recorded first when the history does not end with it: an alias set by hand before).
   */
  async move(tx: EntityManager, modelId: string, from: Champion | null, to: Champion, how: 'promoted' | 'by_hand', comparisonId: string | null): Promise<void> {
    if (from) {
      const [last] = rows<{ version_id: string }>(
        await tx.query(`SELECT version_id FROM production_history WHERE model_id = $1 AND rolled_back_at IS NULL ORDER BY seq DESC LIMIT 1`, [modelId]),
      );
      if (last?.version_id !== from.versionId) {
        await tx.query(`INSERT INTO production_history (model_id, version_id, number, how) VALUES ($1, $2, $3, 'by_hand')`, [modelId, from.versionId, from.number]);
      }
    }
    await this.catalog.pointAlias(tx, modelId, PRODUCTION, to.versionId);
    await tx.query(`INSERT INTO production_history (model_id, version_id, number, how, comparison_id) VALUES ($1, $2, $3, $4, $5)`, [modelId, to.versionId, to.number, how, comparisonId]);
  }

  /** Points production at `version` by hand (no comparison); deployments following it roll over. */
  async promoteVersion(principal: Principal, owner: string, name: string, number: number): Promise<ModelVersion> {
    const model = await this.catalog.get(principal, owner, name, 'write');
    const version = await this.catalog.version(principal, owner, name, { number });
    const from = await this.db.transaction(async (tx) => {
      const now = await this.champion(tx, model.id, true);
      if (now?.versionId === version.id) throw conflict(`version ${number} is production already`, 'version');
      await this.move(tx, model.id, now, { versionId: version.id, number }, 'by_hand', null);
      return now;
    });
    this.catalog.aliasMoved(model.id, PRODUCTION);
    await this.timeline.publish(model.id, {
      kind: 'PROMOTED_BY_HAND',
      version: number,
      message: `${principal.user.username} made version ${number} production by hand${from ? ` (was version ${from.number})` : ''}`,
      detail: { by: principal.user.username, version: number, previous: from?.number ?? null },
    });
    return version;
  }

  /** Points production back at the version it pointed at before the current one (CONFLICT when there is none). */
  async rollBack(principal: Principal, owner: string, name: string): Promise<ModelVersion> {
    const model = await this.catalog.get(principal, owner, name, 'write');
    const { from, to } = await this.db.transaction(async (tx) => {
      const now = await this.champion(tx, model.id, true);
      if (!now) throw conflict(`${owner}/${name} has no production version to roll back`);
      await tx.query(`UPDATE production_history SET rolled_back_at = now() WHERE model_id = $1 AND version_id = $2 AND rolled_back_at IS NULL`, [model.id, now.versionId]);
      const [previous] = rows<{ version_id: string; number: number }>(
        await tx.query(
          `SELECT h.version_id, h.number FROM production_history h JOIN model_versions v ON v.id = h.version_id
           WHERE h.model_id = $1 AND h.rolled_back_at IS NULL AND h.version_id <> $2 ORDER BY h.seq DESC LIMIT 1`,
          [model.id, now.versionId],
        ),
      );
      if (!previous) throw conflict(`${owner}/${name} has no earlier production version to roll back to`);
      await this.catalog.pointAlias(tx, model.id, PRODUCTION, previous.version_id);
      return { from: now, to: { versionId: previous.version_id, number: Number(previous.number) } };
    });
    this.catalog.aliasMoved(model.id, PRODUCTION);
    await this.timeline.publish(model.id, {
      kind: 'ROLLED_BACK',
      version: to.number,
      message: `${principal.user.username} rolled production back from version ${from.number} to version ${to.number}`,
      detail: { by: principal.user.username, version: to.number, previous: from.number },
    });
    return this.catalog.version(principal, owner, name, { number: to.number });
  }
}
